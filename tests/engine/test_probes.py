"""The assumption probes' shortcuts (``engine/assume.py``) change no result: a step's
condition that reads only what the probe has as the case had it is not worked out again
in the probe, and a group found unable to change anything is not asked again until the
case has read or settled more; with both shortcuts off, every result is the same."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from policykit.engine import assume
from policykit.engine.decide import decide_case
from policykit.policy.model import Policy
from policykit.present.assemble import build_result

from .cases import readable

AS_OF = date(2026, 11, 27)


def _results(policy: Policy, cases: list[Any], generated: bool) -> list[Any]:
    return [build_result(decide_case(policy, case, AS_OF, generated=generated), "en").to_dict() for case in cases]


@pytest.mark.parametrize("generated", [True, False])
def test_the_shortcuts_change_no_result(policy: Policy, monkeypatch: pytest.MonkeyPatch, generated: bool) -> None:
    cases = readable(policy, 400, 31, edges=150)
    taken = {"same": 0, "dead": 0}
    changed, sub = assume._changed, assume.Probes._sub

    def noted_changed(*args: Any) -> bool:
        found = changed(*args)
        taken["same"] += not found
        return found

    def noted_sub(self: assume.Probes, entry: list[Any]) -> Any:
        taken["dead"] += entry[1] is None and entry[2] == (len(self.env.watched), len(self.env.settled))
        return sub(self, entry)

    monkeypatch.setattr(assume, "_changed", noted_changed)
    monkeypatch.setattr(assume.Probes, "_sub", noted_sub)
    quick = _results(policy, cases, generated)
    assert taken["same"] > 50 and taken["dead"] > 50  # both shortcuts were taken, often

    def live_again(self: assume.Probes, entry: list[Any]) -> Any:
        entry[2] = None  # never remembered dead
        return sub(self, entry)

    monkeypatch.setattr(assume, "_changed", lambda *args: True)
    monkeypatch.setattr(assume.Probes, "_sub", live_again)
    assert quick == _results(policy, cases, generated)


def test_a_condition_resting_on_an_ask_row_of_a_default_is_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``ask:`` row gives an unknown naming facts the case knows, a defaulted one among
    them: a step's condition reading it rests on that default though no unknown fact of
    the case has one, so the shortcut must not skip it (a review's counter-example: the
    standard with an asking value and a step reading it)."""
    import copy
    import json

    import yaml

    from policykit.engine.case import read_case
    from policykit.policy.compiler import load_policy_text

    from ..conftest import POLICY_FILE, ROOT

    class Plain(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    t, c = {"zh": "t", "en": "t"}, ["warranty.period"]
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    data["derived"] += [
        {"id": "zz.v", "title": t, "type": "bool", "rules": [
            {"when": "request.type == 'fault'", "ask": ["fault.critical_site"], "cites": c},
            {"value": False, "cites": c}]},
        {"id": "zz.w", "title": t, "type": "int", "rules": [
            {"when": "len(history) >= 0", "value": 1, "cites": c}, {"value": 1, "cites": c}]},
    ]  # fmt: skip
    data["decisions"] += [
        {"id": "zz.dec", "title": t, "applies_to": ["fault"], "type": "bool",
         "rules": [{"when": "zz.v or zz.w == 1", "value": True, "cites": c}, {"value": False, "cites": c}]},
    ]  # fmt: skip
    data["actions"] += [
        {"id": "zz-step", "applies_to": ["fault"], "cites": c, "text": t,
         "when": ["sale.shipping_method == 'express' or sale.shipping_method == 'freight' or zz.v", "zz.w == 1"]},
    ]  # fmt: skip
    text = yaml.dump(data, Dumper=Plain, allow_unicode=True, sort_keys=False, width=10**9)
    policy, problems = load_policy_text(text.encode("utf-8"), "edited.yaml")
    assert policy is not None, [p.format() for p in problems]
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    del case["sale"]["shipping_method"]  # unknown, with no default
    for generated in (True, False):
        record = decide_case(policy, read_case(policy, copy.deepcopy(case)), AS_OF, generated=generated)
        assert [a.assumed for a in record.actions if a.id == "zz-step"] == [("fault.critical_site",)]
    monkeypatch.setattr(assume, "_changed", lambda *args: True)  # the probes without the shortcut agree
    record = decide_case(policy, read_case(policy, copy.deepcopy(case)), AS_OF)
    assert [a.assumed for a in record.actions if a.id == "zz-step"] == [("fault.critical_site",)]
