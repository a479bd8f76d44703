"""What every request of the service shares: settings, the policy set, the decision log,
the API keys and the metrics; and the two things done with them (authorising, reloading
the policy set and the keys)."""

from __future__ import annotations

import logging
import os
import signal

from starlette.requests import Request

from policykit.server.config import ServerConfig
from policykit.server.decision_log import DecisionLog
from policykit.server.keys import ApiKey, load_keys, match, reload_keys
from policykit.server.log_writer import LogWriter
from policykit.server.metrics import Metrics
from policykit.server.openapi import build_openapi
from policykit.server.policies import PolicyStore
from policykit.server.problems import Problem
from policykit.tools.versions import PolicySet


class Service:
    """Everything a request needs: settings, policies, decision log, keys, metrics."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.logger = logging.getLogger("policykit.server")
        self.keys: tuple[ApiKey, ...] = load_keys(config.keys_file)
        self.policies = PolicyStore(config.policy_set)
        self.log = DecisionLog(config.log_path, config.log_synchronous)
        self.writer = LogWriter(self.log)
        self.metrics = Metrics()
        self.openapi = build_openapi(self.policies.current)

    def authorize(self, request: Request, scope: str | None) -> str | None:
        """The id of the request's key; 401 without a valid key, 403 without ``scope``.
        With no key configured (loopback only) every request may do everything."""
        if not self.keys:
            return None
        header = request.headers.get("authorization")
        presented = [request.headers.get("x-api-key")]
        if header is not None:
            presented.append(header[7:].strip() if header.lower().startswith("bearer ") else "")
        found = {match(self.keys, p) for p in presented if p is not None}
        # every key shown must be valid, and the same: a bad or a second credential is refused
        key = found.pop() if len(found) == 1 else None
        if key is None:
            raise Problem(401, "an API key is required", headers={"WWW-Authenticate": "Bearer"})
        if scope is not None and scope not in key.scopes:
            raise Problem(403, "this key may not do that", f"the {scope!r} scope is needed")
        return key.id

    def refresh(self) -> PolicySet:
        """Read the key file and load the policy set again, each checked in full first: on
        any error both old ones stay (a key removed from the file stops working now)."""
        try:
            keys = reload_keys(self.config.keys_file, self.keys)
            fresh = self.policies.reload()
        except Exception:
            self.metrics.reloads.labels("refused").inc()
            raise
        self.keys = keys
        self.openapi = build_openapi(fresh)
        self.metrics.reloads.labels("done").inc()
        return fresh

    def reload(self) -> PolicySet:
        """:meth:`refresh`; under several worker processes, then ask the supervisor to
        replace each worker in turn (each new one reads both at its start)."""
        fresh = self.refresh()
        if int(self.config.extra.get("workers", 1)) > 1:
            os.kill(os.getppid(), signal.SIGHUP)  # uvicorn's supervisor: a rolling restart
        return fresh
