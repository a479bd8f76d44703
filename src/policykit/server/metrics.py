"""Prometheus metrics (``GET /metrics``), one registry per application.

With several worker processes (``serve --workers N``) the server runs prometheus_client's
multiprocess mode: each worker writes its figures to files in the folder
``PROMETHEUS_MULTIPROC_DIR`` names, and a scrape, whichever worker answers it, adds up
every worker's (requests in flight: those of the live workers).
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from policykit.policy.model import Policy

CONTENT_TYPE = CONTENT_TYPE_LATEST
disable_created_metrics()  # type: ignore[no-untyped-call]  # the *_created series double the output and say nothing here
_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "policykit_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "policykit_http_request_duration_seconds", "Time to answer", ["route"], buckets=_BUCKETS, registry=r
        )
        self.in_flight = Gauge(
            "policykit_http_requests_in_flight",
            "Requests being answered",
            registry=r,
            multiprocess_mode="livesum",  # (with several workers: the live ones', added up)
        )
        self.rejected = Counter("policykit_http_requests_rejected", "Requests refused: server full", registry=r)
        self.decisions = Counter(
            "policykit_decisions",
            "Decisions given, by request type, decision and value",
            ["request_type", "decision", "value"],
            registry=r,
        )
        self.log_failures = Counter("policykit_decision_log_write_failures", "Decisions not logged", registry=r)
        self.reloads = Counter("policykit_policy_reloads", "Policy set reloads", ["outcome"], registry=r)

    def count_decisions(self, policy: Policy, request_type: str, decisions: Any) -> None:
        """One count per decision.  A value is a label only when the policy lists the
        decision's values; dates, numbers, lists and free text are counted as their kind,
        so that the label set stays as small as the policy's value lists."""
        for d in decisions:
            value = d.value if d.decided else None
            definition = policy.values.get(d.id)
            if not d.decided:
                shown = "undecided"
            elif value is None:
                shown = "not_applicable"
            elif isinstance(value, bool):
                shown = str(value).lower()
            elif isinstance(value, str):
                shown = value if definition is not None and value in definition.values else "text"
            elif isinstance(value, date):
                shown = "date"
            else:
                shown = type(value).__name__
            self.decisions.labels(request_type, d.id, shown).inc()

    def render(self) -> bytes:
        if not os.environ.get(MULTIPROCESS):
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        every = CollectorRegistry()
        multiprocess.MultiProcessCollector(every)  # type: ignore[no-untyped-call]
        return generate_latest(every)


MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's: where the workers' figures go


def worker_ended() -> None:
    """This worker's live figures (requests in flight) leave the sum (multiprocess mode)."""
    if os.environ.get(MULTIPROCESS):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
