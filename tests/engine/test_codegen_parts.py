"""The quicker exact form of a condition part (``engine/codegen/parts.py``) against the
part's own exact form: for every value a name may take (known, of any kind; unknown, with
or without a few possible values), the same result (an unknown with the same facts and
possible values) or the same error, and the same names read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.codegen.parts import quick_exact
from policykit.errors import PolicykitError
from policykit.lang.expr import Compiled, compile_expr
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

NAMES = {"a": None, "b.c": None, "n": None}
SHAPED = [
    "a == 'x'",
    "a != 'x'",
    "b.c == 'y'",
    "n == 3",
    "n != 0",
    "n == 1.5",
    "a in ['x', 'y']",
    "a not in ['x', 'y']",
    "a in []",
    "a not in []",
    "n in [1, 2, 3]",
]
OTHERS = [
    "a == null",
    "a == true",
    "a",
    "not a",
    "n > 3",
    "a == b.c",
    "'x' == a",
    "a == 'x' == a",
    "a in b.c",
    "len(a) == 0",
    "a == [1]",
    "a in ['x', null]",
]


def _compiled(source: str) -> Compiled:
    part, issues = compile_expr(source, NAMES)
    assert part is not None, issues
    return part


class _Env:
    """What an exact form reads a name through: ``get``, noting each read."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.read: list[str] = []

    def get(self, name: str) -> Any:
        self.read.append(name)
        return self.values[name]


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["x", "y", "z", ""]),
    st.sampled_from([1.5, 0.0]),
    st.just(date(2026, 1, 1)),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["k"]), _SCALARS, max_size=1),
    st.builds(
        Unknown,
        st.frozensets(st.sampled_from(["f", "g"]), min_size=1),
        st.one_of(st.none(), st.frozensets(_SCALARS, max_size=3)),
    ),
)


def _outcome(run: Any, env: _Env) -> Any:
    try:
        got = run(env)
    except PolicykitError as exc:
        return ("error", type(exc).__name__, str(exc))
    if got.__class__ is Unknown:
        return ("unknown", got.facts, got.values)
    return ("known", got.__class__, got)


@pytest.mark.parametrize("source", SHAPED)
@settings(max_examples=150, deadline=None)
@given(a=_VALUES, c=_VALUES, n=_VALUES)
def test_the_quicker_form_gives_what_the_exact_form_gives(source: str, a: Any, c: Any, n: Any) -> None:
    part = _compiled(source)
    quick = quick_exact(part)
    assert quick != part.run  # the shape is taken
    values = {"a": a, "b.c": c, "n": n}
    mine, theirs = _Env(values), _Env(values)
    assert _outcome(quick, mine) == _outcome(part.run, theirs)
    assert mine.read == theirs.read


@pytest.mark.parametrize("source", OTHERS)
def test_any_other_shape_keeps_its_exact_form(source: str) -> None:
    part = _compiled(source)
    assert quick_exact(part) == part.run


def test_the_standards_comparisons_take_the_quicker_form(policy: Policy) -> None:
    """Most conditions of the bundled standard's steps and many of its rows are of the shape."""
    parts = [p for value in policy.values.values() for rule in value.rules for p in rule.parts]
    parts += [p for step in policy.actions for p in step.parts]
    quick = [p for p in parts if quick_exact(p) != p.run]
    assert len(quick) > 30
    assert all(p.form[0] == "compare" and len(p.names) == 1 for p in quick)


def test_a_cached_form_that_fails_its_check_is_not_made_quicker() -> None:
    """A form read from the compile cache is checked before use, as the exact form checks
    it: one that fails (here ``'y'``, not a value of ``a``) gives way to the text's own
    form, and the quicker form follows the same form as the exact one."""

    bad = ("compare", ("Eq",), (("name", ("a",)), ("const", "y")))  # what a tampered entry could hold
    part = Compiled("a == 'x'", frozenset({"a"}), None, None, {"a": ("x", "z")}, None, bad)
    assert _outcome(quick_exact(part), _Env({"a": "x"})) == ("known", bool, True)
    assert _outcome(part.run, _Env({"a": "x"})) == ("known", bool, True)
