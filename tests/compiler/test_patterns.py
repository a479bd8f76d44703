"""A pattern of the case format whose matching may backtrack exponentially is refused when
the policy is compiled (``policy/patterns.py``); the usual safe forms are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykit.policy.patterns import exponential

FLAGGED = {
    "^(a+)+$": "repeat inside a repeat",
    "(a*)*": "repeat inside a repeat",
    "^(\\d+-?)+$": "repeat inside a repeat",
    "(a{1,10})+": "repeat inside a repeat",
    "(x{2,}y)*z": "repeat inside a repeat",
    "(a|aa)+": "choice between alternatives",
    "^(foo|fo)*$": "choice between alternatives",
    "(?=(a+)+)x": "repeat inside a repeat",  # inside a lookahead too
    "((ab)*c)+": "repeat inside a repeat",
    "(.*a){20}": "repeat inside a repeat",  # a bounded repeat: a power of the length
    "^(a+b){3}$": "repeat inside a repeat",  # conservative: write ^a+ba+ba+b$
    "(a|b?){2,5}": "choice between alternatives",
    "^(?>(a+)+$)": "repeat inside a repeat",  # an atomic group backtracks within
    "^(?:(a+)+$)?+": "repeat inside a repeat",  # so does a possessive repeat
    "(a+)++": "repeat inside a repeat",
}
SAFE = [
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",  # the bundled standard's date
    "^a+$",
    "^(ab)+$",
    "^(a|b)+$",  # re makes a set of single characters
    "^(?:\\d{3}-)+$",  # a fixed count inside
    "^(foo|bar)$",  # a choice, not repeated
    "^a+ba+ba+b$",
    "^(a+){1}$",  # a group taken once
    "^(ab?)?$",  # an optional part taken at most once
]


@pytest.mark.parametrize(("pattern", "why"), FLAGGED.items())
def test_a_pattern_that_may_backtrack_exponentially_is_named(pattern: str, why: str) -> None:
    found = exponential(pattern)
    assert found is not None and why in found


@pytest.mark.parametrize("pattern", SAFE)
def test_the_safe_forms_pass(pattern: str) -> None:
    assert exponential(pattern) is None


def test_a_pattern_too_large_to_compile_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    from policykit.errors import PolicyError
    from policykit.policy.compiler import load_policy

    from ..conftest import edited_policy

    field = '      customer.name: {type: string, max_length: 500, description: "customer name"}\n'
    # RE2's limits of a repeat and of a program's size; groups too deep for re's parser
    for pattern in ("a{1001}", "\\pL{1000}" * 20, "(" * 1000 + "a" + ")" * 1000):
        edited = field.replace("max_length: 500,", f"max_length: 500, pattern: '{pattern}',")
        with pytest.raises(PolicyError) as found:
            load_policy(edited_policy(tmp_path, (field, edited)))
        problems = found.value.diagnostics
        assert any(p.code in ("contract", "too-deep") and p.line for p in problems), [p.format() for p in problems]
