"""The policy set the service decides with, and its reload without downtime.

A request takes :attr:`PolicyStore.current` once, when it starts, and decides with that
set to the end: a reload swaps the reference for requests that start later, so a request
in flight finishes under the version it began with.  A new set is loaded and checked in
full first; a set with any error never replaces the one serving.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from policykit.tools.versions import PolicySet, load_policy_set


class PolicyStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self.current: PolicySet = load_policy_set(self.directory, use_cache=True)
        self.loaded_at = datetime.now(UTC)

    def reload(self) -> PolicySet:
        """Load the folder again; on any problem raise (a PolicyError) and keep serving the old set."""
        with self._lock:
            fresh = load_policy_set(self.directory, use_cache=True)
            self.current = fresh
            self.loaded_at = datetime.now(UTC)
            return fresh
