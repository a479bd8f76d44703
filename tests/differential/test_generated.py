"""The code generated from the policy against the interpreter, its reference: the full
JSON result in Chinese and in English, over the acceptance cases, the policy tests'
cases and 50 000 generated cases, a good part of them with facts unknown or defaulted
(so that values are settled over branches and results rest on assumptions).  Not one
difference is allowed; the JSON rendered lazily is also held to the JSON of the parts
rendered in full."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import read_case
from policykit.engine.decide import decide, decide_case, decide_interpreted
from policykit.errors import CaseError, PolicykitError
from policykit.lang.values import Unknown
from policykit.policy.model import Policy
from policykit.present.assemble import build_result
from policykit.tools.policytest import default_tests_dir, load_all

from ..conftest import SHARED

AS_OF = date(2026, 11, 27)


def _outputs(policy: Policy, case: Any, as_of: date, generated: bool) -> list[Any]:
    """Everything a case gives on one road: the JSON in both languages, or the error."""
    try:
        record = decide_case(policy, case, as_of, generated=generated)
    except PolicykitError as exc:
        return [type(exc).__name__, [d.format() for d in exc.diagnostics]]
    return [json.dumps(build_result(record, lang).to_dict(), ensure_ascii=False, default=str) for lang in ("zh", "en")]


def _differences(policy: Policy, raw: dict[str, Any], as_of: date) -> tuple[bool, list[str]]:
    """(had an unknown fact?, the differences between the two roads)."""
    try:
        case = read_case(policy, copy.deepcopy(raw))
    except CaseError:
        return False, []
    had_unknown = any(v.__class__ is Unknown for v in case.facts.values())
    out = []
    if _outputs(policy, case, as_of, True) != _outputs(policy, case, as_of, False):
        out.append(f"{raw.get('case_id')}: the full result differs")
    either, reference = decide(policy, case, as_of), decide_interpreted(policy, case, as_of)
    typed = [{k: (type(v).__name__, v) for k, v in d.values.items()} for d in (either, reference)]
    if typed[0] != typed[1] or either.missing != reference.missing:
        out.append(f"{raw.get('case_id')}: decide {either}, interpreted {reference}")
    try:  # the decisions alone are the full result's
        record = decide_case(policy, case, as_of)
    except PolicykitError:
        return had_unknown, out
    full = {d.id: (type(v).__name__, v) for d in record.decisions for v in [d.value if d.decided else None]}
    missing = {d.id: tuple(sorted(d.value.facts)) for d in record.decisions if not d.decided}
    if typed[0] != full or either.missing != missing:
        out.append(f"{raw.get('case_id')}: decide {either}, decide_case {full} {missing}")
    return had_unknown, out


def _known_cases() -> list[tuple[dict[str, Any], date]]:
    cases: list[tuple[dict[str, Any], date]] = []
    for path in sorted((SHARED / "acceptance" / "cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append((data["case"], date.fromisoformat(data["as_of"])))
    files, problems = load_all([default_tests_dir()])
    assert not problems
    return cases + [(t.case, t.as_of) for f in files for t in f.tests]


def test_acceptance_and_policy_test_cases_agree(policy: Policy) -> None:
    cases = _known_cases()
    assert len(cases) > 50
    results = [_differences(policy, case, as_of) for case, as_of in cases]
    assert [d for _, diffs in results for d in diffs] == []


def test_a_thousand_generated_cases_agree(policy: Policy) -> None:
    """The cheap run, in every suite run."""
    results = [_differences(policy, raw, AS_OF) for raw in generate_edges(1_000, 9)]
    assert [d for _, diffs in results for d in diffs] == []
    assert sum(unknown for unknown, _ in results) > 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31), shift=st.integers(-900, 900))
def test_any_case_on_any_day_agrees(policy: Policy, seed: int, shift: int) -> None:
    """For every case and evaluation day (deadlines crossing years, some without an
    official schedule), the two roads give the same."""
    as_of = AS_OF + timedelta(days=shift)
    for make in (generate, generate_edges):
        for raw in make(3, seed):
            assert _differences(policy, raw, as_of)[1] == []


@pytest.mark.differential
@pytest.mark.parametrize(
    ("generator", "seed"), [(generate, 1), (generate, 2), (generate_edges, 3), (generate_edges, 4)]
)
def test_fifty_thousand_generated_cases_agree(policy: Policy, generator: Any, seed: int) -> None:
    """12 500 cases each, 50 000 in all; the edge cases leave many facts unknown."""
    unknown, differences = 0, []
    for raw in generator(12_500, seed):
        had, diffs = _differences(policy, raw, AS_OF)
        unknown += had
        differences += diffs
    assert differences[:10] == []
    assert unknown > 3_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lazy_json_is_the_json_of_the_parts(policy: Policy, lang: str) -> None:
    """``to_dict`` renders only what the JSON shows, straight from the record; rendering
    every part in full and taking each part's own JSON gives the same."""
    for raw, as_of in _known_cases()[:40] + [(c, AS_OF) for c in generate_edges(200, 5)]:
        try:
            case = read_case(policy, copy.deepcopy(raw))
            record = decide_case(policy, case, as_of)
        except PolicykitError:
            continue
        lazy = build_result(record, lang, "https://docs.example/")
        full = build_result(record, lang, "https://docs.example/")
        assert full.decisions and lazy.to_dict() == {**full.to_dict(), **full.parts_dict()}
