"""An ordered parallel map over worker processes with a bounded window: results come back
in input order, and at most ``window`` chunks are read ahead, so memory stays flat
however long the input is.  ``jobs == 1`` runs in this process.

The workers ignore Ctrl-C (SIGINT goes to the whole process group): the parent alone gets
the ``KeyboardInterrupt``, drops the work not yet started, lets each worker finish its
chunk and end, and says its one line, so no worker prints a traceback."""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int = 1, window: int = 0) -> Iterator[R]:
    """``fn`` over ``items`` in at most ``jobs`` processes, yielded in the order of ``items``.

    No more processes start than there are items to give them (read ahead before the first
    starts, no further than the window), and none for a single item: ``--jobs 64`` on a
    batch of twelve lines decides them here."""
    window = window or 4 * jobs
    items = iter(items)
    first = list(islice(items, min(jobs, window))) if jobs > 1 else []
    if len(first) <= 1:
        for item in chain(first, items):
            yield fn(item)
        return
    pool = ProcessPoolExecutor(max_workers=len(first), initializer=ignore_interrupt)
    try:
        pending: deque[Future[R]] = deque()
        for item in chain(first, items):
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException as exc:  # Ctrl-C, an error, or the reader stopping early: no work is wanted
        _end(pool, isinstance(exc, KeyboardInterrupt))
        raise
    pool.shutdown()


def ignore_interrupt() -> None:
    """In a worker (of the pool here, or of a local Dask cluster): Ctrl-C is the parent's to
    handle (it ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _end(pool: ProcessPoolExecutor, interrupted: bool) -> None:
    """The work not yet given to a worker dropped; the workers end once the chunk each
    holds is done (at most ``jobs`` + 1 chunks: a chunk's time).  Not killed: a worker
    killed while the pool's queue feeds it leaves that queue's thread blocked for ever.
    Ctrl-C pressed again meanwhile (or passed on again by ``timeout``) is ignored: it
    would break the wait and leave the process hung; after an interrupt it stays ignored
    until the process ends (its exit joins the pool's threads too)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to hold
        previous = None
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if previous is not None and not interrupted:
            signal.signal(signal.SIGINT, previous)
