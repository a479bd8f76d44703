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


@pytest.mark.parametrize(
    ("source", "fix"),
    [
        ("x is null", "write not is_known(x) to test that x is not known"),
        ("x is None", "x == null for a value that does not apply"),
        ("None is x", "write not is_known(x)"),
        ("x is not None", "write is_known(x) to test that x is known"),
        ("x == nil", "null is written null"),
        ("x == NULL", "null is written null"),
        ("x == undefined", "null is written null"),
    ],
)
def test_a_null_written_as_in_another_language_says_what_tests_for_not_known(source: str, fix: str) -> None:
    compiled, issues = compile_expr(source, NAMES)
    assert compiled is None
    assert len(issues) == 1 and fix in issues[0].message, issues


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("fault.lightning == null", ["'fault.lightning == null' never holds"]),
        ("null == fault.lightning", ["'fault.lightning == null' never holds"]),
        ("a and fault.lightning != None", ["'fault.lightning != null' does not test"]),
        ("x == null", []),  # a value that does not apply is null: a fair test
        ("fault.lightning == 'null'", []),  # a string
        ("is_known(fault.lightning)", []),
    ],
)
def test_a_fact_compared_with_null_is_named(source: str, found: list[str]) -> None:
    from policykit.lang.hints import null_comparisons
    from policykit.lang.syntax import parse_form

    messages = list(null_comparisons(parse_form(source)[0], {"fault.lightning"}))
    assert len(messages) == len(found)
    assert all(f in m for f, m in zip(found, messages, strict=True))


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("!fault.misuse", "write not x instead of !x"),
        ("&& fault.misuse", "write and instead of &&"),
        ("|| fault.misuse", "write or instead of ||"),
        ("*x", "quote the value"),
    ],
)
def test_a_value_yaml_reads_as_something_else_says_so(value: str, fix: str) -> None:
    doc, diags = load_yaml(f"rules:\n  - when: {value}\n    value: x\n".encode(), "p.yaml")
    assert doc is None
    [diag] = diags
    assert diag.line == 2 and fix in diag.message, diag.format()


def test_an_anchor_is_not_taken_for_and() -> None:
    _, diags = load_yaml(b"a: &x 1\n", "p.yaml")
    [diag] = diags
    assert diag.code == "yaml-anchor" and "quote the value" in diag.message and "&&" not in diag.message


def test_a_problem_is_placed_at_the_name_outside_the_string_literals() -> None:
    """Where a source writes what a problem is about: a name, never inside a literal nor as
    part of a longer name; a literal with its quotes, as written."""
    from policykit.lang.hints import spelled_at

    source = "fault.code == 'sale.x' and sale.xy > 1 and sale.x == \"a\""
    assert spelled_at(source, ("sale.x",)) == source.rindex("sale.x")
    assert spelled_at(source, ("'a'", '"a"')) == source.index('"a"')
    assert spelled_at(source, ("'sale.x'",)) == source.index("'sale.x'")
    assert spelled_at(source, ("a.sale.x",)) is None
    assert spelled_at(source, ()) is None
