"""The ordered parallel map: results in input order, whatever the number of processes."""

from __future__ import annotations

from collections.abc import Iterator

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
