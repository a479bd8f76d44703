"""The work a case of the bundled standard is charged is the same on every road: the
generated code, the interpreter (the reference) and the exact forms alone (one case from
the command line).  So such a case meets a limit of operations on all of them or on none.
(See ``decide._env`` for the one kind of expression where a road charges more.)"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from policykit.engine import decide as decide_module
from policykit.engine.seed import seed
from policykit.lang.expr import exact_forms_only
from policykit.limits import DEFAULT
from policykit.policy.model import Policy

from .cases import readable

AS_OF = date(2026, 11, 27)


def test_every_road_charges_a_case_the_same_work(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    charged: list[int] = []
    made = decide_module._decide

    def noted(env: Any, case: Any, as_of: date) -> Any:
        record = made(env, case, as_of)
        charged.append(DEFAULT.operations - env.budget.left)
        return record

    monkeypatch.setattr(decide_module, "_decide", noted)
    compared = probed = 0
    for case in readable(policy, 400, 92, edges=200):
        charged.clear()
        records = []
        for generated, exact in ((True, False), (False, False), (False, True)):
            was = exact_forms_only(exact)
            try:
                records.append(decide_module.decide_case(policy, case, AS_OF, generated=generated))
            finally:
                exact_forms_only(was)
        assert len(set(charged)) == 1, (case.case_id, charged)
        probed += bool(records[0].assumed)
        compared += 1
    assert compared > 400 and probed > 100  # many cases whose probes ran


def test_skipping_the_probes_that_cannot_change_anything_changes_nothing(policy: Policy) -> None:
    """A case that notes the defaults it reads skips the assumption probes of the others
    (on every road): its result is that of a case that notes none and makes every probe."""
    from policykit.present.assemble import build_result

    compared = skipped = 0
    for case in readable(policy, 300, 94, edges=150):
        for generated in (True, False):
            results = []
            for watch in (True, False):
                env = decide_module._env(policy, case, AS_OF, DEFAULT, generated, watch=watch)
                try:
                    if generated:  # as decide_case: the values at once, noting the defaults they read
                        seed(env, case, AS_OF, DEFAULT)
                    record = decide_module._decide(env, case, AS_OF)
                finally:
                    env.release()
                results.append(build_result(record, "en").to_dict())
                if watch:
                    skipped += bool(env.watch - env.watched)
            assert results[0] == results[1], case.case_id
            compared += 1
    assert compared > 600 and skipped > 300
