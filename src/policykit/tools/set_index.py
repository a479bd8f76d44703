"""The index of a policy set, kept in the compile cache: what choosing a version reads of
each (its file's name, id, version, status, effective date and SHA-256), so that a run
that decides under one version builds that one alone from its own entry.

An index is written only after every version of the folder loaded and the set passed its
checks, and it is named by every policy file of the folder, name and bytes
(:func:`policykit.policy.amend_key.files_bytes`), with the tool's version, the entry
format and Python as every entry is: a folder edited in any way (a broken version, a new
one, a renamed file) has no index, and is loaded and checked in full as without one, so
every problem is reported as before.  Like a policy's entry, its name carries no limit:
it keeps what the versions' compiles checked against the limits (``needs``, the most of
each any version needs), and a run under limits that do not allow them does not use it
(every version is loaded, and refused, as without the index).  Like every entry it is
data only and authenticated (:mod:`policykit.policy.cache`); one of another shape is not used.
"""

from __future__ import annotations

import os

from policykit.lang.dates import date
from policykit.limits import DEFAULT, Limits

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from policykit.policy.model import Policy

# a version as the index keeps it: (file name, id, version, status, effective date or None, sha256)
Row = tuple[str, str, str, str, date | None, str]


def index_key(files: Sequence[str], most: int = DEFAULT.policy_bytes) -> str | None:
    """The name of the index of a set of ``files`` (one folder's), or None if one cannot be
    read, or is longer than ``most`` bytes (the limit policy_bytes)."""
    from policykit.policy import cache
    from policykit.policy.amend_key import files_bytes

    found = files_bytes(files, most)
    return None if found is None else cache.key_of(b"policy-set\0" + found)


def read_index(key: str, files: Sequence[str], limits: Limits = DEFAULT) -> list[Row] | None:
    """The rows of the authentic index named ``key``, oldest version first, if it is of
    the shape :func:`write_index` writes, names exactly the set's ``files`` and ``limits``
    allow what its versions need."""
    from policykit.policy import cache

    entry = cache.read(key)
    if entry is None or not limits.allows(entry.get("needs")):
        return None
    rows = entry.get("versions")
    if not isinstance(rows, list) or not rows:
        return None
    out: list[Row] = []
    for row in rows:
        if not (isinstance(row, tuple) and len(row) == 6):
            return None
        name, policy_id, version, status, day, sha = row
        if not all(isinstance(x, str) for x in (name, policy_id, version, status, sha)):
            return None
        if not (day is None or isinstance(day, str)):
            return None
        try:  # a version the set's order can compare (a forged "2.x" would fail there)
            tuple(int(part) for part in version.split("."))
        except ValueError:
            return None
        try:
            out.append((name, policy_id, version, status, date.fromisoformat(day) if day else None, sha))
        except ValueError:
            return None
    if sorted(r[0] for r in out) != sorted(os.path.basename(f) for f in files):
        return None
    return out


def write_index(key: str, versions: Sequence[Policy], effective: list[date | None], needs: dict[str, int]) -> None:
    """Keep the index of a set that loaded and passed its checks (``versions`` oldest
    first, with the effective date of each, and ``needs``: the most each limit any of
    them needs, :func:`policykit.limits.note_need`)."""
    from policykit.policy import cache

    rows = [
        (os.path.basename(p.file), p.id, p.version, p.status, day.isoformat() if day else None, p.sha256)
        for p, day in zip(versions, effective, strict=True)
    ]
    cache.write(key, {"versions": rows, "needs": needs})
