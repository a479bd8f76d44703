"""Group commit: one thread writes the decision log; requests hand it their entries and
wait until the transaction that holds them is committed.

Under load, the entries of every request waiting at that moment go into one transaction,
so a commit (and a thread wake-up) is shared by many decisions, and no decision is
answered before it is on disk.  A transaction that fails is tried again request by request:
an entry that cannot be written fails its own request, never the others of its group.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any

from policykit.server.decision_log import DecisionLog, Entry

MAX_GROUP = 1000  # entries in one transaction

_Item = tuple[list[Entry], asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class LogWriter:
    def __init__(self, log: DecisionLog) -> None:
        self.log = log
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

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
        try:
            self.log.write_many([e for entries, _, _ in group for e in entries])
            return [None] * len(group)
        except Exception as exc:
            if len(group) == 1:
                return [exc]
        return [self._commit_alone(entries) for entries, _, _ in group]

    def _commit_alone(self, entries: list[Entry]) -> Exception | None:
        try:
            self.log.write_many(entries)
        except Exception as exc:
            return exc
        return None


def _settle(done: asyncio.Future[Any], error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
