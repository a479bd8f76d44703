"""Readiness follows the decision log: /readyz never waits on the log's lock on the event
loop, answers 503 while the log cannot be written and ready again once it can; /healthz
never touches the log.  A failed write raises, and logs in one line, its own error."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from policykit.errors import InputError
from policykit.server.decision_log import DecisionLog

from .conftest import BASE_URL, example, service
from .test_decision_log import _entry

FULL = "database or disk is full"


def _fill(log: DecisionLog) -> None:
    """The log's disk full, for its own connection: not one page more."""
    pages = log._db.execute("PRAGMA page_count").fetchone()[0]
    log._db.execute(f"PRAGMA max_page_count={pages}")


def _free(log: DecisionLog) -> None:
    log._db.execute("PRAGMA max_page_count=1073741823")


def test_a_failed_write_raises_its_own_error_and_the_log_goes_on(tmp_path: Path) -> None:
    """SQLite rolls a transaction back by itself on a full disk: a second ROLLBACK raised
    "cannot rollback - no transaction is active" in the place of "database or disk is full"."""
    log = DecisionLog(tmp_path / "log.sqlite3")
    log.write(_entry())
    _fill(log)
    with pytest.raises(sqlite3.OperationalError, match=FULL) as failed:
        log.write_many([replace(_entry(), case={"text": "x" * 100_000})])
    assert failed.value.__context__ is None and not log._db.in_transaction
    _free(log)
    log.write(_entry())
    assert log.count() == 2


def test_a_path_that_is_no_file_names_its_own_error() -> None:
    with pytest.raises(InputError) as bad:
        DecisionLog("/dev/null")
    assert "rollback" not in str(bad.value) and "/dev/null" in str(bad.value)


def test_a_full_disk_is_logged_in_one_line_and_readyz_is_503_until_it_clears(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    svc = service(client)
    assert client.get("/readyz").status_code == 200
    _fill(svc.log)

    def full(timeout_s: float) -> None:  # readyz's own write meets the same full disk
        raise sqlite3.OperationalError(FULL)

    monkeypatch.setattr(svc.log, "probe", full)
    with caplog.at_level(logging.INFO, logger="policykit.server"):
        answer = client.post("/v1/evaluate", content=example("fault"))
    assert answer.status_code == 503 and answer.json()["title"] == "the decision could not be logged"
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    message = record.getMessage()
    assert record.exc_info is None and FULL in message and "SQLITE_FULL" in message and "\n" not in message
    ready = client.get("/readyz")
    assert ready.status_code == 503 and FULL in ready.json()["detail"], ready.text
    assert client.get("/healthz").status_code == 200
    # room again: readyz's own write succeeds, and so do decisions
    _free(svc.log)
    monkeypatch.undo()
    assert client.get("/readyz").json()["status"] == "ready"
    assert client.post("/v1/evaluate", content=example("fault")).status_code == 200
    assert svc.log.count() == 1


def test_readyz_and_healthz_do_not_wait_for_a_lock_on_the_log(make_client: Any, tmp_path: Path) -> None:
    """Another connection holds the log: a decision waits for its lock (in the writer
    thread), while readyz and healthz answer at once; the decision fails when the wait runs
    out, readyz is then 503 until the lock is let go, and ready after."""
    client = make_client()
    svc = service(client)
    svc.log._db.execute("PRAGMA busy_timeout=3000")  # the decision's wait: 3 s, not 10
    other = sqlite3.connect(tmp_path / "log.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")

    async def scenario() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            decision = asyncio.create_task(http.post("/v1/evaluate", content=example("fault")))
            await asyncio.sleep(0.3)  # the writer thread waits on the lock
            for path in ("/readyz", "/healthz"):
                began = time.perf_counter()
                seen[path] = ((await http.get(path)).status_code, time.perf_counter() - began)
            seen["decision"] = (await decision).status_code
            began = time.perf_counter()
            seen["locked"] = ((await http.get("/readyz")).status_code, time.perf_counter() - began)
            other.execute("ROLLBACK")
            seen["free"] = (await http.get("/readyz")).status_code
        return seen

    try:
        seen = asyncio.run(scenario())
    finally:
        other.close()
    assert seen["/readyz"][0] == seen["/healthz"][0] == 200
    assert seen["/readyz"][1] < 1 and seen["/healthz"][1] < 1, seen
    assert seen["decision"] == 503
    assert seen["locked"][0] == 503 and seen["locked"][1] < 2, seen
    assert seen["free"] == 200
