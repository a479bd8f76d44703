"""Hypothesis strategies the tests share."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def nested(
    scalars: st.SearchStrategy[Any],
    keys: st.SearchStrategy[str],
    max_leaves: int,
    tuple_size: int = 4,
    *more: st.SearchStrategy[Any],
) -> st.SearchStrategy[Any]:
    """Data as JSON (or marshal) holds it: ``scalars`` in lists, tuples and dicts keyed by
    ``keys``, nested, with ``more`` kinds of container beside those."""
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.lists(inner, max_size=tuple_size).map(tuple),
            st.dictionaries(keys, inner, max_size=4),
            *more,
        ),
        max_leaves=max_leaves,
    )
