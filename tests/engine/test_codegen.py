"""The code generated from the policy against the interpreter, its reference: over the
acceptance cases, the policy tests' cases and 50 000 generated cases (a good part with
facts unknown), the generated road gives the interpreter's decisions wherever it
finishes, and ``decide`` (generated, else interpreted) always does."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from typing import Any

import pytest

from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import read_case
from policykit.engine.codegen import decide_generated
from policykit.engine.codegen.generate import value_source
from policykit.engine.decide import decide, decide_interpreted
from policykit.errors import CaseError
from policykit.limits import DEFAULT, LimitError
from policykit.policy.model import Policy
from policykit.tools.policytest import default_tests_dir, load_all

from ..conftest import SHARED

AS_OF = date(2026, 11, 27)


def _typed(values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {k: (type(v).__name__, v) for k, v in values.items()}


def _compare(policy: Policy, raw: dict[str, Any], as_of: date) -> tuple[bool, list[str]]:
    """(finished on the generated road?, differences from the interpreter)."""
    try:
        case = read_case(policy, copy.deepcopy(raw))
    except CaseError:
        return False, []
    reference = decide_interpreted(policy, case, as_of)
    generated = decide_generated(policy, case, as_of)
    out = []
    if generated is not None and (
        _typed(generated.values) != _typed(reference.values) or generated.missing != reference.missing
    ):
        out.append(f"{raw.get('case_id')}: generated {generated}, interpreted {reference}")
    either = decide(policy, case, as_of)
    if _typed(either.values) != _typed(reference.values) or either.missing != reference.missing:
        out.append(f"{raw.get('case_id')}: decide {either}, interpreted {reference}")
    return generated is not None, out


def test_acceptance_and_policy_test_cases_agree(policy: Policy) -> None:
    cases: list[tuple[dict[str, Any], date]] = []
    for path in sorted((SHARED / "acceptance" / "cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append((data["case"], date.fromisoformat(data["as_of"])))
    files, problems = load_all([default_tests_dir()])
    assert not problems
    cases += [(t.case, t.as_of) for f in files for t in f.tests]
    assert len(cases) > 50
    results = [_compare(policy, case, as_of) for case, as_of in cases]
    assert [d for _, diffs in results for d in diffs] == []
    assert sum(finished for finished, _ in results) > 10  # the generated road is taken, not always left


@pytest.mark.parametrize(
    ("generator", "seed"), [(generate, 1), (generate, 2), (generate_edges, 3), (generate_edges, 4)]
)
def test_generated_cases_agree(policy: Policy, generator: Any, seed: int) -> None:
    """12 500 cases each, 50 000 in all; the edge cases leave many facts unknown."""
    finished, differences = 0, []
    for raw in generator(12_500, seed):
        done, diffs = _compare(policy, raw, AS_OF)
        finished += done
        differences += diffs
    assert differences == []
    assert finished > 2_000


def test_the_generated_text_is_control_flow_only(policy: Policy) -> None:
    """No expression, clause, number or word of the policy is in the generated text:
    the rows' conditions and outcomes are passed in as objects."""
    allowed = {"def", "_value", "_e", "_k", "if", "return", "None", "True", "and", "or", "_K", "_items", "append"}
    for value in policy.values.values():
        text, names = value_source(value)
        words = set(re.findall(r"[A-Za-z_]\w*", text))
        assert words - allowed <= set(names), value.id
        assert not re.search(r"['\"]|\d(?<!_g\d)", re.sub(r"_g\d+", "", text)), value.id
        assert names["__builtins__"] == {}


def test_the_work_budget_passed_in_is_respected(policy: Policy) -> None:
    cases = (read_case(policy, c) for c in generate(200) if c["request"]["type"] == "fault")
    case = next(c for c in cases if decide_generated(policy, c, AS_OF) is not None)
    assert decide_generated(policy, case, AS_OF, DEFAULT.replace(operations=10_000)) is not None
    # out of work: the generated road gives up and the interpreter decides (and reports it)
    assert decide_generated(policy, case, AS_OF, DEFAULT.replace(operations=5)) is None
    with pytest.raises(LimitError):
        decide(policy, case, AS_OF, DEFAULT.replace(operations=5))
