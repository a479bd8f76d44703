"""Keeping the compile cache folder bounded.

Every policy file's bytes name an entry (:mod:`policykit.policy.cache`), so a policy
editor who saves a file a hundred times, or a test run making scratch policies, leaves a
hundred entries of some 150 KiB each.  After each write the folder keeps the newest
:data:`MAX_ENTRIES` entries and removes the rest, oldest first.  An entry read again is
marked new (by :func:`policykit.policy.cache.read`, at most once a minute, so that a
cold run pays an ``fstat`` for it and seldom a write): the policies in use stay.  A
temporary file a killed writer left is removed once it is :data:`STALE_TMP_SECONDS` old.
Nothing else in the folder is touched (not the key, not a file of another name), and a
file that cannot be looked at or removed is left: best effort, like the cache itself.
Imported only by a run that writes the cache.
"""

from __future__ import annotations

import os
import time

MAX_ENTRIES = 128
"""Entries kept in the cache folder (policies and policy-set indexes alike)."""
STALE_TMP_SECONDS = 3600
"""A writer's temporary file this old is one a killed process left."""

ENTRY_SUFFIX = ".bin"
TMP_PREFIX = ".tmp-"


def prune(folder: str, keep: int | None = None) -> int:
    """Remove the oldest entries of ``folder`` past the ``keep`` newest (default
    :data:`MAX_ENTRIES`), and any stale temporary file; the number of files removed."""
    if keep is None:
        keep = MAX_ENTRIES
    entries: list[tuple[int, str]] = []
    removed = 0
    now = time.time()
    try:
        with os.scandir(folder) as found:
            for item in found:
                name = item.name
                try:
                    if not item.is_file(follow_symlinks=False):
                        continue
                    if name.endswith(ENTRY_SUFFIX) and not name.startswith("."):
                        entries.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
                    elif (
                        name.startswith(TMP_PREFIX)
                        and now - item.stat(follow_symlinks=False).st_mtime > STALE_TMP_SECONDS
                    ):
                        os.unlink(item.path)
                        removed += 1
                except OSError:
                    continue
    except OSError:
        return removed
    if len(entries) <= keep:
        return removed
    entries.sort()
    for _, path in entries[: len(entries) - keep]:
        try:
            os.unlink(path)
            removed += 1
        except OSError:
            pass
    return removed
