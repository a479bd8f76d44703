"""``policykit check`` relates the comparisons of the same two operands: ``a <= b`` is
``not (a > b)``, ``b >= a`` is ``a <= b``.  A gap, a shadowed row or an example input is
never made of a combination no case has (QA: a gap needing 'request.date <= return.window_end'
and 'request.date > return.window_end' both false), and a real gap is still reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policykit.limits import DEFAULT, Budget
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.tools.checks import Finding, _domains, check_policy, check_table

from ..conftest import POLICY_FILE, edited_policy

WITHIN = "request.date <= return.window_end"
AFTER = "request.date > return.window_end"
MISSING = "inspection.accessories_missing"


def _row(when: str, value: str) -> str:
    return f"      - when: {when}\n        value: {value}\n        cites: [ops.return.conditions.1]\n"


def _return_decision(tmp_path: Path, *rows: str) -> Policy:
    """The bundled policy with ``return.decision`` given ``rows`` (made by :func:`_row`)."""
    text = POLICY_FILE.read_text(encoding="utf-8")
    start = text.index("      - when: return.special_case\n")
    end = text.index("\n\n", start) + 1
    policy, _ = load_policy(edited_policy(tmp_path, (text[start:end], "".join(rows)), name="fixture.yaml"))
    return policy


def _findings(policy: Policy, code: str) -> list[Finding]:
    return [f for f in check_policy(policy) if f.code == code and f.subject == "return.decision"]


# the QA report's rows (return.unused there: accessories not missing here), and the same
# written with the operands swapped or with 'not' of the opposite comparison
QA_ROWS = (
    _row(f'["{WITHIN}", "not {MISSING}"]', "accepted"),
    _row(f'"{AFTER}"', "refused"),
    _row(f'"{MISSING}"', "refused"),
)
SWAPPED = (
    _row(f'["return.window_end >= request.date", "not {MISSING}"]', "accepted"),
    _row(f'"{AFTER}"', "refused"),
    _row(f'"{MISSING}"', "refused"),
)
NEGATED = (
    _row(f'["{WITHIN}", "not {MISSING}"]', "accepted"),
    _row(f'["not ({AFTER})", "{MISSING}"]', "refused"),
    _row('"return.window_end < request.date"', "refused"),
)


@pytest.mark.parametrize("rows", [QA_ROWS, SWAPPED, NEGATED], ids=["as-reported", "swapped", "negated"])
def test_rows_covering_a_comparison_and_its_opposite_leave_no_gap(tmp_path: Path, rows: tuple[str, ...]) -> None:
    policy = _return_decision(tmp_path, *rows)
    assert _findings(policy, "gap") == []
    assert _findings(policy, "shadowed-row") == [] and _findings(policy, "dead-row") == []


def test_the_case_between_two_strict_comparisons_is_still_a_gap(tmp_path: Path) -> None:
    """'<' and '>' leave out equal days: a gap (written either way round), and its example
    is one a case can have: where neither strict comparison holds, the days are equal
    (before, the first gap found had request.date == return.window_end false there)."""
    less, more = "request.date < return.window_end", "return.window_end < request.date"  # (request.date > ...)
    policy = _return_decision(tmp_path, _row(f'"{less}"', "accepted"), _row(f'"{more}"', "refused"))
    (gap,) = _findings(policy, "gap")
    assert dict(gap.example) == {less: False, more: False}
    equal = "return.window_end == request.date"
    policy = _return_decision(
        tmp_path,
        _row(f'"{less}"', "accepted"),
        _row(f'"{more}"', "refused"),
        _row(f'["{MISSING}", "{equal}"]', "refused"),
    )
    (gap,) = _findings(policy, "gap")
    assert dict(gap.example) == {less: False, more: False, MISSING: False, equal: True}


def test_a_row_after_a_comparison_and_its_opposite_never_decides(tmp_path: Path) -> None:
    """The enumeration the shadowed rows are found on is the same: a fallback after both
    sides of the window is shadowed by them, with an example a case can have."""
    policy = _return_decision(
        tmp_path, _row(f'"{WITHIN}"', "accepted"), _row(f'"{AFTER}"', "refused"), _row(f'"{MISSING}"', "refused")
    )
    (shadowed,) = _findings(policy, "shadowed-row")
    assert "row 3 never decides: rows 1, 2 always come first" in shadowed.message
    example = dict(shadowed.example)
    assert example[WITHIN] is not example[AFTER]


def test_an_operand_that_may_be_null_keeps_the_case_where_neither_holds(tmp_path: Path) -> None:
    """deadlines.quote_by is null but for a paid repair: request.date <= it and
    request.date > it are then both false (an ordering of null holds neither way), and the
    rows that cover only the two sides leave that case undecided.  The same rows on
    return.window_end (never null on known facts) leave no gap."""
    quote = ("request.date <= deadlines.quote_by", "request.date > deadlines.quote_by")
    policy = _return_decision(tmp_path, _row(f'"{quote[0]}"', "accepted"), _row(f'"{quote[1]}"', "refused"))
    (gap,) = _findings(policy, "gap")
    assert dict(gap.example) == {quote[0]: False, quote[1]: False}
    policy = _return_decision(tmp_path, _row(f'"{WITHIN}"', "accepted"), _row(f'"{AFTER}"', "refused"))
    assert _findings(policy, "gap") == []


def test_the_combinations_counted_are_those_a_case_can_have(tmp_path: Path) -> None:
    """check_operations is charged for the combinations tried: two related comparisons of
    values never null take 2 combinations (not 4), times the 2 of the bool."""
    from policykit.tools.checks import _nullable

    policy = _return_decision(tmp_path, *QA_ROWS)
    domains = _domains(policy)
    nullable = _nullable(policy, domains, Budget(DEFAULT, DEFAULT.check_operations, "check_operations"))
    budget = Budget(DEFAULT, 1, "check_operations")
    (skipped,) = check_table(policy, policy.values["return.decision"], domains, budget, nullable)
    assert skipped.code == "check-skipped"
    assert "return.decision: 4 combinations of 3 inputs" in skipped.message


def test_combinations_are_the_product_less_those_no_case_has() -> None:
    """In the order of itertools.product (the examples are the first found, as before),
    without the combinations of related atoms that contradict one another."""
    import itertools

    from policykit.tools.compared import Compared, combinations, count

    a, b = ("name", ("a",)), ("name", ("b",))
    compared = Compared(lambda form: False)
    atoms = [
        compared.atom(a, "LtE", b, "a <= b"),
        "x",
        compared.atom(b, "Lt", a, "b < a"),
        compared.atom(a, "Eq", b, "a == b"),
    ]
    assert atoms == ["a <= b", "x", "b < a", "a == b"]
    domains: dict[str, tuple[Any, ...]] = {name: (True, False) for name in atoms}
    domains["x"] = ("p", "q", "r")
    groups = compared.groups()
    possible = {(True, False, False), (True, False, True), (False, True, False)}  # a < b, a == b, a > b
    expected = [c for c in itertools.product(*domains.values()) if (c[0], c[2], c[3]) in possible]
    assert list(combinations(atoms, domains, groups)) == expected
    assert count(atoms, domains, groups, 1000) == len(expected) == 9
    nullable = Compared(lambda form: form == b)
    for op, right, spelled in (("LtE", b, "a <= b"), ("Gt", b, "a > b")):
        nullable.atom(a, op, right, spelled)
    ((_, combos),) = nullable.groups()
    assert combos == {(True, False), (False, True), (False, False)}  # b null: neither holds
