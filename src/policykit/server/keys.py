"""API keys: kept only as SHA-256 hashes, each with an id (logged) and scopes.

A key file (or the ``POLICYKIT_API_KEYS`` environment variable) holds JSON::

    {"keys": [{"id": "ticketing", "sha256": "…", "scopes": ["evaluate"]}]}

``policykit keys new ID --scopes evaluate,read_log`` makes a key, prints it once and adds
its hash to the file.  A request shows its key as ``Authorization: Bearer KEY`` or
``X-API-Key: KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykit.errors import Diagnostic, InputError

SCOPES = ("evaluate", "read_log", "admin")
ENV = "POLICYKIT_API_KEYS"


@dataclass(frozen=True)
class ApiKey:
    id: str
    sha256: str
    scopes: frozenset[str]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A fresh key: 256 random bits, URL-safe, with a prefix that says what it is."""
    return "pk_" + secrets.token_urlsafe(32)


def parse_keys(text: str, source: str) -> tuple[ApiKey, ...]:
    """The keys of a key file's JSON; an :class:`InputError` naming every bad entry."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError([Diagnostic(source, 0, 0, "bad-keys", f"not JSON: {exc}")]) from None
    except RecursionError:
        raise InputError([Diagnostic(source, 0, 0, "bad-keys", "not a key file: nested too deeply")]) from None
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError([Diagnostic(source, 0, 0, "bad-keys", 'expected {"keys": [...]}')])
    keys, problems = [], []
    for i, entry in enumerate(entries):
        problem = _problem(entry)
        if problem:
            problems.append(Diagnostic(source, 0, 0, "bad-keys", problem, f"keys[{i}]"))
            continue
        keys.append(ApiKey(entry["id"], entry["sha256"].lower(), frozenset(entry["scopes"])))
    if len({k.id for k in keys}) != len(keys):
        problems.append(Diagnostic(source, 0, 0, "bad-keys", "two keys have the same id"))
    if problems:
        raise InputError(problems)
    return tuple(keys)


def _problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "each key is an object with id, sha256 and scopes"
    if not isinstance(entry.get("id"), str) or not entry["id"]:
        return "id: a non-empty string is required"
    sha = entry.get("sha256")
    if not isinstance(sha, str) or len(sha) != 64 or any(c not in "0123456789abcdefABCDEF" for c in sha):
        return "sha256: the key's SHA-256 in hex (64 characters) is required"
    scopes = entry.get("scopes")
    if not isinstance(scopes, list) or not scopes or any(s not in SCOPES for s in scopes):
        return f"scopes: a list of {', '.join(SCOPES)}"
    return None


def load_keys(path: str | Path | None) -> tuple[ApiKey, ...]:
    """The keys in ``path`` and in ``$POLICYKIT_API_KEYS`` (either may be absent).  One that
    is given but holds no key is refused (``no-keys``): the operator asked for keys, and
    none would leave the service open to anyone who can reach it."""
    keys: list[ApiKey] = []
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError([Diagnostic(str(path), 0, 0, "unreadable", exc.strerror or str(exc))]) from None
        except UnicodeDecodeError:
            raise InputError([Diagnostic(str(path), 0, 0, "bad-keys", "not a key file: not UTF-8 text")]) from None
        keys.extend(_some(parse_keys(text, str(path)), str(path), "the key file has no keys", "leave out --keys"))
    if os.environ.get(ENV):
        keys.extend(_some(parse_keys(os.environ[ENV], "$" + ENV), "$" + ENV, f"{ENV} has no keys", "unset it"))
    return tuple(keys)


def _some(keys: tuple[ApiKey, ...], source: str, problem: str, instead: str) -> tuple[ApiKey, ...]:
    if not keys:
        said = f"{problem}: add one (policykit keys new), or {instead} to serve this machine only, without keys"
        raise InputError([Diagnostic(source, 0, 0, "no-keys", said)])
    return keys


class KeysRefused(InputError):
    """A key file read again (on reload) that cannot replace the keys in use."""


def reload_keys(path: str | Path | None, current: tuple[ApiKey, ...]) -> tuple[ApiKey, ...]:
    """The keys of ``path`` read again, to replace ``current``; :class:`KeysRefused` for a
    bad file, or for one with no key where there were keys (that would open the service
    to anyone who can reach it: stop it and start it without keys, on loopback, instead)."""
    try:
        fresh = load_keys(path)
    except InputError as exc:
        raise KeysRefused(exc.diagnostics) from None
    if current and not fresh:
        where = str(path) if path is not None else "$" + ENV
        message = "no key left: a server started with keys keeps at least one (revoke all by stopping it)"
        raise KeysRefused([Diagnostic(where, 0, 0, "no-keys", message)])
    return fresh


def add_key(path: str | Path, key_id: str, scopes: list[str]) -> str:
    """Make a key, add its hash to the key file at ``path`` (made if need be); return the key."""
    file = Path(path)
    if not key_id.strip():
        raise InputError([Diagnostic("id", 0, 0, "bad-keys", "a key's id is a name: not empty, not only spaces")])
    try:
        return _add_key(file, key_id, scopes)
    except OSError as exc:  # a folder, no such place, no permission: the file named, exit 2
        raise InputError([Diagnostic(str(file), 0, 0, "bad-keys", exc.strerror or str(exc))]) from None
    except UnicodeDecodeError:
        raise InputError([Diagnostic(str(file), 0, 0, "bad-keys", "not a key file: not UTF-8 text")]) from None


def _add_key(file: Path, key_id: str, scopes: list[str]) -> str:
    existing = list(parse_keys(file.read_text(encoding="utf-8"), str(file))) if file.exists() else []
    if any(k.id == key_id for k in existing):
        raise InputError([Diagnostic(str(file), 0, 0, "bad-keys", f"a key with id {key_id!r} exists already")])
    if not scopes or any(s not in SCOPES for s in scopes):
        raise InputError([Diagnostic("--scopes", 0, 0, "bad-keys", f"scopes are some of {', '.join(SCOPES)}")])
    secret = new_secret()
    entries = [{"id": k.id, "sha256": k.sha256, "scopes": sorted(k.scopes)} for k in existing]
    entries.append({"id": key_id, "sha256": digest(secret), "scopes": sorted(scopes)})
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"keys": entries}, handle, indent=2)
        handle.write("\n")
    return secret


def match(keys: tuple[ApiKey, ...], presented: str) -> ApiKey | None:
    """The key whose hash is that of ``presented`` (compared in constant time)."""
    sha = digest(presented)
    found = None
    for key in keys:
        if hmac.compare_digest(key.sha256, sha):
            found = key
    return found
