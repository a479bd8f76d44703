"""The compile cache: a policy compiled once is stored by its SHA-256 and read back on
the next run, so that one CLI call neither parses YAML, nor validates the schema, nor
builds the official calendar again.

The entry holds the checked policy data, the locations of its rows, every expression's
fast code object (``marshal``) and the calendar's days off for the years around today.
Its name carries the policy's SHA-256, the package version and the Python version, so
a changed policy, tool or interpreter never reads a stale entry.  Writing is atomic and
best effort: an unwritable cache folder only costs speed.  ``POLICYKIT_CACHE_DIR`` moves
it; ``POLICYKIT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from policykit.version import __version__

FORMAT = 2  # 2: the last year of the official calendar is kept too


def cache_dir() -> Path | None:
    if os.environ.get("POLICYKIT_NO_CACHE"):
        return None
    explicit = os.environ.get("POLICYKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policykit"


def entry_path(sha: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"{sha}-{__version__}-py{sys.version_info[0]}{sys.version_info[1]}.bin"


def read(sha: str) -> dict[str, Any] | None:
    path = entry_path(sha)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            entry = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("sha256") != sha:
        return None
    return entry


def write(sha: str, entry: dict[str, Any]) -> None:
    path = entry_path(sha)
    if path is None:
        return
    entry = {**entry, "format": FORMAT, "sha256": sha}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            marshal.dump(entry, handle)
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def calendar_years(today: date) -> range:
    """The years whose working days a cache entry keeps: two back, two ahead."""
    return range(today.year - 2, today.year + 3)
