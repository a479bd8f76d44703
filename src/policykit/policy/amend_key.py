"""What an amendment's compile-cache entry is named by, beyond its own bytes.

An amendment means what its changes make of its base, and the base is whichever file of
its folder holds the version it names (:func:`policykit.policy.amend.find_version`),
itself maybe an amendment of another file there.  So its entry is named by its bytes and
by every policy file of that folder, name and bytes (a superset of what resolving it
reads, found without parsing anything): any edit, addition, removal or renaming in the
folder makes a new name, and the next run compiles afresh.  The chain of files it was
resolved from is kept in the entry by name within the folder, and placed back in the
folder the policy is read from, as a fresh resolution names them.
"""

from __future__ import annotations

import os

from policykit.policy.resources import is_policy_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def folder_bytes(folder: str, most: int) -> bytes | None:
    """Every policy file of ``folder`` (name, length and bytes, by name), as one string of
    bytes no other folder gives; None when the folder cannot be listed, or a file read in
    ``most`` bytes."""
    try:
        names = sorted(os.listdir(folder or "."))
    except OSError:
        return None
    paths = [os.path.join(folder, name) for name in names if is_policy_name(name)]
    return files_bytes([path for path in paths if os.path.isfile(path)], most)


def files_bytes(paths: Sequence[str], most: int) -> bytes | None:
    """The files ``paths`` (of one folder), each by name, length and bytes, as one string
    of bytes; None when one cannot be read, or is longer than ``most`` bytes (no policy
    file is: it is not read to the end to make a name)."""
    parts: list[bytes] = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                body = handle.read(most + 1)
        except OSError:
            return None  # a file resolving might read, unread: no name for the entry
        if len(body) > most:
            return None
        parts.append(b"%s\0%d\0%s" % (os.fsencode(os.path.basename(path)), len(body), body))
    return b"".join(parts)


def amendment_key_bytes(raw: bytes, folder: str, most: int) -> bytes | None:
    """What an amendment's entry is named by (its bytes and its folder's, each file read in
    ``most`` bytes), or None."""
    found = folder_bytes(folder, most)
    if found is None:
        return None
    return b"amendment\0%d\0%s%s" % (len(raw), raw, found)


def chain_names(chain: Sequence[str]) -> list[str]:
    """The files an amendment was resolved from, after the amendment itself, by name
    within their folder (all lie in the amendment's)."""
    return [os.path.basename(path) for path in chain[1:]]


def chain_paths(path: str | Path, names: Sequence[str]) -> list[str]:
    """The files ``names`` of the folder of ``path`` (an amendment's), named as a fresh
    resolution names them (``str(Path(path).parent / name)``).  A plain path
    (``os.path.normpath`` leaves it as it is) is taken apart without :mod:`pathlib`, whose
    names are then the same strings (and whose import costs a cached run some 2 ms)."""
    if isinstance(path, str) and path == os.path.normpath(path):
        folder = os.path.dirname(path)
        return [os.path.join(folder, name) if folder else name for name in names]
    from pathlib import Path

    parent = Path(path).parent
    return [str(parent / name) for name in names]
