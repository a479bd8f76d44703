"""Amendments: a version written as ``amends: <version>`` plus only what changes.

An amendment file holds ``policykit``, ``amends`` (the version it changes, a file of the
same folder), ``metadata`` (merged key by key over the amended version's) and ``changes``,
a list of operations addressed by id::

    - replace: parameters.replacement_ship_working_days.value
      with: 2
    - add: clauses
      after: terms.2             # or before: ID, or at: N; default: at the end
      with: {id: terms.lightning, ...}
    - add: facts[fault.lightning]
      with: {type: bool, ...}
    - remove: decisions[service.type].rules[2]

An address is a chain of names (``.name``) and brackets (``[key]``): in a mapping a
bracket names a key (facts and decisions have dots in their names), in a list it names
the item whose ``id`` (or ``date``, ``name``, ``clause``) is ``key``, or the item at a
position (from 0).  The result is an ordinary policy, compiled and checked like a full
copy; its diagnostics point into the amendment where the amendment wrote the part,
else at its ``amends:`` line.  The compile cache keeps the result under a name of the
amendment's folder (:mod:`policykit.policy.amend_key`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from policykit.digest import sha256_hex
from policykit.errors import Diagnostic
from policykit.lang.hints import suggest, suggest_version
from policykit.policy.document import Document, Path, item_key

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[([^\]]+)\]")
_OPS = ("add", "replace", "remove")
MAX_CHAIN = 16


@dataclass(frozen=True)
class Resolved:
    """The resolved document, its SHA-256 (of the chain) and the chain, newest first."""

    doc: Document
    sha256: str
    chain: tuple[str, ...]


class _Bad(Exception):
    def __init__(self, path: Path, code: str, message: str) -> None:
        super().__init__(message)
        self.path, self.code, self.message = path, code, message


def is_amendment(data: Any) -> bool:
    return isinstance(data, dict) and "amends" in data


def parse_address(text: str) -> list[str]:
    """``decisions[service.type].rules[2].when`` -> ``['decisions', 'service.type', 'rules', '2', 'when']``."""
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or (pos == 0 and text.startswith(".")):
            raise ValueError(f"cannot read the address '{text}' at '{text[pos:]}'")
        parts.append(match.group(1) or match.group(2).strip())
        pos = match.end()
    if not parts:
        raise ValueError("an empty address")
    return parts


def _index(items: list[Any], key: str, where: Path) -> int:
    for i, item in enumerate(items):
        if item_key(item) == key:
            return i
    if key.isdigit() and int(key) < len(items):
        return int(key)
    known = [k for k in (item_key(item) for item in items) if k]
    if key.isdigit():  # a position past the end: say how many there are
        count = {0: "no items", 1: "1 item, at 0"}.get(len(items), f"{len(items)} items, from 0 to {len(items) - 1}")
        raise _Bad(where, "amend-unknown", f"no item '{key}' here: the list has {count}")
    raise _Bad(where, "amend-unknown", f"no item '{key}' here{suggest(key, known)}")


def _step(node: Any, key: str, where: Path) -> tuple[Any, str | int]:
    if isinstance(node, dict):
        if key not in node:
            raise _Bad(where, "amend-unknown", f"no '{key}' here{suggest(key, [str(k) for k in node])}")
        return node[key], key
    if isinstance(node, list):
        i = _index(node, key, where)
        return node[i], i
    raise _Bad(where, "amend-unknown", f"'{key}' is below a single value")


def _apply(data: dict[str, Any], change: dict[str, Any], where: Path, origin: dict[Any, Path]) -> None:
    ops = [op for op in _OPS if op in change]
    if len(ops) != 1:
        from policykit.lang.hints import suggest

        hint = "".join(suggest(str(key), list(_OPS)) for key in change if key not in (*_OPS, "with"))
        raise _Bad(where, "amend-op", f"each change is one of add, replace or remove (with its address){hint}")
    op = ops[0]
    try:
        parts = parse_address(str(change[op]))
    except ValueError as exc:
        raise _Bad((*where, op), "amend-address", str(exc)) from None
    if op != "remove" and "with" not in change:
        raise _Bad(where, "amend-op", f"'{op}' needs a 'with:' value")
    node: Any = data
    for name in parts[:-1]:
        node, _ = _step(node, name, (*where, op))
    last = parts[-1]
    value = change.get("with")
    if op == "add" and isinstance(node, dict) and last not in node:
        node[last] = value
        origin[(id(node), last)] = (*where, "with")
        return
    target, key = _step(node, last, (*where, op))
    if op == "remove":
        del node[key]
    elif op == "replace":
        node[key] = value
        origin[(id(node), key)] = (*where, "with")
    elif isinstance(target, list):
        at = _position(target, change, where)
        target.insert(at, value)
        origin[(id(target), at, "insert")] = (*where, "with")
    else:
        raise _Bad((*where, op), "amend-exists", f"'{change[op]}' is there already: replace it instead")


def _position(items: list[Any], change: dict[str, Any], where: Path) -> int:
    if "after" in change:
        return _index(items, str(change["after"]), (*where, "after")) + 1
    if "before" in change:
        return _index(items, str(change["before"]), (*where, "before"))
    if "at" in change and isinstance(change["at"], int):
        return max(0, min(len(items), change["at"]))
    return len(items)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return over


def resolve(
    doc: Document, raw: bytes, folder: FilePath, seen: tuple[str, ...] = (), most: int | None = None
) -> tuple[Resolved | None, list[Diagnostic]]:
    """The policy an amendment describes: its base resolved, then its changes applied.
    Each base is a policy file read within ``most`` bytes (default: the limit policy_bytes)."""
    from policykit.policy.yamlload import MAX_POLICY_BYTES, load_yaml

    most = MAX_POLICY_BYTES if most is None else most

    data = doc.data
    wanted = str(data.get("amends"))
    if len(seen) >= MAX_CHAIN or doc.file in seen:
        return None, [doc.diag(("amends",), "amend-chain", "the chain of amendments loops back on itself")]
    found, too_large = _find_version(folder, wanted, FilePath(doc.file), most)
    if found is None and too_large:
        names = ", ".join(p.name for p in too_large)
        message = f"no version {wanted} in {folder} within the limit policy_bytes = {most} ({names}: larger, not read)"
        return None, [doc.diag(("amends",), "file-too-large", message)]
    if found is None:
        there = _versions_in(folder, FilePath(doc.file), most)
        listed = " (no other version)"
        if there:
            listed = f" (its versions: {', '.join(there)}{suggest_version(wanted, there)})"
        return None, [doc.diag(("amends",), "amend-base", f"no version {wanted} in {folder}{listed}")]
    base_path, base_raw = found
    other = _find_version(folder, wanted, base_path, most)[0]
    # (a file over the size limit is found by its first bytes alone: not read, not counted)
    if other is not None and len(other[1]) <= most and other[0].resolve() != FilePath(doc.file).resolve():
        # two files of the base's version: which one was meant is not ours to guess
        message = f"version {wanted} is both {base_path} and {other[0]}: a set holds one file a version"
        return None, [doc.diag(("amends",), "set-duplicate-version", message)]
    if len(base_raw) > most:  # read no further than one byte over
        message = f"version {wanted} ({base_path}) is larger than the limit policy_bytes = {most}"
        return None, [doc.diag(("amends",), "file-too-large", message)]
    base_doc, diags = load_yaml(base_raw, str(base_path), most)
    if base_doc is None or any(d.severity == "error" for d in diags):
        return None, [*diags, doc.diag(("amends",), "amend-base", f"version {wanted} ({base_path}) cannot be read")]
    base_sha = sha256_hex(base_raw)
    chain: tuple[str, ...] = (str(base_path),)
    if is_amendment(base_doc.data):
        inner, diags = resolve(base_doc, base_raw, folder, (*seen, doc.file), most)
        if inner is None:
            return None, [*diags, doc.diag(("amends",), "amend-base", f"version {wanted} ({base_path}) is invalid")]
        base_doc, base_sha, chain = inner.doc, inner.sha256, inner.chain
    resolved: dict[str, Any] = copy.deepcopy(base_doc.data)
    base_version = (resolved.get("metadata") or {}).get("version")
    resolved["metadata"] = _merge(resolved.get("metadata") or {}, data.get("metadata") or {})
    origin: dict[Any, Path] = {}
    problems: list[Diagnostic] = []
    changes = data.get("changes") or []
    if not isinstance(changes, list):
        return None, [doc.diag(("changes",), "amend-op", "changes must be a list")]
    for i, change in enumerate(changes):
        if not isinstance(change, dict):
            problems.append(doc.diag(("changes", i), "amend-op", "each change is a mapping"))
            continue
        try:
            _apply(resolved, change, ("changes", i), origin)
        except _Bad as bad:
            problems.append(doc.diag(bad.path, bad.code, bad.message))
    if problems:
        return None, problems
    meta = resolved.get("metadata")
    if str(meta.get("version") if isinstance(meta, dict) else None) == str(base_version):
        # the amendment would be its base again under the same number: a set holds one of each
        own = isinstance(data.get("metadata"), dict) and "version" in data["metadata"]
        said = (
            f"an amendment gives its own metadata.version (its base is {base_version}): e.g. metadata: {{version: …}}"
        )
        return None, [doc.diag(("metadata", "version") if own else ("amends",), "amend-version", said)]
    resolved["amends"] = wanted
    resolved.pop("changes", None)
    lines, texts = _lines(resolved, doc, origin)
    sha = sha256_hex(raw + b"\0" + base_sha.encode())
    return Resolved(Document(doc.file, resolved, lines, texts), sha, (doc.file, *chain)), []


def find_version(folder: FilePath, version: str, self_path: FilePath, most: int | None = None) -> FilePath | None:
    """The policy file of ``folder`` (other than ``self_path``) whose version is ``version``."""
    found = _find_version(folder, version, self_path, most)[0]
    return found[0] if found is not None else None


def _find_version(
    folder: FilePath, version: str, self_path: FilePath, most: int | None = None
) -> tuple[tuple[FilePath, bytes] | None, list[FilePath]]:
    """(the file of ``folder`` with version ``version`` and its bytes, or None; the files
    passed over as larger than ``most`` bytes, default the limit policy_bytes).  Each file
    is read no further than one byte over ``most``; one over it whose first bytes name
    the version is given with them, for the reader to refuse as too large."""
    from policykit.policy.yamlload import MAX_POLICY_BYTES, load_yaml

    most = MAX_POLICY_BYTES if most is None else most
    too_large: list[FilePath] = []
    for path, text in _other_files(folder, self_path, most):
        named = re.search(rb"version:\s*[\"']?" + re.escape(version.encode()) + rb"\b", text) is not None
        if len(text) > most:
            if named:
                return (path, text), too_large
            too_large.append(path)
            continue
        if not named:
            continue  # a quick look before parsing the file
        loaded, _ = load_yaml(text, str(path), most)
        if loaded is not None and isinstance(loaded.data, dict):
            meta = loaded.data.get("metadata") or {}
            if str(meta.get("version")) == version:
                return (path, text), too_large
    return None, too_large


def _other_files(folder: FilePath, self_path: FilePath, most: int) -> Iterator[tuple[FilePath, bytes]]:
    """(path, its first ``most`` + 1 bytes) of each policy file of ``folder`` but ``self_path``
    that can be read, in name order."""
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
        if path.resolve() == self_path.resolve():
            continue
        try:
            with open(path, "rb") as handle:
                text = handle.read(most + 1)
        except OSError:
            continue
        yield path, text


def _versions_in(folder: FilePath, self_path: FilePath, most: int) -> list[str]:
    """The versions the other policy files of ``folder`` name (for a message: read only
    when the one asked for is not there)."""
    from policykit.policy.yamlload import load_yaml

    found = set()
    for path, text in _other_files(folder, self_path, most):
        loaded = load_yaml(text, str(path), most)[0] if len(text) <= most else None
        meta = loaded.data.get("metadata") if loaded is not None and isinstance(loaded.data, dict) else None
        if isinstance(meta, dict) and meta.get("version") is not None:
            found.add(str(meta["version"]))
    return sorted(found, key=lambda v: (tuple(int(p) if p.isdigit() else -1 for p in v.split(".")), v))


def _lines(
    resolved: dict[str, Any], doc: Document, origin: dict[Any, Path]
) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int, str, str]]]:
    """Where each part of the resolved policy was written: in the amendment where it wrote
    the part (or the metadata), else at the ``amends:`` line; and where the amendment wrote
    each one-line text of its own (:attr:`Document.scalars`)."""
    home = doc.where(("amends",))
    out: dict[Path, tuple[int, int]] = {}
    texts: dict[Path, tuple[int, int, str, str]] = {}

    def walk(node: Any, rpath: Path, apath: Path | None) -> None:
        out[rpath] = doc.lines.get(apath, home) if apath is not None else home
        if apath is not None and apath in doc.scalars:
            texts[rpath] = doc.scalars[apath]
        if isinstance(node, dict):
            for key, child in node.items():
                sub = (*apath, key) if apath is not None else origin.get((id(node), key))
                walk(child, (*rpath, key), sub)
        elif isinstance(node, list):
            inserted = {at: p for k, p in origin.items() if len(k) == 3 and k[0] == id(node) for at in (k[1],)}
            for i, child in enumerate(node):
                sub = (*apath, i) if apath is not None and i < _length(doc, apath) else inserted.get(i)
                walk(child, (*rpath, i), sub)

    for key, value in resolved.items():
        if key == "metadata":
            walk(value, (key,), ("metadata",) if ("metadata",) in doc.lines else None)
        else:
            walk(value, (key,), None)
    out[("amends",)] = home
    return out, texts


def _length(doc: Document, apath: Path) -> int:
    node: Any = doc.data
    for key in apath:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return 0
    return len(node) if isinstance(node, list) else 0
