"""A result in words, rendered lazily: the JSON form renders only what it shows, straight
from the record; the words of a policy in a language are prepared once."""

from __future__ import annotations

import json
from datetime import date

from policykit.engine.case import read_case
from policykit.engine.decide import decide_case
from policykit.engine.record import CaseRecord
from policykit.policy.model import Policy
from policykit.present.assemble import build_result, wording

from ..conftest import ROOT

AS_OF = date(2026, 11, 27)


def _record(policy: Policy) -> CaseRecord:
    case = read_case(policy, json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    return decide_case(policy, case, AS_OF)


def test_the_json_form_renders_no_part_in_full(policy: Policy) -> None:
    result = build_result(_record(policy), "en")
    data = result.to_dict()
    assert data["decisions"] and data["actions"]
    # titles, labels and the parts' objects were never made for it
    assert not {"decisions", "actions", "missing", "assumed", "warnings"} & set(vars(result))
    assert result.decisions[0].title  # read: rendered now, and kept
    assert "decisions" in vars(result)
    assert result.to_dict() == data


def test_words_are_prepared_once_per_policy_and_language(policy: Policy) -> None:
    assert wording(policy, "zh") is wording(policy, "zh")
    assert wording(policy, "zh") is not wording(policy, "en")
    assert wording(policy, "en", "https://docs.example/") is not wording(policy, "en")


def test_a_changed_json_does_not_change_the_next(policy: Policy) -> None:
    """The verbatim clauses are prebuilt once, and every result gets its own copy."""
    record = _record(policy)
    first = build_result(record, "zh").to_dict()
    cite = next(c for d in first["decisions"].values() for c in d["cites"])
    cite["text"] = "changed"
    again = build_result(record, "zh").to_dict()
    assert all(c["text"] != "changed" for d in again["decisions"].values() for c in d["cites"])
