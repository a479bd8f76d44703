"""Comparisons refused at compile time for the kinds they compare (``lang/kinds.py``): each
one refused can never work on any case, and none that can work is refused."""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.lang.kinds import kind_mismatches
from policykit.lang.syntax import parse_form

# a value of each declared kind, as a case or the engine gives it
_VALUES = {
    "date": st.dates(),
    "int": st.integers(-1000, 1000),
    "number": st.floats(allow_nan=False, allow_infinity=False),
    "string": st.text(max_size=5),
    "enum": st.sampled_from(["express", "freight"]),
    "bool": st.booleans(),
}
_LITERALS = st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-5, 5), st.text("0129-ab", max_size=10), st.none())
_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, ">=": operator.ge}


def _written(literal: Any) -> str:
    if literal is None:
        return "null"
    if isinstance(literal, bool):
        return str(literal).lower()
    return repr(literal)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_VALUES)), st.data(), _LITERALS, st.sampled_from(sorted(_OPS)), st.booleans())
def test_a_refused_comparison_never_works(kind: str, data: Any, literal: Any, op: str, flipped: bool) -> None:
    """Refused: for every value of the kind, == is false, != true, and ordering fails."""
    source = f"{_written(literal)} {op} x" if flipped else f"x {op} {_written(literal)}"
    refused = list(kind_mismatches(parse_form(source)[0], {"x": kind}))
    if not refused:
        return
    value = data.draw(_VALUES[kind])
    pair = (literal, value) if flipped else (value, literal)
    if op == "==":
        assert _OPS[op](*pair) is False, source
    elif op == "!=":
        assert _OPS[op](*pair) is True, source
    else:
        try:
            _OPS[op](*pair)
        except TypeError:
            pass
        else:
            raise AssertionError(f"{source} works for {value!r}")


def test_what_can_work_is_let_be() -> None:
    kinds = {"d": "date", "n": "int", "b": "bool", "s": "string", "l": "list"}
    for source in (
        "d == null",
        "n == 1.5",
        "b == 1",
        "n > true",
        "s in ['a', 'b']",
        "'a' in l",
        "d < as_of",
        "z == 'a'",
    ):
        assert list(kind_mismatches(parse_form(source)[0], kinds)) == [], source
    assert len(list(kind_mismatches(parse_form("n in [1, 'two', 3, 'four']")[0], kinds))) == 2
    assert date(2026, 1, 1) != "2026-01-01"  # why a day against a text is refused
