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
