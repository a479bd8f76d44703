"""``diff --cases``: a case one version refuses and the other decides (a request type an
amendment adds, say) is a change, shown with its decisions on the side that decides it
and, in JSON, which side refused it and why; it was dropped as bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import POLICY_FILE, ROOT, cli

# an amendment adding the request type 'inquiry' (the fact's values and the contract's
# case field) and a decision for it
INQUIRY = """\
policykit: 1
amends: 1.0.0
metadata:
  version: 1.1.0
  supersedes: 1.0.0
changes:
  - replace: facts[request.type].values
    with: [fault, return, complaint, transport_damage, shipment, follow_up, inquiry]
  - add: facts[request.type].labels.inquiry
    with: {zh: "咨询", en: "inquiry"}
  - replace: contract.case.fields[request.type].values
    with: [fault, return, complaint, transport_damage, shipment, follow_up, inquiry]
  - add: decisions
    with:
      id: inquiry.answer
      title: {zh: "咨询答复", en: Inquiry answer}
      applies_to: [inquiry]
      type: enum
      values: [answered]
      labels:
        answered: {zh: "已答复", en: answered}
      rules:
        - value: answered
          cites: [ops.records.content]
          because: {zh: "咨询已答复", en: "The inquiry is answered"}
  - add: contract_extension
    with:
      decisions: {inquiry: [inquiry.answer]}
"""
INQ = {"case_id": "INQ-1", "request": {"type": "inquiry", "date": "2026-02-10"}, "customer": {"name": "x"}}
REFUSED = (
    "schema: 'inquiry' is not an allowed value"
    " (expected one of fault, return, complaint, transport_damage, shipment, follow_up) (at request.type)"
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A policy set of v1.0 and the amendment, and ``all.jsonl``: a fault case, then an inquiry."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / POLICY_FILE.name).write_text(POLICY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "inquiry.yaml").write_text(INQUIRY, encoding="utf-8")
    fault = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in (fault, INQ))
    (tmp_path / "all.jsonl").write_text(lines, encoding="utf-8")
    return tmp_path


def _diff(project: Path, old: str, new: str, fmt: str) -> str:
    argv = ["diff", old, new, "--policy-set", str(project / "policies"), "--cases", str(project / "all.jsonl")]
    code, out, err = cli(*argv, "--as-of", "2026-11-27", "--format", fmt)
    assert code == 0, err
    return out


def test_a_case_of_a_new_request_type_is_a_change_not_bad_input(project: Path) -> None:
    cases = project / "all.jsonl"
    text = _diff(project, "1.0.0", "1.1.0", "text")
    impact = text[text.index("Impact of ") :]
    assert impact.splitlines()[0] == "Impact of ouyi-service-standard 1.0.0 -> 1.1.0 on 2 cases: 1 change, 1 do not"
    assert "rejected" not in impact
    assert impact.endswith(
        "Decided under one version only:\n"
        "  1 case new under 1.1.0 (1.0.0 refuses it), as 1.1.0 decides:\n"
        "    inquiry.answer  answered: 1 case (e.g. INQ-1)\n"
        f"    1.0.0 says, e.g.: {cases}:2:34: {REFUSED}\n"
    )
    data = json.loads(_diff(project, "1.0.0", "1.1.0", "json"))["impact"]
    assert (data["cases"], data["changed"], data["rejected"]) == (2, 1, 0)
    (side,) = data["decided_on_one_side"]
    assert side["refused_by"] == "old" and side["refused_by_version"] == "1.0.0"
    assert side["decided_by"] == "new" and side["cases"] == 1
    assert side["decisions"] == [{"decision": "inquiry.answer", "value": "answered", "cases": 1, "examples": ["INQ-1"]}]
    (refusal,) = side["refusals"]
    assert (refusal["case"], refusal["name"]) == ("INQ-1", f"{cases}:2")
    (problem,) = refusal["problems"]
    assert (problem["line"], problem["code"], problem["path"]) == (2, "schema", "request.type")


def test_a_case_no_longer_accepted_shows_what_the_old_version_decided(project: Path) -> None:
    text = _diff(project, "1.1.0", "1.0.0", "text")
    assert "  1 case no longer accepted under 1.0.0 (1.0.0 refuses it), as 1.1.0 decided:\n" in text
    assert "    inquiry.answer  answered: 1 case (e.g. INQ-1)\n" in text
    (side,) = json.loads(_diff(project, "1.1.0", "1.0.0", "json"))["impact"]["decided_on_one_side"]
    assert (side["refused_by"], side["refused_by_version"], side["decided_by"]) == ("new", "1.0.0", "old")


def test_a_case_both_refuse_is_still_rejected_as_bad_input(project: Path) -> None:
    """A case of a request type neither version knows: bad input, as it was, and no one-sided change."""
    cases = project / "all.jsonl"
    with cases.open("a", encoding="utf-8") as out:
        out.write(json.dumps({**INQ, "request": {"type": "enquiry", "date": "2026-02-10"}}) + "\n")
    text = _diff(project, "1.0.0", "1.1.0", "text")
    assert f"on 2 cases: 1 change, 1 do not; 1 case rejected as bad input ({cases}:3: " in text
    data = json.loads(_diff(project, "1.0.0", "1.1.0", "json"))["impact"]
    assert data["rejected_examples"] == [f"{cases}:3"] and data["decided_on_one_side"][0]["cases"] == 1


def test_the_workers_count_one_sided_cases_as_one_process_does(project: Path) -> None:
    """Chunks merged: the counts and the first examples are those of one process."""
    from policykit.policy.compiler import load_policy
    from policykit.tools.impact import Impact, impact_of

    old = load_policy(project / "policies" / POLICY_FILE.name)[0]
    new = load_policy(project / "policies" / "inquiry.yaml")[0]
    items = [(f"c.jsonl:{n}", json.dumps({**INQ, "case_id": f"INQ-{n}"}).encode()) for n in range(1, 6)]
    from datetime import date

    whole = impact_of(old, new, date(2026, 11, 27), items)
    merged = Impact()
    for part in (items[:2], items[2:]):
        merged.merge(impact_of(old, new, date(2026, 11, 27), part))
    assert merged.one_sided_dict("1.0.0", "1.1.0") == whole.one_sided_dict("1.0.0", "1.1.0")
    (side,) = whole.one_sided_dict("1.0.0", "1.1.0")
    assert side["cases"] == 5 and side["decisions"][0]["examples"] == ["INQ-1", "INQ-2", "INQ-3"]
    assert [r["case"] for r in side["refusals"]] == ["INQ-1", "INQ-2", "INQ-3"]
