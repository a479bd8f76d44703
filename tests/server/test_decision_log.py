"""The decision log file: migrations, writes, paging, export, pruning, several writers."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.server.decision_log import MIGRATIONS, DecisionLog, Entry, log_time, now
from policykit.server.service import new_decision_id

from ..conftest import cli


def _entry(case_id: str = "c1", time: str | None = None) -> Entry:
    return Entry(
        decision_id=new_decision_id(),
        time=time or now(),
        key_id=None,
        request_type="fault",
        case_id=case_id,
        case_sha256="0" * 64,
        case={"case_id": case_id},
        masked=False,
        policy_id="p",
        policy_version="1",
        policy_sha256="1" * 64,
        as_of="2026-11-27",
        lang="zh",
        result={"decisions": {}},
        latency_ms=0.1,
    )


def test_a_new_log_is_migrated_to_the_last_version_and_wal(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    assert log.schema_version == len(MIGRATIONS)
    log.close()
    db = sqlite3.connect(tmp_path / "log.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    DecisionLog(tmp_path / "log.sqlite3").close()  # opening again migrates nothing twice


def test_write_get_query_pages_and_export(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    entries = [_entry("a" if i % 2 else "b") for i in range(7)]
    log.write_many(entries[:3])
    for e in entries[3:]:
        log.write(e)
    assert log.get(entries[4].decision_id) == entries[4]
    assert log.get("nope") is None
    page = log.query(limit=3)
    assert [e.decision_id for e in page] == [e.decision_id for e in entries[:3]]
    rest = log.query(after=page[-1].decision_id, limit=100)
    assert [e.decision_id for e in page + rest] == [e.decision_id for e in entries]
    assert {e.case_id for e in log.query(case_id="a")} == {"a"}
    assert len(list(log.export())) == 7
    assert log.integrity() == "ok"


def test_prune_and_time_window(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    log.write(_entry(time="2020-01-01T00:00:00.000Z"))
    log.write(_entry())
    assert [e.time[:4] for e in log.query(start="2020-01-01", end="2020-01-02")] == ["2020"]
    assert log.prune(30) == 1 and log.count() == 1


def _writer(path: str, n: int) -> None:
    log = DecisionLog(path)
    for _ in range(n):
        log.write(_entry())
    log.close()


def test_several_processes_share_one_log(tmp_path: Path) -> None:
    path = str(tmp_path / "log.sqlite3")
    DecisionLog(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, 50)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    log = DecisionLog(path)
    assert log.count() == 150 and log.integrity() == "ok"


def test_log_export_and_prune_commands(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    log = DecisionLog(path)
    log.write(_entry("old", time="2020-01-01T00:00:00.000Z"))
    log.write(_entry("new"))
    log.close()
    code, out, err = cli("log", "export", "--log-db", str(path), "--from", "2021-01-01")
    assert code == 0, err
    assert [line.count('"case_id": "new"') for line in out.splitlines()] == [2]
    code, _, err = cli("log", "prune", "--log-db", str(path), "--older-than-days", "365")
    assert code == 0 and "1 entries" in err
    code, out, err = cli("log", "export", "--log-db", str(tmp_path / "none.sqlite3"))
    assert code == 2 and out == "" and "no decision log" in err
    code, out, err = cli("log", "export", "--log-db", str(path), "--from", "yesterday", "--to", "2026-02-30")
    assert (code, out) == (2, "") and [line.split(":")[0] for line in err.splitlines()] == ["--from", "--to"]


def test_time_bounds_are_times_not_text(tmp_path: Path) -> None:
    """The review's cases: a bound without milliseconds, with an offset, and a bad one."""
    log = DecisionLog(tmp_path / "log.sqlite3")
    log.write(_entry("a", time="2026-11-30T20:58:06.155Z"))
    assert [e.case_id for e in log.query(start="2026-11-30T20:58:06Z")] == ["a"]
    assert [e.case_id for e in log.query(start="2026-12-01T04:58:06+08:00")] == ["a"]  # the same moment
    assert log.query(start="2026-12-01T04:58:06.156+08:00") == []
    assert [e.case_id for e in log.query(end="2026-11-30T20:58:06.1551Z")] == ["a"]  # rounds up to .156
    assert log.query(end="2026-11-30T20:58:06.155Z") == []  # exclusive
    assert [e.case_id for e in log.query(start="2026-11-30", end="2026-12-01")] == ["a"]
    for bad in ("yesterday", "2026-13-01", "0001-01-01T00:00:00+01:00", ""):
        with pytest.raises(ValueError):
            log.query(start=bad)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a shared, loaded machine
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
)
def test_a_bound_compares_with_a_logged_time_as_the_moments_do(bound: datetime, logged: datetime) -> None:
    stamp = logged.replace(microsecond=logged.microsecond // 1000 * 1000, tzinfo=UTC)
    text = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # as the log writes it
    assert (text >= log_time(bound.isoformat())) == (stamp >= bound)
    assert (text < log_time(bound.isoformat())) == (stamp < bound)


@pytest.mark.parametrize(
    "given,read",
    [
        ("2026-11-30T10:00:00.0000001Z", "2026-11-30T10:00:00.001Z"),  # past the microsecond: still later
        ("2026-11-30T10:00:00.0000000Z", "2026-11-30T10:00:00.000Z"),
        ("2026-11-30T10:00:00,5+08:00", "2026-11-30T02:00:00.500Z"),
    ],
)
def test_a_bound_finer_than_a_microsecond_keeps_its_order(given: str, read: str) -> None:
    assert log_time(given) == read


@pytest.mark.parametrize("given", ["20261130", "2026-W48-1", "2026-11-30T24:00:00", "yesterday"])
def test_a_bound_the_api_document_does_not_give_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO 8601 time or day"):
        log_time(given)


def _foreign(path: Path) -> bytes:
    """Another program's SQLite database at ``path``; its bytes."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE x (a)")
    db.commit()
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("command", [("log", "export"), ("log", "prune", "--older-than-days", "5")])
def test_the_log_commands_refuse_what_is_not_a_log_and_leave_it_as_it_was(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """Exit 2 with the file named, never an internal error, and no table added to (nor a
    journal mode set in) a database of another program, nor a log made of an empty file."""
    foreign, empty, text, folder = (
        tmp_path / "other.sqlite3",
        tmp_path / "empty.sqlite3",
        tmp_path / "a.json",
        tmp_path / "d",
    )
    before = _foreign(foreign)
    empty.write_bytes(b"")
    text.write_text("{}\n", encoding="utf-8")
    folder.mkdir()
    said = {
        foreign: "a database of another program (its tables: x)",
        empty: "no decision log here (an empty database)",
        text: "cannot be the decision log: file is not a database",
        folder: "no decision log here",
    }
    for path, words in said.items():
        code, out, err = cli(*command, "--log-db", str(path))
        assert (code, out) == (2, ""), err
        assert err.startswith(f"{path}: ") and words in err and err.count("\n") == 1, err
    assert foreign.read_bytes() == before and empty.read_bytes() == b""


def test_a_path_that_cannot_be_the_log_is_bad_input_for_the_server_too(tmp_path: Path) -> None:
    from policykit.errors import InputError

    folder, foreign = tmp_path / "d", tmp_path / "other.sqlite3"
    folder.mkdir()
    before = _foreign(foreign)
    for path, words in ((folder, "a folder"), (foreign, "another program")):
        with pytest.raises(InputError) as caught:
            DecisionLog(path)
        (diag,) = caught.value.diagnostics
        assert (diag.file, diag.code) == (str(path), "bad-log") and words in diag.message
    assert foreign.read_bytes() == before
    fresh = DecisionLog(tmp_path / "new" / "log.sqlite3")  # a new log, its folder made: as before
    assert fresh.schema_version == len(MIGRATIONS)
    fresh.close()
    again = DecisionLog(tmp_path / "new" / "log.sqlite3", create=False)  # a log already: opened
    assert again.count() == 0
    again.close()
