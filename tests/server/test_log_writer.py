"""Group commit: entries handed to the writer are committed before the caller goes on,
concurrent callers share transactions, and a failed write reaches each of its callers."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from policykit.server.decision_log import DecisionLog
from policykit.server.log_writer import LogWriter

from .test_decision_log import _entry


def test_concurrent_writes_are_all_committed_in_shared_transactions(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    writer = LogWriter(log)
    groups: list[int] = []
    original = log.write_many

    def counting(entries: list[Any]) -> None:
        groups.append(len(entries))
        original(entries)

    log.write_many = counting  # type: ignore[method-assign]  # a spy in the log's place
    entries = [_entry() for _ in range(300)]

    async def main() -> None:
        await asyncio.gather(*(writer.write([e]) for e in entries))

    asyncio.run(main())
    writer.stop()
    assert log.count() == 300 and sum(groups) == 300
    assert len(groups) < 300  # some commits carried several decisions


def test_a_failed_write_fails_each_caller(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    writer = LogWriter(log)

    def broken(entries: list[Any]) -> None:
        raise OSError("disk full")

    log.write_many = broken  # type: ignore[method-assign]  # a full disk in the log's place

    async def main() -> list[Any]:
        return await asyncio.gather(*(writer.write([_entry()]) for _ in range(5)), return_exceptions=True)

    results = asyncio.run(main())
    writer.stop()
    assert all(isinstance(r, OSError) for r in results)
    with pytest.raises(OSError):
        asyncio.run(writer.write([_entry()]))
    writer.stop()


def test_an_entry_that_cannot_be_written_fails_only_its_own_request(tmp_path: Path) -> None:
    """The review's case: one bad entry among others waiting for the same commit failed them all."""
    log = DecisionLog(tmp_path / "log.sqlite3")
    writer = LogWriter(log)
    gate, entered = threading.Event(), threading.Event()
    calls: list[int] = []
    original = log.write_many

    def gated(entries: list[Any]) -> None:
        calls.append(len(entries))
        entered.set()
        gate.wait(10)  # the first commit waits until every other request is queued behind it
        original(entries)

    log.write_many = gated  # type: ignore[method-assign]  # a slow disk in the log's place
    good = [_entry(f"good{i}") for i in range(30)]
    bad = replace(_entry("bad"), case={"x": object()})  # not JSON: its row cannot be made

    async def main() -> list[Any]:
        first = asyncio.ensure_future(writer.write([good[0]]))
        await asyncio.to_thread(entered.wait, 10)
        rest = [asyncio.ensure_future(writer.write([e])) for e in [*good[1:15], bad, *good[15:]]]
        await asyncio.sleep(0.05)  # each has put its entries on the queue
        gate.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    results = asyncio.run(main())
    writer.stop()
    failed = [r for r in results if r is not None]
    assert len(failed) == 1 and isinstance(failed[0], TypeError)
    assert results[15] is failed[0]  # the bad entry's own request
    assert calls[1] == 30  # the bad entry shared a transaction with 29 good ones...
    assert log.count() == 30  # ...and every good one was committed all the same
    assert log.get(bad.decision_id) is None
