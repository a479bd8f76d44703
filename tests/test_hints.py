"""Errors with a way out: the usual slips in an expression or in YAML are named with the fix."""

from __future__ import annotations

import pytest

from policykit.lang.expr import compile_expr
from policykit.policy.yamlload import load_yaml

NAMES = {"fault.lightning": None, "a": None, "b": None, "x": None}


@pytest.mark.parametrize(
    ("source", "fix"),
    [
        ("fault.lightning = true", "write =="),
        ("a && b", "write and instead of &&"),
        ("a || b", "write or instead of ||"),
        ("!a", "write not x instead of !x"),
        ("x is 1", "write == instead of is"),
        ("x is not 1", "write != instead of is not"),
    ],
)
def test_an_expression_slip_is_named_with_its_fix(source: str, fix: str) -> None:
    compiled, issues = compile_expr(source, NAMES)
    assert compiled is None
    assert len(issues) == 1 and fix in issues[0].message, issues


def test_a_refused_expression_without_a_slip_gets_no_hint() -> None:
    _, issues = compile_expr("a and (b", NAMES)
    assert issues and "hint" not in issues[0].message


def test_a_quoted_value_that_goes_on_says_to_quote_the_whole_expression() -> None:
    text = "rules:\n  - when: 'lightning' in warranty.exclusions\n    value: x\n"
    doc, diags = load_yaml(text.encode(), "p.yaml")
    assert doc is None
    [diag] = diags
    assert diag.code == "yaml-syntax"
    assert "quote the whole expression" in diag.message
    assert "when: \"'lightning' in warranty.exclusions\"" in diag.message


def test_the_whole_expression_quoted_loads() -> None:
    doc, diags = load_yaml(b"rules:\n  - when: \"'lightning' in warranty.exclusions\"\n", "p.yaml")
    assert doc is not None and not diags
    assert doc.data["rules"][0]["when"] == "'lightning' in warranty.exclusions"
