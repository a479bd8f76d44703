"""Comparisons refused at compile time for the kinds they compare (``lang/kinds.py``): each
one refused can never work on any case, and none that can work is refused."""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.lang.kinds import kind_mismatches, kind_problems, not_a_condition
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


# -- the kinds of arithmetic, function arguments and conditions ----------------------------
_ALL = {**_VALUES, "list": st.lists(st.text("ab", max_size=2), max_size=3)}
_FORMS = [
    "x + y",
    "x - y",
    "-x",
    "add_days(x, y)",
    "add_months(x, y)",
    "days_between(x, y)",
    "len(x)",
    "trim(x)",
    "distinct(x)",
]


class _Env:
    def __init__(self, values: dict[str, Any]) -> None:
        from policykit.lang.dates import WatchedCalendar, WorkCalendar
        from policykit.lang.fastpath import Known
        from policykit.limits import Budget

        self.calendar: WorkCalendar | WatchedCalendar = WorkCalendar("CN")
        self.values, self.budget = values, Budget()
        self.given = frozenset(values)
        self.known = Known(self, {})

    def get(self, name: str) -> Any:
        return self.values[name]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_FORMS), st.sampled_from(sorted(_ALL)), st.sampled_from(sorted(_ALL)), st.data())
def test_a_refused_calculation_never_works(source: str, x_kind: str, y_kind: str, data: Any) -> None:
    """Refused at compile time (a day plus a number, a text given for a day...): it fails
    on every value of the kinds it is given, the exact form and the fast one alike."""
    from policykit.lang.expr import EvalError, compile_expr

    form = parse_form(source)[0]
    if not kind_problems(form, {"x": x_kind, "y": y_kind}):
        return
    compiled, issues = compile_expr(source, {"x": None, "y": None})
    assert compiled is not None and not issues
    for _ in range(5):
        values = {"x": data.draw(_ALL[x_kind]), "y": data.draw(_ALL[y_kind])}
        for road in (compiled, compiled.run):
            try:
                result = road(_Env(values))
            except (EvalError, TypeError, ValueError, AttributeError, OverflowError):
                continue
            raise AssertionError(f"{source} with {x_kind}, {y_kind} is refused, and works for {values}: {result!r}")


def test_a_calculation_that_can_work_is_let_be() -> None:
    kinds = {"d": "date", "n": "int", "f": "number", "s": "string", "e": "enum", "l": "list", "b": "bool"}
    for source in (
        "add_days(d, n) > d",
        "n + f - 1",
        "s + e",
        "l + [s]",
        "len(s) + len(l)",
        "days_between(d, as_of) > n",
        "latest(d, as_of) < add_months(d, -n)",
        "coalesce(n, 0) + 1",
        "z + 1",  # a name of no known kind
        "n if b else f",
    ):
        assert kind_problems(parse_form(source)[0], {**kinds, "as_of": "date"}) == [], source
    for source, words in (
        ("d + 1", "add_days(d, 1)"),
        ("d - n", "add_days(d, -n)"),
        ("d - as_of", "days_between(as_of, d)"),
        ("b + 1", "yes/no"),
        ("s + n", "a text + a whole number"),
        ("add_days(e, n)", "add_days(): its argument 1, e, is a choice, not a day"),
        ("-s", "-s: s is a text"),
    ):
        (said,) = kind_problems(parse_form(source)[0], {**kinds, "as_of": "date"})
        assert words in said, (source, said)
    # a condition that holds whenever it is not null: a day, a choice
    for source, what in (("d", "a day"), ("e", "a choice"), ("add_days(d, 1)", "add_days(d, 1) is a day")):
        refused = not_a_condition(parse_form(source)[0], kinds)
        assert refused is not None and what in refused, source
    # a number, a text or a list holds unless 0 or empty, as a when reads it
    for source in ("b", "l", "n", "s", "len(l)", "d > as_of", "is_known(d)", "z", "not d", "b and n > 1"):
        assert not_a_condition(parse_form(source)[0], {**kinds, "as_of": "date"}) is None, source
    # read as exactly true (a citation's when, a case check's require): yes/no alone
    for source in ("n", "s", "l", "d", "(n + 1) - f"):
        refused = not_a_condition(parse_form(source)[0], kinds, strict=True)
        assert refused is not None and "it would never hold" in refused, source
    assert "(n + 1) - f is a number" in (not_a_condition(parse_form("(n + 1) - f")[0], kinds, strict=True) or "")
    for source in ("b", "d > as_of", "z", "b and n > 1"):
        assert not_a_condition(parse_form(source)[0], {**kinds, "as_of": "date"}, strict=True) is None, source
    # a kind no calculation here judges (an item of a list) is let be
    assert not_a_condition(parse_form("i")[0], {"i": "item"}) is None
    assert kind_problems(parse_form("i + 1")[0], {"i": "item"}) == []
