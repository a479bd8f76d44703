"""A long batch's memory kept flat: a full collection every ``every`` cases a process
decides (which empties CPython's free lists, where a batch's tuples would pile up), never
more often, and nothing of the output changed by it."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.cli.app import run
from policykit.cli.evaluate import LOCAL_CHUNK_LINES
from policykit.tools.batch import BatchSettings, evaluate_lines
from policykit.tools.batch_memory import SWEEP_CASES, SWEEPER, Sweeper

from ..conftest import POLICY_FILE
from .conftest import corpus_lines


@contextmanager
def full_collections() -> Iterator[list[int]]:
    """The full (generation 2) collections run inside the block, as the collector reports
    them; the automatic collections paused, so that only those asked for are counted."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(1)

    enabled = gc.isenabled()
    gc.disable()
    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)
        if enabled:
            gc.enable()


@contextmanager
def sweeping_every(every: int) -> Iterator[Sweeper]:
    """The process's sweeper set to ``every`` cases, from a fresh count; as it was after."""
    saved = (SWEEPER.every, SWEEPER.since, SWEEPER.sweeps)
    SWEEPER.every, SWEEPER.since, SWEEPER.sweeps = every, 0, 0
    try:
        yield SWEEPER
    finally:
        SWEEPER.every, SWEEPER.since, SWEEPER.sweeps = saved


@given(every=st.integers(1, 50), runs=st.lists(st.integers(0, 120), max_size=40))
def test_a_full_collection_runs_once_every_cases_have_been_decided_never_sooner(every: int, runs: list[int]) -> None:
    sweeper = Sweeper(every)
    since = 0  # cases decided since the last full collection
    with full_collections() as seen:
        for cases in runs:
            before = len(seen)
            sweeper.decided(cases)
            ran = len(seen) - before
            since += cases
            assert ran == (1 if since >= every else 0)  # a real full collection, when due and only then
            since = 0 if ran else since
            assert sweeper.since == since < every  # never `every` cases left unswept
    assert sweeper.sweeps == len(seen)


def test_the_default_sweeps_every_few_thousand_cases() -> None:
    assert SWEEPER.every == SWEEP_CASES == Sweeper().every
    assert 1_000 <= SWEEP_CASES <= 100_000  # a collection costs milliseconds: rare beside the cases' work


@pytest.mark.parametrize("every", [0, -1])
def test_a_sweeper_of_no_cases_is_refused(every: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Sweeper(every)


def test_the_batch_counts_each_case_it_decides_not_blank_or_oversized_lines() -> None:
    lines = corpus_lines()[:60]
    numbered: list[tuple[int, bytes | None]] = [
        (n, None if len(raw) > 1_000_000 else raw) for n, raw in enumerate(lines, 1)
    ]
    decided = sum(1 for _, raw in numbered if raw is not None and raw.strip())
    assert decided < len(numbered)  # the corpus has a blank line and a line over the limit
    settings = BatchSettings(policy=str(POLICY_FILE), as_of=date(2026, 11, 27))
    with sweeping_every(10_000) as sweeper, full_collections() as seen:
        evaluate_lines(settings, "in.jsonl", numbered)
        assert (sweeper.since, sweeper.sweeps, seen) == (decided, 0, [])
    with sweeping_every(decided) as sweeper, full_collections() as seen:
        evaluate_lines(settings, "in.jsonl", numbered)
        assert (sweeper.since, sweeper.sweeps, len(seen)) == (0, 1, 1)


def test_a_batch_run_sweeps_as_it_goes_and_writes_what_it_writes_without(tmp_path: Path) -> None:
    lines = [raw for raw in corpus_lines() if len(raw) < 10_000][:120]
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    argv = ["evaluate", "--batch", str(path), "--as-of", "2026-11-27", "--format", "json"]
    outputs = []
    for every in (5, 1_000_000):
        out, err = io.StringIO(), io.StringIO()
        with sweeping_every(every) as sweeper, full_collections() as seen:
            code = run(argv, out, err)
            outputs.append((code, out.getvalue(), err.getvalue()))
            decided = sum(1 for raw in lines if raw.strip())
            # a chunk of lines at a time: a sweep after each chunk that brings the count to `every`
            assert len(seen) == sweeper.sweeps >= decided // (every + LOCAL_CHUNK_LINES - 1)
            assert sweeper.since < every
    assert outputs[0] == outputs[1]
    assert outputs[0][1].count("\n") == sum(1 for raw in lines if raw.strip())
