"""The compile cache: a policy compiled once is stored by a digest of its bytes (BLAKE2b;
SHA-256 on an interpreter built without BLAKE2) and read back on the next run, so that
one CLI call neither parses YAML, nor validates the schema, nor builds the official
calendar again.

The entry holds the checked policy data, the locations of its rows, the text of every
expression's fast form, the calendar's days off for every year it can reach and, once a
case was read, the text of the case reader generated for it (:func:`add`).  It is
data only (``marshal`` of dicts, lists, tuples, sets, strings, bytes and numbers): no
code object is ever written (:func:`write` refuses one), and nothing read back is run
but texts that are compiled and checked against a whitelist again like the policy's own
(the expressions' fast forms: :func:`policykit.lang.fastpath.plain_code`; the case
reader's: :func:`policykit.engine.case_reader.kept.plain_reader_code`).  Its
name carries that digest, the package version, the entry format, the Python
version and a tag of the installed ``holidays`` package, so a changed policy, tool,
interpreter or official calendar never reads a stale entry.

An entry is trusted only when it is authentic: each file carries a MAC (keyed BLAKE2b-256,
else HMAC-SHA256: :mod:`policykit.digest`) of its name and contents under a key of this
installation (``key`` in the cache folder, random, readable by its owner alone).  A file
that was edited, swapped, truncated or written by someone else fails the check and is
ignored (and later rewritten); nothing in it is unpacked before the check.  Writing is
atomic and best effort: an unwritable cache folder only costs speed.
``POLICYKIT_CACHE_DIR`` moves it; ``POLICYKIT_NO_CACHE=1`` turns it off.  No folder is made but the cache's own and its
parent (so ``HOME=/nonexistent`` creates nothing).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys

from policykit.digest import MAC_BYTES, key_hex, mac, same
from policykit.version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# 2: the last year of the official calendar kept; 3: authenticated; 4: data only, packed
# calendar; 5: named by a BLAKE2b of the bytes, authenticated by keyed BLAKE2b (SHA-256
# and HMAC-SHA256 without BLAKE2); 6: the case format, and the case reader's text once generated
FORMAT = 6
MAGIC = b"pkcache6"
KEY_BYTES = 32
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def key_of(raw: bytes) -> str:
    """The name of the entry of a file's bytes ``raw`` (a digest of them)."""
    return key_hex(raw)


def cache_dir() -> str | None:
    if os.environ.get("POLICYKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("POLICYKIT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policykit")


def entry_path(key: str) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    # the format too: two builds of one version (a checkout and an install) keep apart
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return os.path.join(folder, f"{key}-{__version__}-f{FORMAT}-{python}-{calendar_source()}.bin")


_SOURCE: list[str] = []


def calendar_source() -> str:
    """A tag of the installed ``holidays`` package, whose calendar an entry keeps: its
    file's size and time, so that upgrading it (a new year's official schedule) makes
    every entry stale.  Found without importing it (that is what the cache saves)."""
    if not _SOURCE:
        from importlib.machinery import PathFinder  # (importlib.util costs a start more)

        try:
            spec = PathFinder.find_spec("holidays")
            info = os.stat(spec.origin) if spec is not None and spec.origin else None
        except (ImportError, ValueError, OSError):
            info = None
        _SOURCE.append(f"h{info.st_size:x}.{info.st_mtime_ns:x}" if info is not None else "h0")
    return _SOURCE[0]


def _key(folder: str, create: bool) -> bytes | None:
    """This installation's key: a file of the current user's, readable by no one else."""
    path = os.path.join(folder, "key")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if not create:
            return None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return None
        # what secrets.token_bytes gives, without importing secrets (and through it hmac
        # and hashlib, which an interpreter without BLAKE2 fills stderr importing)
        key = os.urandom(KEY_BYTES)
        try:
            os.write(fd, key)
        finally:
            os.close(fd)
        return key
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_mode & 0o077
            or (hasattr(os, "getuid") and info.st_uid != os.getuid())
        ):
            return None
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    return key if len(key) == KEY_BYTES else None


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    return mac(key, name.encode("utf-8") + b"\0" + payload)


def read(name: str) -> dict[str, Any] | None:
    """The authentic entry stored under ``name`` (:func:`key_of` a file's bytes), or None
    (missing, edited, foreign, unreadable)."""
    path = entry_path(name)
    if path is None:
        return None
    key = _key(os.path.dirname(path), create=False)
    if key is None:
        return None
    try:
        with open(path, "rb") as handle:
            blob = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    head = len(MAGIC) + MAC_BYTES
    if len(blob) > MAX_ENTRY_BYTES or len(blob) < head or not blob.startswith(MAGIC):
        return None
    payload = blob[head:]
    if not same(blob[len(MAGIC) : head], _mac(key, os.path.basename(path), payload)):
        return None
    try:
        entry = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("name") != name:
        return None
    return entry


def write(name: str, entry: dict[str, Any]) -> None:
    path = entry_path(name)
    if path is None:
        return
    entry = {**entry, "format": FORMAT, "name": name}
    tmp = None
    try:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            parent = os.path.dirname(folder) or "."
            if not os.path.isdir(parent):
                os.mkdir(parent)  # ~/.cache, say; never a chain of folders
            os.mkdir(folder, mode=0o700)
        key = _key(folder, create=True)
        if key is None:
            return
        payload = marshal.dumps(plain_data(entry))
        import tempfile  # only a run that writes the cache pays for it

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + _mac(key, os.path.basename(path), payload) + payload)
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def add(name: str, part: str, value: Any) -> None:
    """Keep ``value`` (data) as ``part`` of the entry ``name``, beside what it holds: a form
    a higher layer works out from the policy when first asked for it (the case reader's
    text), which the next run reads back with the entry (``entry["kept"]``) and checks as
    its own.  Nothing is written where the entry is not there, or not authentic."""
    entry = read(name)
    if entry is None:
        return
    kept = entry.get("kept")
    write(name, {**entry, "kept": {**(kept if isinstance(kept, dict) else {}), part: value}})


_SCALARS = (str, bytes, int, float, bool, type(None))


def plain_data(value: Any) -> Any:
    """``value`` itself if it is data (containers of strings, bytes and numbers); else
    TypeError, so that a code object, a function or any other object never reaches the cache."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _SCALARS):
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        else:
            raise TypeError(f"the compile cache keeps data only, not {type(item).__name__}")
    return value
