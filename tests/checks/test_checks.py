"""``policykit check``: shadowed rows, gaps, overlaps and unused definitions, each with an
example input, on fixture policies made by one edit each to the real policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.tools.checks import check_policy

from ..conftest import POLICY_FILE, cli, edited_policy

SHADOWED = (
    """      - when: fault.severe_exterior_damage
        value: free_repair""",
    """      - when: fault.disassembled
        value: free_repair
        cites: [ops.exchange.conditions.2]
      - when: fault.severe_exterior_damage
        value: free_repair""",
)
GAP = (
    """      - when: transport.damage == 'none'
        value: none
        cites: [transport]
        because: {zh: "收货时无损坏", en: No damage on delivery}
""",
    "",
)
UNUSED = (
    """  follow_up_interval_months:""",
    """  spare_days:
    value: 7
    cites: [warranty.period]
  follow_up_interval_months:""",
)
UNIQUE = (
    """  - id: charges.parts
    title:""",
    """  - id: charges.parts
    unique: true
    title:""",
)
OVERLAP = (
    """      - when: service.type == 'paid_repair'
        value: customer
""",
    """      - when: service.type in ['paid_repair', 'free_repair']
        value: customer
""",
)


def _edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    return edited_policy(tmp_path, *edits, name="fixture.yaml")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(needle):
            return number
    raise AssertionError(needle)


def test_the_standard_has_no_open_findings(policy: Policy) -> None:
    findings = check_policy(policy)
    assert [f for f in findings if not f.intended] == []
    assert all(f.intended for f in findings)  # what remains is explained in the policy


def test_shadowed_gap_and_unused_parameter_are_reported_with_examples(tmp_path: Path) -> None:
    path = _edited(tmp_path, SHADOWED, GAP, UNUSED)
    code, out, _ = cli("check", str(path))
    assert code == 1
    lines = {line.split(": ")[2]: line for line in out.splitlines() if ": warning: " in line}
    # (the row removed to make the gap was the one giving 'none': no row gives it now)
    assert set(lines) == {"shadowed-row", "gap", "unused-parameter", "unreachable-value"}
    assert f"{path}:{_line_of(path, '      - when: fault.disassembled')}:" in lines["shadowed-row"]
    assert "service.type row 3 never decides" in lines["shadowed-row"]
    assert "for example" in lines["shadowed-row"] and "fault.disassembled = true" in lines["shadowed-row"]
    assert "transport.claim" in lines["gap"] and "transport.damage = none" in lines["gap"]
    assert f"{path}:{_line_of(path, '  spare_days:')}:" in lines["unused-parameter"]


def test_overlap_only_in_tables_declared_unique(tmp_path: Path) -> None:
    policy, _ = load_policy(_edited(tmp_path, OVERLAP))
    assert not [f for f in check_policy(policy) if f.code == "overlap"]
    policy, _ = load_policy(_edited(tmp_path, OVERLAP, UNIQUE))
    (overlap,) = [f for f in check_policy(policy) if f.code == "overlap"]
    assert "rows 1, 2" in overlap.message and dict(overlap.example)["service.type"] == "free_repair"


def test_a_dead_row_is_reported(tmp_path: Path) -> None:
    dead = (
        """      - when: transport.damage == 'none'""",
        """      - when: transport.damage == 'none' and not transport.damage == 'none'""",
    )
    policy, _ = load_policy(_edited(tmp_path, dead))
    codes = {f.code for f in check_policy(policy) if not f.intended}
    assert "dead-row" in codes


def test_validate_runs_the_checks_too(tmp_path: Path) -> None:
    code, out, err = cli("validate", str(_edited(tmp_path, UNUSED)))
    assert code == 0 and "ok" in out
    assert "unused-parameter" in err


@pytest.mark.parametrize("fmt", ["json"])
def test_check_json(tmp_path: Path, fmt: str) -> None:
    import json

    code, out, _ = cli("check", str(_edited(tmp_path, GAP)), "--format", fmt)
    assert code == 1
    assert [f["code"] for f in json.loads(out) if f["severity"] == "warning"] == ["gap", "unreachable-value"]


def test_a_table_too_large_for_the_budget_is_skipped_and_says_so(policy: Policy) -> None:
    from policykit.limits import DEFAULT

    findings = check_policy(policy, DEFAULT.replace(check_operations=50))
    skipped = [f for f in findings if f.code == "check-skipped"]
    assert skipped and all("check_operations = 50" in f.message for f in skipped)
    full = {f.code for f in check_policy(policy)}
    assert "check-skipped" not in full


def test_checks_out_of_time_stop_and_say_where(policy: Policy) -> None:
    from policykit.limits import DEFAULT

    findings = check_policy(policy, DEFAULT.replace(seconds=0.0))
    stopped = [f for f in findings if f.code == "check-stopped"]
    assert len(stopped) == 1 and "seconds = 0.0" in stopped[0].message and "tables not checked" in stopped[0].message


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_policy_that_does_not_load_leaves_stdout_empty(tmp_path: Path, fmt: str) -> None:
    """Bad input: its problems on stderr, exit 2 and nothing on stdout (not an empty JSON
    report, nor the findings of the other files named with it)."""
    good = _edited(tmp_path, GAP)
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("when: fault.disassembled", "when: fault.disasembled"))
    code, out, err = cli("check", str(good), str(bad), "--format", fmt)
    assert (code, out) == (2, "")
    assert "unknown-name" in err and "did you mean 'fault.disassembled'" in err


def test_the_summary_counts_one_finding_in_the_singular(tmp_path: Path) -> None:
    code, out, _ = cli("check", str(_edited(tmp_path, UNUSED)))
    assert code == 1 and out.splitlines()[-1].endswith(": 1 finding, 2 explained as intended")


def test_an_example_never_has_a_comparison_and_its_opposite_both_hold(tmp_path: Path) -> None:
    """A row after 'request.date > warranty.end_date' that repeats it: shadowed by row 2,
    and the example takes request.date <= warranty.end_date false (QA: the example had
    both it and its opposite true, which no case has); one row before it: 'row 2 ... comes'.
    The fallback after them never decides either: a day is on or before the end, or after it."""
    opposite = (
        "      - value: out_of_warranty\n        cites: [warranty.period]\n",
        "      - when: warranty.end_date < request.date\n        value: out_of_warranty\n"
        "        cites: [warranty.period]\n"
        "      - when: request.date > warranty.end_date\n        value: in_warranty\n"
        "        cites: [warranty.period]\n"
        "      - value: out_of_warranty\n        cites: [warranty.period]\n",
    )
    policy, _ = load_policy(_edited(tmp_path, opposite))
    found = check_policy(policy)
    shadowed, fallback = [f for f in found if f.code == "shadowed-row" and f.subject == "warranty.status"]
    example = dict(shadowed.example)
    assert example["request.date <= warranty.end_date"] is False
    assert example.get("warranty.end_date < request.date", example.get("request.date > warranty.end_date")) is True
    assert "row 3 never decides: row 2 always comes first" in shadowed.message
    assert "row 4 never decides: rows 1, 2 always come first" in fallback.message


def test_a_shadowed_row_names_the_rows_that_cover_it(tmp_path: Path) -> None:
    """A row 'not fault.works_normally' put before the row for severe exterior damage: with
    row 1 (fault.works_normally) it covers that row and the last.  The finding named the
    rows that held on one input ("rows 1, 2 always come first"), not the new row 3 that
    covers the rest; now a smallest set of earlier rows that together always hold first,
    and where each decides."""
    covering = (
        "      - when: fault.severe_exterior_damage\n        value: free_repair\n",
        "      - when: not fault.works_normally\n        value: free_replacement\n"
        "        cites: [ops.exchange.conditions.1]\n"
        '        because: {zh: "加电不能正常工作：免费更换", en: "Not working when powered: free replacement"}\n'
        "      - when: fault.severe_exterior_damage\n        value: free_repair\n",
    )
    path = _edited(tmp_path, covering)
    policy, _ = load_policy(path)
    found = {f.message.split(" never decides")[0]: f for f in check_policy(policy) if f.code == "shadowed-row"}
    assert set(found) == {"service.type row 4", "service.type row 5"}
    said = (
        "never decides: rows 1, 3 always come first "
        "(row 1 where fault.works_normally = true; row 3 where fault.works_normally = false)"
    )
    assert found["service.type row 4"].message == f"service.type row 4 {said}"
    assert found["service.type row 5"].message == f"service.type row 5 {said}"
    example = dict(found["service.type row 4"].example)
    assert example["fault.severe_exterior_damage"] is True and example["fault.works_normally"] is True
    assert example["fault.disassembled"] is False  # row 1 alone of the rows before decides it
    code, out, _ = cli("check", str(path))
    line = _line_of(path, "      - when: fault.severe_exterior_damage")
    assert code == 1 and f"{path}:{line}: warning: shadowed-row: service.type row 4 {said} - for example " in out


def test_a_cover_is_the_smallest_set_of_rows_that_decide() -> None:
    """Row 4 holds on three inputs: with rows 1, 2; rows 1, 3; row 1 alone.  Row 1 covers
    it alone; a row that decides no input is never named; a cover too large to search for
    keeps only the rows needed (row 2 covers what row 1 does, and more)."""
    from policykit.tools import shadow

    holding = [0b1011, 0b1101, 0b1001, 0b0110]
    assert shadow.covering_rows(holding, 3, {0, 1, 2}) == (0,)
    assert shadow.covering_rows([0b1011, 0b1110, 0b0010], 3, {1, 2}) == (1,)
    assert shadow._pruned([0b1011, 0b1111, 0b1110], 3, {0: 0b011, 1: 0b111}, 0b111) == (1,)


def test_a_value_no_row_gives_is_reported(tmp_path: Path) -> None:
    """A value declared that no row of the table gives (an editor's 'explain_now', with no
    row for it) was passed over by check."""
    edit = ("    values: [may_offer, not_applicable]\n", "    values: [may_offer, not_applicable, explain_now]\n")
    contract = (
        "      advance_replacement: {type: enum, values: [may_offer, not_applicable]}",
        "      advance_replacement: {type: enum, values: [may_offer, not_applicable, explain_now]}",
    )
    path = _edited(tmp_path, edit, contract)
    policy, _ = load_policy(path)
    found = [f for f in check_policy(policy) if f.code == "unreachable-value"]
    assert [(f.subject, f.line) for f in found] == [
        ("advance_replacement", _line_of(path, "  - id: advance_replacement"))
    ]
    assert "no row gives 'explain_now'" in found[0].message
    assert not [f for f in check_policy(load_policy(POLICY_FILE)[0]) if f.code == "unreachable-value"]


def test_a_fact_the_header_shows_is_of_use(tmp_path: Path) -> None:
    """A fact listed in ``summary:`` (every result's header shows it) was reported unused."""
    code, out, _ = cli("check", str(POLICY_FILE), "--format", "json")
    found = json.loads(out)
    assert code == 0  # the standard's findings all explained
    summary = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))["summary"]
    shown = {name for group in summary for name in group["facts"]}
    unused = [f["subject"] for f in found if f["code"] == "unused-fact"]
    assert unused and not [s for s in unused if any(name in s for name in shown)]
    assert "customer.contact" in shown
