"""A misspelt key where a mapping is one of two forms (a clause id or a clause with its
condition; a condition or one with its clauses; a calendar day by ``date`` or by ``every``):
named as unknown with the key meant, in its place, and nothing else said of it; a second
problem of the same mapping still said."""

from __future__ import annotations

import pytest

from .test_stages import POLICY, edit, errors_of, line_of


@pytest.fixture(scope="module")
def policy_text() -> str:
    return POLICY.read_text(encoding="utf-8")


CITE = "          - clause: ops.exchange.conditions.1\n            when: is_given(sale.warranty_months)\n"
GROUND = "          - when: fault.disassembled\n            cites: [ops.paid-repair.conditions.2]\n"

# (the edit, the text on the line it is named on, [(code, path, words)] exactly)
CASES = {
    "claus in a cite": (
        (CITE, "          - claus: ops.exchange.conditions.1\n            when: is_given(sale.warranty_months)\n"),
        "claus: ops",
        [("unknown-key", "decisions[warranty.end_date].rules[0].cites[1].claus", "did you mean 'clause'?")],
    ),
    "whn in a ground of when_any": (
        (GROUND, GROUND.replace("- when:", "- whn:")),
        "whn: fault.disassembled",
        [("unknown-key", "decisions[service.type].rules[1].when_any[1].whn", "did you mean 'when'?")],
    ),
    "claus in a cite of a ground": (
        (
            GROUND,
            GROUND.replace("cites: [ops.paid-repair.conditions.2]", "cites: [{claus: ops.paid-repair.conditions.2}]"),
        ),
        "{claus: ops.paid",
        [("unknown-key", "decisions[service.type].rules[1].when_any[1].cites[0].claus", "did you mean 'clause'?")],
    ),
    "evry in a working day": (
        ("  extra_working_days: []\n", "  extra_working_days:\n    - {name: {zh: x}, evry: '01-05'}\n"),
        "evry: '01-05'",
        [("unknown-key", "calendar.extra_working_days[0].evry", "did you mean 'every'?")],
    ),
    "dat in a holiday": (
        ("  extra_holidays: []\n", "  extra_holidays:\n    - {name: {zh: x}, dat: '2026-01-05'}\n"),
        "dat: '2026",
        [("unknown-key", "calendar.extra_holidays[0].dat", "did you mean 'date'?")],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_misspelt_key_is_the_one_thing_said(policy_text: str, name: str) -> None:
    (find, replace), on, expected = CASES[name]
    text = edit(policy_text, (find, replace))
    got = [(d.code, d.path, d.line) for d in errors_of(text)]
    assert [(c, p) for c, p, _ in got] == [(c, p) for c, p, _ in expected], got
    assert all(line == line_of(text, on) for _, _, line in got)
    messages = [d.message for d in errors_of(text)]
    assert all(words in m for (_, _, words), m in zip(expected, messages, strict=True))


def test_a_second_problem_of_the_mapping_is_still_said(policy_text: str) -> None:
    text = edit(policy_text, (CITE, "          - clause: 5\n            whn: is_given(sale.warranty_months)\n"))
    got = sorted((d.code, d.path, d.message) for d in errors_of(text))
    assert got == [
        (
            "schema",
            "decisions[warranty.end_date].rules[0].cites[1].clause",
            "5 is a whole number, where a text is expected",
        ),
        (
            "unknown-key",
            "decisions[warranty.end_date].rules[0].cites[1].whn",
            "unknown key 'whn'; did you mean 'when'?",
        ),
    ]


def test_a_required_key_no_unknown_key_misspells_is_still_required(policy_text: str) -> None:
    text = edit(policy_text, (CITE, "          - reason: contract\n            when: is_given(sale.warranty_months)\n"))
    got = sorted((d.code, d.path, d.message) for d in errors_of(text))
    assert got == [
        ("schema", "decisions[warranty.end_date].rules[0].cites[1]", "'clause' is a required property"),
        ("unknown-key", "decisions[warranty.end_date].rules[0].cites[1].reason", "unknown key 'reason'"),
    ]
