"""The decision log: every decision the service answered, kept in SQLite (WAL).

One row a decision, written and committed before the answer leaves the server, so that a
decision a client was given can always be found again and replayed.  Several server
processes share one file: SQLite's locking serialises the writers (WAL lets readers go on),
and ``busy_timeout`` makes a writer wait its turn instead of failing.  The schema is
versioned (``PRAGMA user_version``) and migrated forward on open, under a write lock, so
that two processes starting together migrate once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from policykit.errors import Diagnostic, InputError
from policykit.server.jsoncodec import dumps, loads

# each entry moves the schema one version forward; never edit one that has shipped
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE decisions (
        decision_id    TEXT PRIMARY KEY,
        time           TEXT NOT NULL,
        key_id         TEXT,
        request_type   TEXT NOT NULL,
        case_id        TEXT,
        case_sha256    TEXT NOT NULL,
        case_json      TEXT NOT NULL,
        masked         INTEGER NOT NULL,
        policy_id      TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        policy_sha256  TEXT NOT NULL,
        as_of          TEXT NOT NULL,
        lang           TEXT NOT NULL,
        result_json    TEXT NOT NULL,
        latency_ms     REAL NOT NULL
    );
    CREATE INDEX decisions_time ON decisions (time);
    CREATE INDEX decisions_case ON decisions (case_id, time);
    """,
)

COLUMNS = (
    "decision_id",
    "time",
    "key_id",
    "request_type",
    "case_id",
    "case_sha256",
    "case_json",
    "masked",
    "policy_id",
    "policy_version",
    "policy_sha256",
    "as_of",
    "lang",
    "result_json",
    "latency_ms",
)
_INSERT = f"INSERT INTO decisions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM decisions"


@dataclass(frozen=True, slots=True)
class Entry:
    """One logged decision."""

    decision_id: str
    time: str
    key_id: str | None
    request_type: str
    case_id: str | None
    case_sha256: str
    case: dict[str, Any]
    masked: bool
    policy_id: str
    policy_version: str
    policy_sha256: str
    as_of: str
    lang: str
    result: dict[str, Any]
    latency_ms: float

    def row(self) -> tuple[Any, ...]:
        return (
            self.decision_id,
            self.time,
            self.key_id,
            self.request_type,
            self.case_id,
            self.case_sha256,
            dumps(self.case).decode("utf-8"),
            int(self.masked),
            self.policy_id,
            self.policy_version,
            self.policy_sha256,
            self.as_of,
            self.lang,
            dumps(self.result).decode("utf-8"),
            self.latency_ms,
        )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Entry:
        values = dict(zip(COLUMNS, row, strict=True))
        values["case"] = loads(values.pop("case_json"))
        values["result"] = loads(values.pop("result_json"))
        values["masked"] = bool(values["masked"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "time": self.time,
            "key_id": self.key_id,
            "request_type": self.request_type,
            "case_id": self.case_id,
            "case_sha256": self.case_sha256,
            "case": self.case,
            "masked": self.masked,
            "policy": {"id": self.policy_id, "version": self.policy_version, "sha256": self.policy_sha256},
            "as_of": self.as_of,
            "lang": self.lang,
            "result": self.result,
            "latency_ms": self.latency_ms,
        }


def now() -> str:
    """The time of a log entry: UTC, ISO 8601, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def log_time(text: str) -> str:
    """``text``, an ISO 8601 time (an offset or ``Z``; none means UTC) or day (its midnight,
    UTC), as the log writes times, so that the log's times compare with it as text: UTC,
    milliseconds, ``Z``.  A part of a millisecond rounds up: the log's times are whole
    milliseconds, so ``time >= t`` and ``time < t`` keep their meaning.  ValueError if
    it is not such a time."""
    text = text.strip()
    try:
        if not (len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()):
            raise ValueError  # the forms the API document gives: a day first (no 20261130, 2026-W48)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        if _past_microseconds(text):  # a part of a microsecond fromisoformat dropped: later still
            moment += timedelta(microseconds=1)
        if moment.microsecond % 1000:
            moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the calendar") from None
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time or day (e.g. 2026-11-30T20:58:06+08:00)") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _past_microseconds(text: str) -> bool:
    """Whether the fraction of a second in ``text`` has a non-zero digit past the sixth."""
    for mark in (".", ","):
        at = text.find(mark, 10)
        if at > 0:
            end = at + 1
            while end < len(text) and text[end].isdigit():
                end += 1
            return any(d != "0" for d in text[at + 7 : end])
    return False


class _NotALog(Exception):
    """A path that holds something other than a decision log."""


class DecisionLog:
    """A decision log file.  Safe to share between threads (one connection, one lock) and
    between processes (SQLite's own locking)."""

    def __init__(
        self, path: str | Path, synchronous: str = "NORMAL", busy_timeout_ms: int = 10_000, create: bool = True
    ) -> None:
        """Open the log at ``path``, made (with its folder) if need be; ``create=False``: only a
        log that is one already (``policykit log``, which reads or prunes one).  A path that
        cannot hold a log (a folder, a file that is not SQLite, another program's database)
        is an :class:`~policykit.errors.InputError` naming it: no table is added to a
        database that is not a decision log."""
        self.path = Path(path)
        self._lock = threading.Lock()
        self._synchronous = "FULL" if synchronous.upper() == "FULL" else "NORMAL"
        self._busy_timeout_ms = int(busy_timeout_ms)
        self.closed = True
        self.schema = 0  # the schema version, as migrated to on open (read without the file)
        try:
            if self.path.is_dir():
                raise _NotALog("a folder, not a decision log file")
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.is_file():
                raise _NotALog("no decision log here")
            self._db = self._connect(create)
            try:
                self._migrate()
            except BaseException:
                self.close()
                raise
        except _NotALog as exc:
            raise InputError([Diagnostic(str(path), 0, 0, "bad-log", str(exc))]) from None
        except (sqlite3.DatabaseError, OSError) as exc:
            said = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError([Diagnostic(str(path), 0, 0, "bad-log", f"cannot be the decision log: {said}")]) from None

    def _connect(self, create: bool = True) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self._busy_timeout_ms / 1000, check_same_thread=False)
        db.isolation_level = None  # transactions are explicit
        try:  # what the file holds, before any setting is written to it
            if db.execute("PRAGMA user_version").fetchone()[0] == 0:  # no log yet: empty, or another program's
                tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                if tables:
                    raise _NotALog(f"a database of another program (its tables: {', '.join(sorted(tables)[:5])})")
                if not create:
                    raise _NotALog("no decision log here (an empty database)")
        except BaseException:
            db.close()
            raise
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a committed decision survives the process being killed; FULL
        # also survives the machine losing power, at an fsync per commit
        db.execute(f"PRAGMA synchronous={self._synchronous}")
        db.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        self.closed = False
        return db

    def reopen(self) -> None:
        """Open the file again after :meth:`close` (an application started a second time)."""
        with self._lock:
            if self.closed:
                self._db = self._connect()

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in filter(str.strip, script.split(";")):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={number}")
                self._db.execute("COMMIT")
                self.schema = max(version, len(MIGRATIONS))
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        """End a failed transaction, if SQLite has not ended it already (it rolls back by
        itself on a full disk or an I/O error): the error to raise is the one that failed it."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    @property
    def schema_version(self) -> int:
        with self._lock:
            version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def write(self, entry: Entry) -> None:
        """Add ``entry`` and commit it: when this returns, the decision is on disk."""
        self.write_many([entry])

    def write_many(self, entries: list[Entry]) -> None:
        """Add ``entries`` in one transaction and commit: all are on disk when this returns."""
        rows = [e.row() for e in entries]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(_INSERT, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def probe(self, timeout_s: float = 0.5) -> None:
        """Commit a transaction that writes (the schema version, unchanged) on a connection
        of its own, waiting at most ``timeout_s`` for another writer: raise what a decision's
        write would raise now (a full disk, a lock held too long), without waiting for the
        writer thread or the 10 s a decision waits.  The file is never made anew."""
        db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=rw", uri=True, timeout=timeout_s)
        try:
            db.isolation_level = None
            db.execute("BEGIN IMMEDIATE")
            try:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                db.execute(f"PRAGMA user_version={version}")
                db.execute("COMMIT")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
        finally:
            db.close()

    def get(self, decision_id: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(_SELECT + " WHERE decision_id = ?", (decision_id,)).fetchone()
        return Entry.from_row(row) if row else None

    def query(
        self,
        case_id: str | None = None,
        start: str | None = None,
        end: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[Entry]:
        """Entries oldest first (decision ids are time-ordered), ``time`` in [start, end)
        (ISO 8601 times: :func:`log_time`; ValueError for another), after the decision id
        ``after`` (the cursor of the previous page)."""
        start = log_time(start) if start is not None else None
        end = log_time(end) if end is not None else None
        where, args = _filters(case_id, start, end, after)
        sql = _SELECT + where + " ORDER BY decision_id LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [Entry.from_row(r) for r in rows]

    def export(self, start: str | None = None, end: str | None = None) -> Iterator[Entry]:
        """Every entry in [start, end), oldest first, a page at a time."""
        after = None
        while True:
            page = self.query(start=start, end=end, after=after, limit=500)
            yield from page
            if len(page) < 500:
                return
            after = page[-1].decision_id

    def prune(self, older_than_days: float) -> int:
        """Delete entries older than ``older_than_days`` (above 0: none would delete every
        entry); return how many went."""
        if not 0 < older_than_days < float("inf"):
            raise ValueError(f"older_than_days must be above 0, not {older_than_days!r}")
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(timespec="milliseconds")
        with self._lock:
            cursor = self._db.execute("DELETE FROM decisions WHERE time < ?", (cutoff.replace("+00:00", "Z"),))
        return cursor.rowcount

    def count(self) -> int:
        with self._lock:
            n: int = self._db.execute("SELECT count(*) FROM decisions").fetchone()[0]
        return n

    def integrity(self) -> str:
        with self._lock:
            result: str = self._db.execute("PRAGMA integrity_check").fetchone()[0]
        return result

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self.closed = True


def _filters(case_id: str | None, start: str | None, end: str | None, after: str | None) -> tuple[str, list[Any]]:
    clauses, args = [], []
    for sql, value in (("case_id = ?", case_id), ("time >= ?", start), ("time < ?", end), ("decision_id > ?", after)):
        if value is not None:
            clauses.append(sql)
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args
