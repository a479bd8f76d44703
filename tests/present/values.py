"""Hypothesis strategies for the values a text may show: scalars that compare equal but
show differently (0, False, 0.0, -0.0), days, short texts, and short lists of them."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

SCALARS = st.one_of(
    st.sampled_from([0, 1, True, False, 0.0, -0.0, 1.0, None, "", "1", "True"]),
    st.integers(-3, 3),
    st.dates(date(2025, 12, 28), date(2026, 1, 3)),
    st.text(max_size=3),
    st.floats(allow_nan=False, width=16),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
