"""Patterns that make a backtracking engine take exponential time (nesting) are patterns
like any other to the case format: RE2 matches them in linear time
(``policy/pattern_match.py``); only what RE2 cannot compile is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykit.policy.pattern_match import plain, re2_problem, searcher

NESTED = ["^(a+)+$", "^(a*)*$", "^(a|aa)+$", "^(\\d+-?)+$", "^(.*a){20}$", "^(a+b){3}$"]


@pytest.mark.parametrize("pattern", NESTED)
def test_a_nested_pattern_is_read_and_matched_by_re2(pattern: str) -> None:
    assert re2_problem(pattern) is None and plain(pattern) is None  # RE2's, not re's
    assert searcher(pattern)("a" * 26 + "!") is None  # (re: seconds, doubling with each letter)


def test_a_pattern_too_large_to_compile_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    from policykit.errors import PolicyError
    from policykit.policy.compiler import load_policy

    from ..conftest import edited_policy

    field = '      customer.name: {type: string, max_length: 500, description: "customer name"}\n'
    # RE2's limits of a repeat and of a program's size
    for pattern in ("a{1001}", "\\pL{1000}" * 20):
        edited = field.replace("max_length: 500,", f"max_length: 500, pattern: '{pattern}',")
        with pytest.raises(PolicyError) as found:
            load_policy(edited_policy(tmp_path, (field, edited)))
        problems = found.value.diagnostics
        assert any(p.code in ("contract", "too-deep") and p.line for p in problems), [p.format() for p in problems]
