"""``policykit diff`` as an editor reads it, on the five revisions of the standard: every
value in full and in words (no JSON, no "…"), rule rows before and after with the changed
parts marked, a new decision with its rows, and ``--cases`` with the real values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.tools.diff_text import marked_pair, readable, row_line

from ..conftest import POLICY_FILE, cli
from ..test_revisions import CASE, REVISIONS, scratch  # noqa: F401 - the scratch policy set

_JSON = re.compile(r'[{\[]"')


def _diff(folder: Path, name: str, *extra: str) -> str:
    code, out, err = cli("diff", str(folder / POLICY_FILE.name), str(folder / f"{name}.yaml"), *extra)
    assert code == 0, err
    return out


@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_every_revision_reads_in_words_and_in_full(scratch: Path, name: str) -> None:  # noqa: F811
    text = _diff(scratch, name)
    assert "…" not in text and not _JSON.search(text), text


def test_a_changed_row_is_shown_whole_before_and_after_with_its_changes_marked(scratch: Path) -> None:  # noqa: F811
    lines = _diff(scratch, "two_working_days").splitlines()
    at = lines.index("  ~ deadlines.ship_by row 1:")
    before, after = lines[at + 1], lines[at + 2]
    assert before.startswith("      - when service.type == 'free_replacement' → add_working_days(received_on, ")
    assert after.startswith("      + when service.type == 'free_replacement' → add_working_days(received_on, ")
    assert "cites repair-time.1, ops.exchange.procedure.4" in before and "cites repair-time.1" in after
    assert "working [-day-] of receipt" in before and "{+" not in before
    assert "working {+days+} of receipt" in after and "[-" not in after
    assert "deadlines.ship_by row 1 because" not in "\n".join(lines)  # not field by field


def test_a_new_decision_shows_its_rows(scratch: Path) -> None:  # noqa: F811
    text = _diff(scratch, "courtesy_unit")
    assert "  + courtesy_unit: 备用机 / Courtesy unit · fault · enum · values: may_lend, not_applicable" in text
    assert (
        "      row 1: when customer.key_account and service.type in ['free_repair', 'paid_repair'] → may_lend"
        " · cites warranty.courtesy" in text
    )
    assert "      row 2: → not_applicable · cites warranty.courtesy" in text


def test_new_values_labels_rows_facts_and_days_are_written_out(scratch: Path) -> None:  # noqa: F811
    text = _diff(scratch, "lightning")
    assert "  ~ warranty.exclusions values:\n      + lightning\n" in text
    assert "  ~ warranty.exclusions labels:\n      + lightning: 雷击损坏 / lightning damage\n" in text
    assert "  + warranty.exclusions row 4: when fault.lightning → lightning · cites warranty.2, warranty.2.4" in text
    assert "  + fault.lightning: type: bool · title: 雷击损坏 / lightning damage · default: false" in text
    text = _diff(scratch, "company_holiday")
    assert "  ~ extra_holidays:\n      + every: 03-18 · name: 公司司庆日 / Company founding day" in text


def test_the_contract_comes_first(scratch: Path) -> None:  # noqa: F811
    sections = [line for line in _diff(scratch, "courtesy_unit").splitlines() if re.match(r"^[A-Z]", line)]
    assert sections[0].startswith("CONTRACT (2: 0 breaking, 2 additive)")


def test_cases_show_the_real_values(scratch: Path, tmp_path: Path) -> None:  # noqa: F811
    cases = tmp_path / "cases.jsonl"
    freight = {**CASE, "case_id": "F-1", "sale": {"ship_date": "2025-06-01", "shipping_method": "freight"}}
    cases.write_text(json.dumps(freight) + "\n" + json.dumps({**CASE, "case_id": "E-1"}) + "\n", encoding="utf-8")
    text = _diff(scratch, "freight_warranty", "--cases", str(cases), "--as-of", "2026-11-27")
    assert "warranty.end_date  2026-06-06 → 2026-12-06: 1 case (e.g. F-1)" in text
    assert "(a date)" not in text


_TEXT = st.text(alphabet=st.sampled_from(list("ab 工作日 days1.")), max_size=30)


@given(_TEXT, _TEXT)
def test_the_marks_leave_each_side_as_it_was(old: str, new: str) -> None:
    before, after = marked_pair(old, new)
    assert re.sub(r"\[-(.*?)-\]", r"\1", before) == old
    assert re.sub(r"\{\+(.*?)\+\}", r"\1", after) == new
    if old == new:
        assert before == old and after == new


def test_readable_values() -> None:
    assert readable({"zh": "甲", "en": "A"}) == "甲 / A"
    assert readable({"value": 18, "unit": "months", "ok": True, "none": None}) == (
        "value: 18 · unit: months · ok: true · none: null"
    )
    assert readable(["a", 1]) == "[a, 1]"
    assert readable([{"date": "2026-03-18"}]) == "(date: 2026-03-18)"
    assert row_line({"when_any": ["a", {"when": "b", "cites": ["x"]}], "value": "v"}) == (
        "when any of (when a; when b · cites x) → v"
    )
    assert row_line({"ask": ["sale.ship_date"]}) == "→ ask sale.ship_date"


def test_an_edited_copy_under_the_same_version_is_told_to_take_a_version_of_its_own(tmp_path: Path) -> None:
    """diff of a changed copy that still says 1.0.0 showed '1.0.0 -> 1.0.0' with no word:
    results name their policy by version, so the two could not be told apart."""
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        POLICY_FILE.read_text(encoding="utf-8").replace("    value: 3\n", "    value: 4\n", 1), encoding="utf-8"
    )
    code, out, err = cli("diff", str(POLICY_FILE), str(edited))
    assert code == 0, err
    assert "(both say version 1.0.0: give the changed one a version of its own, metadata.version)" in out
    code, out, err = cli("diff", str(POLICY_FILE), str(POLICY_FILE))
    assert code == 0 and "both say version" not in out and "no changes" in out
    # the same note for a program reading the JSON (it was in the text alone)
    code, out, err = cli("diff", str(POLICY_FILE), str(edited), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["note"].startswith("both say version 1.0.0: give the changed one a version of its own")
    code, out, err = cli("diff", str(POLICY_FILE), str(POLICY_FILE), "--format", "json")
    assert code == 0 and "note" not in json.loads(out)
