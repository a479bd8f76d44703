"""A long batch's memory kept flat: a full collection every :data:`SWEEP_CASES` cases a
process decides (:class:`Sweeper`).

What grew (measured, issue 18: peak RSS of ``evaluate --batch`` 24.7 MiB at 10 000 lines,
26.8 at 100 000, 27.1 at 300 000): not the batch's own objects (its memos are bounded, and
what is live after a full collection grows by under 0.2 MiB) but CPython's free lists of
tuples.  A tuple built from an iterator of unknown length (``tuple(x for x in ...)``,
``tuple.__new__(cls, generator)``, ``(*a, *b)`` over generators) is made at one size and
resized to its final one; when it dies it goes onto the free list of its final size, and
nothing built at that size takes it back.  So each such tuple of a case leaves one more
block on a list (up to 2 000 tuples of each size from 1 to 20, about 5 MiB in all), never
returned to the allocator: the free lists grow with the number of cases, slowly, as the
rarer sizes come up (1.2 MiB of them after 10 000 lines, 2.6 MiB after 100 000).

A full collection of the cycle collector empties those free lists (documented: "the free
lists maintained for a number of built-in types are cleared whenever a full collection ...
is run").  A batch never runs one of its own accord: a case's objects go by reference
counting, with no cycles, so the collector's older generations hardly ever fill (one full
collection in 100 000 lines).  Run every few thousand cases, it keeps what the free lists
hold to what that many cases leave, whatever the length of the input; it costs a few
milliseconds (the objects frozen at start are never walked), well under 1 % of the
batch's time.  The same in every process that decides lines: this one, ``--jobs``
workers, Dask workers.  The decision service does not sweep: its requests go by
:mod:`policykit.server`, not by lines, and in a process that runs for days the free lists
only fill to their bound (the 5 MiB above) and stay there.
"""

from __future__ import annotations

import gc

SWEEP_CASES = 4096
"""Cases decided in a process between two full collections."""


class Sweeper:
    """Counts the cases decided in this process and runs a full collection each time
    ``every`` have been decided since the last one (``sweeps``: how many it ran)."""

    __slots__ = ("every", "since", "sweeps")

    def __init__(self, every: int = SWEEP_CASES) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every}")
        self.every = every
        self.since = 0
        self.sweeps = 0

    def decided(self, cases: int) -> None:
        """``cases`` more were decided; a full collection when ``every`` have been since the last."""
        self.since += cases
        if self.since >= self.every:
            self.since = 0
            self.sweeps += 1
            gc.collect()


SWEEPER = Sweeper()
"""The sweeper of this process (a worker process has its own)."""
