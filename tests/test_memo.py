"""What ``policykit/memo.py`` makes from ``_functools`` behaves as :mod:`functools` does."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit import memo


def _counting() -> tuple[list[Any], Any]:
    calls: list[Any] = []

    def square(x: Any) -> Any:
        """Doc of square."""
        calls.append(x)
        return x * x if isinstance(x, int) else x

    return calls, square


@settings(max_examples=200, deadline=None)
@given(
    calls=st.lists(st.one_of(st.integers(-3, 6), st.sampled_from(["a", 1.0, True])), max_size=40),
    maxsize=st.sampled_from([None, 0, 1, 2, 5]),
    typed=st.booleans(),
)
def test_lru_cache_hits_misses_and_evicts_as_functools_does(calls: list[Any], maxsize: int | None, typed: bool) -> None:
    ours_log, ours_fn = _counting()
    theirs_log, theirs_fn = _counting()
    ours = memo.lru_cache(maxsize=maxsize, typed=typed)(ours_fn)
    theirs = functools.lru_cache(maxsize=maxsize, typed=typed)(theirs_fn)
    for x in calls:
        assert ours(x) == theirs(x)
    assert ours_log == theirs_log  # the same calls reached the function: the same hits and evictions
    assert tuple(ours.cache_info()) == tuple(theirs.cache_info())
    info = ours.cache_info()
    assert (info.hits, info.misses, info.maxsize, info.currsize) == tuple(theirs.cache_info())
    ours.cache_clear()
    assert tuple(ours.cache_info())[1:] == (0, maxsize, 0)


def test_a_cached_function_keeps_its_name_documentation_and_the_function() -> None:
    _, square = _counting()
    for made in (memo.lru_cache(maxsize=4)(square), memo.cache(square)):
        assert made.__name__ == "square" and made.__doc__ == "Doc of square." and made.__wrapped__ is square
        assert made.__module__ == square.__module__ and made.__qualname__ == square.__qualname__
    assert memo.cache(square).cache_parameters() == {"maxsize": None, "typed": False}
    assert memo.partial is functools.partial


def test_a_cached_property_is_worked_out_once_and_kept_in_the_instance() -> None:
    counted: list[int] = []

    class Thing:
        @memo.cached_property
        def value(self) -> int:
            """Doc of value."""
            counted.append(1)
            return 42

    thing = Thing()
    assert thing.value == 42 and thing.value == 42 and counted == [1]
    assert thing.__dict__["value"] == 42
    del thing.value  # (kept in the instance: deleting it works it out again)
    assert thing.value == 42 and counted == [1, 1]
    assert isinstance(Thing.__dict__["value"], memo.cached_property) and Thing.value.__doc__ == "Doc of value."


def test_a_cached_property_under_two_names_is_refused_as_functools_refuses_it() -> None:
    shared = memo.cached_property(lambda self: 1)
    with pytest.raises((TypeError, RuntimeError)):

        class Twice:
            a = shared
            b = shared


def test_the_bare_decorator_and_annotations_are_as_functools_has_them() -> None:
    def f(x: int) -> int:
        return x + 1

    bare = memo.lru_cache(f)
    assert bare(1) == 2 and bare(1) == 2 and tuple(bare.cache_info()) == (1, 1, 128, 1)
    assert bare.__annotations__ == f.__annotations__ == functools.lru_cache(f).__annotations__


def test_a_cached_property_on_a_class_without_a_dict_is_refused_as_functools_refuses_it() -> None:
    class Slotted:
        __slots__ = ()

        @memo.cached_property
        def value(self) -> int:
            return 1

    with pytest.raises(TypeError, match="No '__dict__' attribute"):
        _ = Slotted().value
