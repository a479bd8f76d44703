"""Fair timing for the benchmarks: contenders measured in interleaved rounds (so that a
change in the machine's load hits them all alike), medians, and the load average
recorded beside each figure."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def load() -> float:
    """The one-minute load average (the number of runnable processes)."""
    return round(os.getloadavg()[0], 2)


def interleaved(contenders: dict[str, Callable[[], Any]], rounds: int) -> dict[str, float]:
    """Median wall seconds of each contender, run in turn, ``rounds`` times (the order
    rotates each round, so that none is always first after a pause)."""
    names = list(contenders)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            contenders[name]()
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def per_item(items: Sequence[Any], fn: Callable[[Any], Any]) -> Callable[[], None]:
    """A contender that applies ``fn`` to every item (time it, divide by ``len(items)``)."""

    def run() -> None:
        for item in items:
            fn(item)

    return run
