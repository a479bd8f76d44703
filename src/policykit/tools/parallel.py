"""An ordered parallel map over worker processes with a bounded window: results come back
in input order, and at most ``window`` chunks are read ahead, so memory stays flat
however long the input is.  ``jobs == 1`` runs in this process."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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
    """``fn`` over ``items`` in ``jobs`` processes, yielded in the order of ``items``."""
    if jobs <= 1:
        for item in items:
            yield fn(item)
        return
    window = window or 4 * jobs
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
