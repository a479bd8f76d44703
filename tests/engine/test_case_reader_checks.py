"""The case checks on the generated road: a check whose fast form reads the facts alone is
run on the facts themselves (where every name it reads is a known fact), and says what
running it on a check's environment says, for every value those facts may hold."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.engine.case_reader import checks as checks_module
from policykit.engine.case_reader.checks import case_checks, on_facts
from policykit.lang.expr import exact_forms_only
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

_ABSENT = object()
_VALUE = st.one_of(
    st.just(_ABSENT),
    st.none(),
    st.dates(date(2025, 12, 25), date(2026, 1, 5)),
    st.sampled_from(
        [
            Unknown(frozenset({"x"})),
            Unknown(frozenset({"x"}), frozenset({date(2025, 12, 28), date(2026, 1, 2)})),  # one of a few days
            Unknown(frozenset({"x"}), frozenset({date(2026, 1, 2)})),
            "2026-01-01",
            3,
            2.5,
            True,
            [date(2026, 1, 1)],
        ]
    ),
)


def _names(policy: Policy) -> list[str]:
    return sorted({name for check in policy.case_checks for name in check.require.names})


def test_the_bundled_checks_run_on_the_facts(policy: Policy) -> None:
    """Both checks of the bundled standard read two dates of the case, nothing else."""
    assert policy.case_checks
    assert all(on_facts(check.require) == tuple(sorted(check.require.names)) for check in policy.case_checks)


@pytest.mark.parametrize(
    ("source", "direct"),
    [
        ("lambda _e, _k: _k['a'] >= _k['b']", True),
        ("lambda _e, _k: _F_add_days(_e, _k['a'], 1) >= _k['b']", False),  # a function: the environment's
        ("lambda _e, _k: _e.get('a') is None", False),
        ("lambda _e, _k: 'a' in _e.given", False),
        ("lambda _e, _k: _k['as_of'] >= _k['b']", False),  # the evaluation day: a check sees none
        (None, False),
    ],
)
def test_a_check_runs_on_the_facts_only_where_it_reads_them_alone(source: str | None, direct: bool) -> None:
    class Check:
        fast_source = source
        fast = object() if source else None
        names = frozenset({"a", "b", "as_of"} if source and "as_of" in source else {"a", "b"})

    assert (on_facts(Check()) is not None) == direct  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), kind=st.sampled_from(["fault", "return", "other", None]))
def test_on_the_facts_or_on_an_environment_a_check_says_the_same(
    policy: Policy, monkeypatch: pytest.MonkeyPatch, data: Any, kind: str | None
) -> None:
    facts = {}
    for name in _names(policy):
        value = data.draw(_VALUE, label=name)
        if value is not _ABSENT:
            facts[name] = value
    given_names = frozenset(facts)
    direct = case_checks(policy)
    assert direct is not None
    with monkeypatch.context() as patched:
        patched.setattr(checks_module, "on_facts", lambda require: None)
        long_way = case_checks(policy)
    assert long_way is not None
    assert _outcome(direct, facts, given_names, kind) == _outcome(long_way, facts, given_names, kind)
    was = exact_forms_only(True)  # with the fast forms off, the exact forms decide on both roads
    try:
        assert _outcome(direct, facts, given_names, kind) == _outcome(long_way, facts, given_names, kind)
    finally:
        exact_forms_only(was)


def _outcome(run: Any, facts: dict[str, Any], given_names: frozenset[str], kind: str | None) -> tuple[Any, ...]:
    """What running the checks gives: whether they hold, or the error (a value of the wrong kind)."""
    try:
        return ("holds", run(dict(facts), given_names, kind))
    except Exception as exc:  # (compared, not hidden)
        return ("raised", type(exc).__name__, str(exc))


@pytest.mark.parametrize("generated", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_check_that_cannot_be_worked_out_is_an_evaluation_error_at_its_field(
    tmp_path: Any, generated: bool, lang: str
) -> None:
    """A policy's case check that raises on a case (a day compared with a text fact: only
    a literal is judged by its kind when compiled) is the policy's fault, but no internal
    error: the case is refused (exit 2) with an ``evaluation`` problem at the check's
    field, by either reader, in the run's language."""
    import json

    from policykit.engine.case import read_case
    from policykit.errors import CaseError
    from policykit.policy.compiler import load_policy

    from ..conftest import ROOT, edited_policy

    check = "  - field: sale.ship_date\n    require: sale.ship_date < fault.code\n    message: {zh: d, en: d}\n"
    policy, _ = load_policy(edited_policy(tmp_path, ("case_checks:\n", "case_checks:\n" + check)))
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    with pytest.raises(CaseError) as info:
        read_case(policy, case, "case.json", None, lang, generated=generated)
    [problem] = info.value.diagnostics
    assert (problem.code, problem.path) == ("evaluation", "sale.ship_date")
    assert "'<' not supported" in problem.message
    assert ("policy needs correcting" in problem.message) == (lang == "en")


def test_a_comparison_of_two_names_is_known_to_hold_where_one_is_unknown(policy: Policy) -> None:
    """Such a check (the standard's are all of this form) is not worked out on an environment
    where a name it reads is unknown with no values known: it is unknown, so it holds."""
    from policykit.lang.closures import unknown_if_a_name_is

    assert all(unknown_if_a_name_is(check.require.checked_form()) for check in policy.case_checks)
    assert not unknown_if_a_name_is(("compare", ("In",), (("name", ("a",)), ("name", ("b",)))))
    assert not unknown_if_a_name_is(("compare", ("GtE",), (("name", ("a",)), ("const", 1))))
    assert not unknown_if_a_name_is(("and", (("name", ("a",)), ("name", ("b",)))))
    made: list[object] = []
    real = checks_module.CheckEnv

    def counting(*args: Any) -> Any:
        made.append(args)
        return real(*args)

    run = case_checks(policy)
    assert run is not None
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(checks_module, "CheckEnv", counting)
        facts = {name: Unknown(frozenset({name})) for name in _names(policy)}
        assert run(facts, frozenset(), "fault") is True and made == []
