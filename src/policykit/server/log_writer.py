"""Group commit: one thread writes the decision log; requests hand it their entries and
wait until the transaction that holds them is committed.

Under load, the entries of every request waiting at that moment go into one transaction,
so a commit (and a thread wake-up) is shared by many decisions, and no decision is
answered before it is on disk.  A transaction that fails is tried again request by request:
an entry that cannot be written fails its own request, never the others of its group.

The writer also keeps whether the log can be written: a write that fails for the file's
sake (a full disk, a lock held past the busy timeout, an I/O error) marks it unwritable
until a write succeeds again; ``/readyz`` reads that mark, and while it is set tries a
write of its own (:meth:`LogWriter.unwritable`), so that a server taken out of a load
balancer's rotation comes back once the disk has room.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from typing import Any

import anyio

from policykit.server.decision_log import DecisionLog, Entry

MAX_GROUP = 1000  # entries in one transaction
PROBE_TIMEOUT_S = 0.5  # how long /readyz's own write waits for another writer's lock

_Item = tuple[list[Entry], asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class LogWriter:
    def __init__(self, log: DecisionLog) -> None:
        self.log = log
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.failure: str | None = None  # why the last write failed for the file's sake; None once one succeeds
        self._probing = False

    async def write(self, entries: list[Entry]) -> None:
        """Return once ``entries`` are committed; raise what the write raised."""
        if self._thread is None:
            self._start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.put((entries, loop, done))
        await done

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="policykit-log-writer", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Finish what is queued, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(30)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            group = [item]
            size = len(item[0])
            stop = False
            while size < MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
                size += len(more[0])
            for (_, loop, done), error in zip(group, self._commit(group), strict=True):
                loop.call_soon_threadsafe(_settle, done, error)
            if stop:
                return

    def _commit(self, group: list[_Item]) -> list[Exception | None]:
        """Commit the group's entries in one transaction; should that fail, each request's
        entries in a transaction of their own, so that one bad entry fails only its request."""
        error = self._commit_alone([e for entries, _, _ in group for e in entries])
        if error is None:
            return [None] * len(group)
        if len(group) == 1:
            return [error]
        return [self._commit_alone(entries) for entries, _, _ in group]

    def _commit_alone(self, entries: list[Entry]) -> Exception | None:
        try:
            self.log.write_many(entries)
        except Exception as exc:
            if is_file_error(exc):
                self.failure = said(exc)
            return exc
        self.failure = None
        return None

    async def unwritable(self) -> str | None:
        """Why the log cannot be written now, or None.  Without a failure since the last
        write, nothing is touched; after one, a write of its own off the event loop, waiting
        at most :data:`PROBE_TIMEOUT_S` for a lock (one at a time: the others meanwhile
        answer with the failure known), tells whether it has cleared."""
        if self.failure is None or self._probing:
            return self.failure
        self._probing = True
        try:
            await anyio.to_thread.run_sync(self.log.probe, PROBE_TIMEOUT_S)
            self.failure = None
        except Exception as exc:
            self.failure = said(exc) if is_file_error(exc) else self.failure
        finally:
            self._probing = False
        return self.failure


def is_file_error(error: BaseException) -> bool:
    """Whether ``error`` says that the log file cannot be written now (a full disk, a lock
    held too long, an I/O error, a damaged file), rather than that an entry is bad (a bug)."""
    return isinstance(error, (OSError, sqlite3.OperationalError)) or type(error) is sqlite3.DatabaseError


def said(error: BaseException) -> str:
    """``error`` in one line: its message and SQLite's name for it (``SQLITE_FULL``...)."""
    text = (error.strerror if isinstance(error, OSError) and error.strerror else str(error)) or type(error).__name__
    name = getattr(error, "sqlite_errorname", None)
    return " ".join(text.split()) + (f" ({name})" if name else "")


def _settle(done: asyncio.Future[Any], error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
