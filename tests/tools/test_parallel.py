"""The ordered parallel map: results in input order, whatever the number of processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.tools.parallel import chunks, ordered_map


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_chunks_keep_every_item_in_order(items: list[int], size: int) -> None:
    parts = list(chunks(items, size))
    assert [x for part in parts for x in part] == items
    assert all(1 <= len(part) <= size for part in parts)
    assert all(len(part) == size for part in parts[:-1])


@given(st.lists(st.integers(), max_size=50))
def test_one_job_is_the_builtin_map(items: list[int]) -> None:
    assert list(ordered_map(abs, items)) == list(map(abs, items))


def test_worker_processes_keep_the_order_with_a_small_window() -> None:
    items = list(range(-200, 200))
    assert list(ordered_map(abs, items, jobs=2, window=3)) == [abs(x) for x in items]


def test_the_window_bounds_how_far_the_input_is_read_ahead() -> None:
    read: list[int] = []

    def source() -> Iterator[int]:
        for x in range(100):
            read.append(x)
            yield x

    results = ordered_map(abs, source(), jobs=2, window=4)
    assert next(results) == 0
    assert len(read) <= 5
    assert list(results) == list(range(1, 100))


@pytest.mark.parametrize(("count", "jobs", "most"), [(0, 8, 0), (1, 8, 0), (3, 8, 3), (20, 3, 3)])
def test_no_more_processes_start_than_there_are_items(count: int, jobs: int, most: int, started: list[str]) -> None:
    """A single item is worked here; otherwise a process an item at most, ``jobs`` at most."""
    items = list(range(-count, 0))
    assert list(ordered_map(abs, items, jobs=jobs)) == [abs(x) for x in items]
    assert len(started) <= most
    if count == 1:
        assert started == []


def test_processes_are_started_when_there_is_work_for_them(started: list[str]) -> None:
    """The counting sees a pool's processes (so a count of none above means none)."""
    assert list(ordered_map(abs, range(-8, 0), jobs=2)) == list(range(8, 0, -1))
    assert len(started) == 2
