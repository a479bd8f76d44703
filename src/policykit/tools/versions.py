"""A policy set: the versions of one standard in one folder, and which is in force when.

The version in force on a day is the approved version with the latest effective date
on or before it.  A draft is used only when asked (``allow_draft``) or when no approved
version is in force (v1.0 as shipped is a draft in force for any date, INT-16); its own
warning says so.  ``supersedes`` links each version to the one before it.
"""

from __future__ import annotations

import os

from policykit.errors import Diagnostic, PolicyError, PolicykitError
from policykit.lang.dates import date, parse_date
from policykit.limits import DEFAULT, Limits, note_need
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.policy.resources import POLICY_SUFFIXES, is_policy_name
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeVar

    T = TypeVar("T")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def effective(policy: Policy) -> date | None:
    text = policy.metadata.get("effective_from")
    return parse_date(text) if text else None


class PolicySet(Frozen):
    """The versions of one standard in one folder, oldest first: ``PolicySet(directory,
    versions)``; ``directory`` is the folder as a path, ``folder`` as a string.

    A set made from its index (:mod:`policykit.tools.set_index`: ``PolicySet(directory,
    index=...)``) builds a version when it is first chosen, and all of them when
    ``versions`` is first read."""

    _FIELDS = _SHOWN = ("directory", "versions")
    _COMPARED = ("folder", "versions")

    folder: str  # as it was given (a path as a Path shows it)

    def __init__(
        self,
        directory: str | os.PathLike[str],
        versions: tuple[Policy, ...] | None = None,
        index: _Index | None = None,
    ) -> None:
        kept = self.__dict__
        kept["folder"] = directory if isinstance(directory, str) else os.fspath(directory)
        if versions is None and index is None:
            raise TypeError("a PolicySet needs its versions or their index")
        kept["_versions"] = versions
        kept["_index"] = index

    @property
    def versions(self) -> tuple[Policy, ...]:
        """Every version, oldest first."""
        found: tuple[Policy, ...] | None = self.__dict__["_versions"]
        if found is None:
            index: _Index = self.__dict__["_index"]
            found = self.__dict__["_versions"] = tuple(index.load(row) for row in index.rows)
        return found

    def _lazy(self) -> _Index | None:
        """The index, while not every version is built."""
        return self.__dict__["_index"] if self.__dict__["_versions"] is None else None

    @property
    def directory(self) -> Path:
        from pathlib import Path

        return Path(self.folder)

    def select(self, on: date, allow_draft: bool = False) -> Policy:
        """The version in force on ``on``."""
        index = self._lazy()
        if index is not None:
            row = choose([(r, r[3], r[4], r[2]) for r in index.rows], on, allow_draft)
            found = None if row is None else index.load(row)
        else:
            found = choose([(p, p.status, effective(p), p.version) for p in self.versions], on, allow_draft)
        if found is not None:
            return found
        raise PolicyError(
            [
                Diagnostic(
                    self.folder,
                    0,
                    0,
                    "no-version-in-force",
                    f"no version of the policy is in force on {on.isoformat()} "
                    "(a version can still be named: --policy FILE on the command line, ?version= on the service)",
                )
            ]
        )

    @property
    def latest(self) -> Policy:
        index = self._lazy()
        return index.load(index.rows[-1]) if index is not None else self.versions[-1]

    def for_case(self, data: Any, allow_draft: bool = False) -> Policy:
        """The version that decides a case (a dict in the case format): the one in force
        on its ``request.date``, else the latest."""
        request = data.get("request") if isinstance(data, dict) else None
        text = request.get("date") if isinstance(request, dict) else None
        try:
            day = parse_date(text) if isinstance(text, str) else None
        except ValueError:
            day = None
        return self.select(day, allow_draft) if day else self.latest

    def by_sha256(self, sha: str) -> Policy | None:
        index = self._lazy()
        if index is not None:
            return next((index.load(r) for r in index.rows if r[5] == sha), None)
        return next((p for p in self.versions if p.sha256 == sha), None)

    def by_version(self, policy_id: str, version: str) -> Policy | None:
        index = self._lazy()
        if index is not None:
            return next((index.load(r) for r in index.rows if r[1] == policy_id and r[2] == version), None)
        return next((p for p in self.versions if p.id == policy_id and p.version == version), None)


def choose(items: list[tuple[T, str, date | None, str]], on: date, allow_draft: bool) -> T | None:
    """Of ``(item, status, effective date, version)``, oldest version first, the item of
    the version in force on ``on``: the approved version with the latest effective date
    on or before it; a draft when asked, or when no approved version is in force."""
    in_force = [i for i in items if i[1] == "approved" and (i[2] or date.max) <= on]
    drafts = [i for i in items if i[1] == "draft" and (i[2] or date.min) <= on]
    if allow_draft and drafts:
        return max([*in_force, *drafts], key=lambda i: version_key(i[3]))[0]
    if in_force:
        return max(in_force, key=lambda i: (i[2] or date.min, version_key(i[3])))[0]
    if drafts:
        return max(drafts, key=lambda i: version_key(i[3]))[0]
    return None


class _Index:
    """A set's index rows (:data:`policykit.tools.set_index.Row`, oldest first) and the
    versions built from them so far, each built once from its file (by name) under ``limits``."""

    __slots__ = ("built", "files", "limits", "rows")

    def __init__(self, rows: list[Any], files: list[str], limits: Limits = DEFAULT) -> None:
        self.rows = rows
        self.files = {os.path.basename(f): f for f in files}
        self.built: dict[str, Policy] = {}
        self.limits = limits

    def load(self, row: Any) -> Policy:
        """The version of ``row``, built from its file; a PolicyError if the file is no longer
        what the index says (edited since the set was made: the version in force was chosen
        from the folder as it was then, as a set built whole builds every version at once)."""
        name = row[0]
        found = self.built.get(name)
        if found is None:
            found = load_policy(self.files[name], use_cache=True, limits=self.limits)[0]
            if (found.id, found.version, found.status, effective(found), found.sha256) != tuple(row[1:]):
                message = "changed after the version in force was chosen from the policy set: run again"
                raise PolicyError([Diagnostic(found.file, 0, 0, "set-changed", message)])
            self.built[name] = found
        return found


def policy_files(directory: Path) -> list[Path]:
    """The policy files of a set: YAML files directly in the folder (tests live below it)."""
    return sorted(p for p in directory.iterdir() if p.suffix in POLICY_SUFFIXES and p.is_file())


def check_chain(versions: list[Policy]) -> list[Diagnostic]:
    """One standard, distinct versions, and each ``supersedes`` naming an earlier version of the set."""
    out = []
    ids = {p.id for p in versions}
    by_version: dict[str, Policy] = {}
    for p in versions:
        if len(ids) > 1:
            out.append(
                Diagnostic(
                    p.file,
                    1,
                    0,
                    "set-mixed",
                    f"policy '{p.id}' is not the only standard in the set ({', '.join(sorted(ids))})",
                )
            )
        if p.version in by_version:
            out.append(
                Diagnostic(
                    p.file, 1, 0, "set-duplicate-version", f"version {p.version} is also {by_version[p.version].file}"
                )
            )
        by_version[p.version] = p
    for p in versions:
        before = p.metadata.get("supersedes")
        if not before:
            continue
        older = by_version.get(str(before))
        if older is None:
            out.append(
                Diagnostic(
                    p.file, 1, 0, "set-chain", f"version {p.version} supersedes {before}, which is not in the set"
                )
            )
        elif version_key(older.version) >= version_key(p.version):
            out.append(
                Diagnostic(p.file, 1, 0, "set-chain", f"version {p.version} supersedes {before}, which is not older")
            )
        elif p.status == "approved" and older.status == "approved" and _not_after(effective(p), effective(older)):
            out.append(
                Diagnostic(
                    p.file,
                    1,
                    0,
                    "set-chain",
                    f"version {p.version} takes effect no later than {before}, which it supersedes",
                )
            )
        if older is not None and version_key(older.version) < version_key(p.version):
            out.extend(contract_findings(older, p))
    if len(versions) > 1:
        out.extend(found for p in versions if (found := _request_day(p)) is not None)
    return out


def _request_day(policy: Policy) -> Diagnostic | None:
    """A version of a set of several that has no date fact ``request.date``: the set picks
    the version in force on each case's ``request.date``, so each of its cases would be
    decided under the latest version, whatever day it was asked on."""
    fact = policy.facts.get("request.date")
    if fact is not None and fact.type == "date":
        return None
    line = policy.lines.get("facts.request.date") or 1
    message = (
        "a set of versions picks the one in force on each case's request.date: this version needs "
        "a date fact 'request.date' (the day of the request), else every case is decided under the latest"
    )
    return Diagnostic(policy.file, line, 0, "set-request-date", message, "facts")


def contract_findings(older: Policy, newer: Policy) -> list[Diagnostic]:
    """A breaking change of the contract (a removed or retyped field or decision, a removed
    value, a dropped contract) is an error unless ``newer`` is a new major version."""
    from policykit.policy.contract_ext import contract_changes

    if version_key(newer.version)[0] > version_key(older.version)[0]:
        return []
    major = f"{version_key(older.version)[0] + 1}.0.0"
    return [
        Diagnostic(
            newer.file,
            newer.lines.get("contract", 1),
            0,
            "contract-breaking",
            f"{subject}: {what} since {older.version}: other systems rely on the contract, so a breaking "
            f"change needs a new major version ({major})",
        )
        for kind, subject, what in contract_changes(older.raw, older.case_schema, newer.raw, newer.case_schema)
        if kind == "breaking"
    ]


def _not_after(day: date | None, other: date | None) -> bool:
    return day is not None and other is not None and day <= other


def no_folder(path: Path) -> Diagnostic:
    """Why ``path``, given as a policy set, is none: missing, or a file (not "no such
    folder" for a file that is there: the set is the folder that holds it)."""
    try:
        there = os.path.lexists(path)
    except (OSError, ValueError):  # (a name too long to look up, say: not there for us)
        there = False
    if there:
        said = "a file, not a policy folder: a policy set is the folder of its files (one file is --policy PATH)"
        return Diagnostic(str(path), 0, 0, "not-a-folder", said)
    return Diagnostic(str(path), 0, 0, "not-found", "no such policy folder")


def _folder_files(directory: str | Path) -> tuple[str, list[str]] | None:
    """The folder as a Path shows it and its policy files (as :func:`policy_files` names
    them); None when it is no folder.  A plain folder name (``os.path.normpath`` leaves it
    as it is: what the commands find, and most that people type) is read without
    :mod:`pathlib`, whose names are then the same strings."""
    text = directory if isinstance(directory, str) else None
    if text is not None and text != "." and text == os.path.normpath(text):
        if not os.path.isdir(text):
            return None
        names = sorted(os.listdir(text))
        files = [os.path.join(text, n) for n in names if is_policy_name(n)]
        return text, [f for f in files if os.path.isfile(f)]
    from pathlib import Path

    folder = Path(directory)
    if not folder.is_dir():
        return None
    return str(folder), [str(p) for p in policy_files(folder)]


def load_policy_set(
    directory: str | Path, use_cache: bool = False, lazy: bool = False, limits: Limits = DEFAULT
) -> PolicySet:
    """Load and check every version in ``directory`` under ``limits``; a :class:`PolicyError`
    lists every problem.

    ``lazy`` (with ``use_cache``): a set loaded and checked before, its folder unchanged
    since, is made from its index and builds only the versions asked for, if ``limits``
    allow what every version's compile checked against them (the index keeps it); else
    every version is loaded and checked, as without the index."""
    found = _folder_files(directory)
    if found is None:
        from pathlib import Path

        raise PolicyError([no_folder(Path(directory))])
    folder, files = found
    key = None
    if use_cache and len(files) > 1:  # (a set of one version has nothing to leave unbuilt)
        from policykit.tools.set_index import index_key, read_index

        key = index_key(files, limits.policy_bytes)
        rows = read_index(key, files, limits) if key is not None else None
        if rows is not None:
            if lazy:
                return PolicySet(folder, index=_Index(rows, files, limits))
            key = None  # kept already
    versions: list[Policy] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            versions.append(load_policy(path, use_cache=use_cache, limits=limits)[0])
        except PolicykitError as exc:
            problems.extend(exc.diagnostics)
    if not versions and not problems:
        problems.append(Diagnostic(folder, 0, 0, "empty-set", "no policy file in this folder"))
    problems.extend(check_chain(versions))
    if problems:
        raise PolicyError(problems)
    versions.sort(key=lambda p: version_key(p.version))
    if key is not None:
        _keep_index(key, files, versions, limits)
    return PolicySet(folder, tuple(versions))


def _keep_index(key: str, files: list[str], versions: list[Policy], limits: Limits) -> None:
    """Write the set's index if its files are as they were when ``key`` was made (none
    edited while the set loaded) and each version's effective date reads, with what the
    versions' compiles checked against the limits (each the most any version needs)."""
    from policykit.tools.set_index import index_key, write_index

    try:
        days = [effective(p) for p in versions]
    except (ValueError, TypeError):
        return
    needs: dict[str, int] = {}
    for policy in versions:
        kept = policy.memo.get("needs")
        if not isinstance(kept, dict):
            return  # a version that does not say: no index (every run loads the set in full)
        for name, amount in kept.items():
            note_need(needs, name, amount)
    if index_key(files, limits.policy_bytes) == key:
        write_index(key, versions, days, needs)


def latest_file() -> str:
    """The file of the latest version of the working copy's set (else of the bundled one):
    what a command given no policy takes where it needs one (``schema``, a policy test
    naming none), as ``--policy-set`` does; not a file picked by its name, which may be an
    older version."""
    from policykit.policy.resources import policies_dir

    return str(load_policy_set(policies_dir(), use_cache=True, lazy=True).latest.file)
