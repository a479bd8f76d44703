"""Group commit: entries handed to the writer are committed before the caller goes on,
concurrent callers share transactions, and a failed write reaches each of its callers."""

from __future__ import annotations

import asyncio
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
