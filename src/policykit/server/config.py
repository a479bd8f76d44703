"""The service's settings, with their defaults; passed to each worker process as JSON."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from policykit.limits import DEFAULT, Limits

ENV = "POLICYKIT_SERVE_CONFIG"


@dataclass(frozen=True)
class ServerConfig:
    policy_set: str  # folder of policy versions
    log_db: str = "policykit-decisions.sqlite3"
    keys_file: str | None = None
    keep_personal: bool = False  # keep personal facts in the log unmasked
    docs_url: str | None = None
    max_body_bytes: int = 0  # one case; 0: the case_bytes work limit (--limit case_bytes=N)
    max_line_bytes: int = 0  # one line of a batch; 0: the case_bytes work limit
    max_concurrency: int = 64  # requests served at once; more get 503 and Retry-After
    request_timeout_s: float = 30.0
    retention_days: float | None = None  # prune log entries older than this
    log_synchronous: str = "NORMAL"  # SQLite synchronous: FULL survives power loss too
    page_size: int = 100
    allow_draft: bool = False
    limits: dict[str, float] = field(default_factory=dict)  # over policykit.limits.DEFAULT, per request
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        case_bytes = int(self.work_limits.case_bytes)
        for name in ("max_body_bytes", "max_line_bytes"):
            if not getattr(self, name):
                object.__setattr__(self, name, case_bytes)  # (frozen: set once, here)

    @property
    def work_limits(self) -> Limits:
        """The limits each request is decided under."""
        return DEFAULT.replace(**self.limits) if self.limits else DEFAULT

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServerConfig:
        raw = os.environ.get(ENV)
        if not raw:
            from policykit.policy.resources import data_dir

            return cls(policy_set=str(data_dir("policies")))
        return cls(**json.loads(raw))

    @property
    def log_path(self) -> Path:
        return Path(self.log_db)
