"""policykit.limits: every limit in one place, a work budget that cannot be outrun, bounded
reading, and the limits applied per evaluation (as a server applies them per request)."""

from __future__ import annotations

import copy
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.errors import InputError
from policykit.evaluator import evaluate
from policykit.limits import DEFAULT, MEANING, Budget, LimitError, Limits, note_need, read_bounded, read_stream
from policykit.policy.compiler import load_policy_text

from .conftest import POLICY_FILE, ROOT, cli

AS_OF = date(2026, 11, 27)


def test_every_limit_has_a_meaning_and_a_positive_default() -> None:
    for name, value, meaning in DEFAULT.table():
        assert meaning == MEANING[name] and len(meaning) > 10
        assert value > 0
    assert set(MEANING) == {name for name, _, _ in DEFAULT.table()}


def test_the_readme_lists_every_limit_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", readme, re.MULTILINE))
    for name, value, _ in DEFAULT.table():
        assert name in rows, f"README's limits table lacks {name}"
        shown = rows[name].strip().replace(" ", "").replace(",", "")
        assert shown.split("(")[0] in {str(value), f"{value:_}".replace("_", ""), _human(value)}, (name, shown)


def _human(value: Any) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if isinstance(value, int) and value % size == 0 and value >= size:
            return f"{value // size}{unit}"
    return str(value)


def test_limits_are_replaced_by_name_only() -> None:
    tight = DEFAULT.replace(operations=10)
    assert tight.operations == 10 and DEFAULT.operations != 10
    with pytest.raises(TypeError):
        DEFAULT.replace(no_such_limit=1)


INT_LIMITS = [name for name, kind in Limits.kinds().items() if kind is int]


@given(
    st.dictionaries(st.sampled_from(INT_LIMITS), st.integers(min_value=1, max_value=10**7), max_size=5),
    st.dictionaries(st.sampled_from(INT_LIMITS), st.integers(min_value=1, max_value=10**7), max_size=5),
)
def test_limits_allow_needs_exactly_when_each_is_within(needs: dict[str, int], changes: dict[str, int]) -> None:
    limits = DEFAULT.replace(**changes)
    assert limits.allows(needs) == all(amount <= getattr(limits, name) for name, amount in needs.items())


@pytest.mark.parametrize(
    "needs",
    [
        None,
        [],
        "value_depth",
        {"no_such_limit": 1},
        {"value_depth": "3"},
        {"value_depth": 3.0},
        {"replace": 1},
        {"value_depth": -1},  # no limit is below 0: a forged entry
        {"seconds": 1},  # a limit of time is not a need a compile records
        {"value_depth": True},
    ],
)
def test_limits_allow_nothing_but_needs_they_know(needs: Any) -> None:
    assert not DEFAULT.allows(needs) and not Limits(value_depth=10**9).allows(needs)


@given(st.lists(st.tuples(st.sampled_from(INT_LIMITS), st.integers(min_value=0, max_value=10**6)), max_size=30))
def test_needs_keep_the_most_of_each_limit(notes: list[tuple[str, int]]) -> None:
    needs: dict[str, int] = {}
    for name, amount in notes:
        note_need(needs, name, amount)
        note_need(None, name, amount)  # nothing to note in
    for name in INT_LIMITS:
        most = max((amount for n, amount in notes if n == name), default=0)
        assert needs.get(name, 0) == most


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=5000), st.lists(st.integers(min_value=0, max_value=700), max_size=40))
def test_a_budget_is_exceeded_exactly_when_the_work_is_over_it(total: int, charges: list[int]) -> None:
    budget = Budget(Limits(seconds=3600), operations=total)
    spent = 0
    for amount in charges:
        spent += amount
        if spent > total:
            with pytest.raises(LimitError, match=f"operations = {total}"):
                budget.charge(amount)
            return
        budget.charge(amount)
    assert budget.left == total - spent


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50))
def test_a_join_over_the_limit_is_refused_before_it_is_made(a: int, b: int) -> None:
    budget = Budget(Limits(list_items=40, string_chars=40))
    if a + b > 40:
        with pytest.raises(LimitError, match="list_items = 40"):
            budget.size_of_join([0] * a, [0] * b)
        with pytest.raises(LimitError, match="string_chars = 40"):
            budget.size_of_join("x" * a, "y" * b)
    else:
        budget.size_of_join([0] * a, [0] * b)
        budget.size("x" * (a + b))


def test_reading_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    asked: list[int] = []

    class Endless:
        def read(self, n: int) -> bytes:
            asked.append(n)
            return b"x" * n

    with pytest.raises(InputError, match="over the limit of 100 bytes") as caught:
        read_stream(Endless(), 100)
    assert asked == [101] and caught.value.diagnostics[0].code == "too-large"
    small = tmp_path / "small.json"
    small.write_bytes(b"{}")
    assert read_bounded(small, 2) == b"{}"
    with pytest.raises(InputError) as caught:
        read_bounded(small, 1)
    assert caught.value.diagnostics[0].code == "too-large"


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused_unread(special: str) -> None:
    if not os.path.exists(special):
        pytest.skip(f"{special} does not exist here")
    with pytest.raises(InputError) as caught:
        read_bounded(special, 10)
    assert caught.value.diagnostics[0].code == "not-a-file"


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text("{}", encoding="utf-8")
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "link.json").symlink_to(secret)
    with pytest.raises(InputError) as caught:
        read_bounded(folder / "link.json", 100, inside=folder)
    assert caught.value.diagnostics[0].code == "outside"


# -- per evaluation: the same policy, tighter limits -----------------------------------------


def _doubling_policy(steps: int) -> Any:
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    data["derived"].append(
        {
            "id": "h0",
            "title": {"zh": "h", "en": "h"},
            "type": "list",
            "rules": [{"compute": "history", "cites": ["ops.complaint"]}],
        }
    )
    for i in range(1, steps + 1):
        data["derived"].append(
            {
                "id": f"h{i}",
                "title": {"zh": "h", "en": "h"},
                "type": "list",
                "rules": [{"compute": f"h{i - 1} + h{i - 1}", "cites": ["ops.complaint"]}],
            }
        )
    data["warnings"].append(
        {
            "id": "hot",
            "when": f"len(distinct(h{steps})) > 0",
            "text": {"zh": "x", "en": "x"},
            "cites": ["ops.complaint"],
        }
    )
    policy, diags = load_policy_text(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "p.yaml")
    assert policy is not None, [d.format() for d in diags]
    return policy


@pytest.fixture(scope="module")
def doubling() -> Any:
    return _doubling_policy(3)  # 1 000 history entries -> 8 000: within the defaults


def _case(policy: Any, entries: int) -> Any:
    data = json.loads((ROOT / "examples" / "complaint.json").read_text(encoding="utf-8"))
    data["history"] = [{"date": "2026-03-01", "kind": "repair", "fault_code": "ir-cut"}] * entries
    return read_case(policy, copy.deepcopy(data))


@pytest.mark.parametrize(
    ("limits", "named"),
    [
        (DEFAULT.replace(list_items=5000), "list_items = 5000"),
        (DEFAULT.replace(operations=2000), "operations = 2000"),
        (DEFAULT.replace(seconds=0.0), "seconds = 0.0"),
    ],
)
def test_a_tighter_limit_applies_to_one_evaluation(doubling: Any, limits: Limits, named: str) -> None:
    case = _case(doubling, 1000)
    assert "x" in evaluate(doubling, case, AS_OF, "en").to_dict()["warnings"]  # decided within the defaults
    with pytest.raises(LimitError, match=re.escape(named)) as caught:
        evaluate(doubling, case, AS_OF, limits=limits)
    assert caught.value.diagnostics[0].code == "limit-exceeded"
    assert re.search(r", working out '[a-z0-9_.]+'$", caught.value.diagnostics[0].message)  # names the value
    evaluate(doubling, case, AS_OF)  # and the next evaluation has the defaults again


def test_validate_refuses_growth_past_the_limits() -> None:
    with pytest.raises(AssertionError, match="too-costly: 'h4' may grow to 16000 items"):
        _doubling_policy(4)


def test_limit_option_names_an_unknown_limit() -> None:
    code, out, err = cli("validate", str(POLICY_FILE), "--limit", "operation=5")
    assert code == 2 and out == ""
    assert "unknown-limit: no limit 'operation'; did you mean 'operations'?" in err
    code, _, err = cli("validate", str(POLICY_FILE), "--limit", "operations=lots")
    assert code == 2 and "bad-limit" in err


def test_limit_option_tightens_validate() -> None:
    code, _, err = cli("validate", str(POLICY_FILE), "--limit", "operations=1000")
    assert code == 2
    assert re.search(r"too-costly: one case may need \d+ units of work: over the limit operations = 1000", err)


def test_a_text_pays_for_every_time_it_shows_a_value() -> None:
    """Found by the long fuzz: a text showing one 100 000-character parameter 36 times was
    charged once (its names are listed once), and wrote 3.6 MB under a 50 000-unit budget."""
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    data["parameters"]["big"] = {"value": "y" * 100_000, "unit": "text", "cites": ["ops.complaint"]}
    text = "{params.big}" * 36
    data["warnings"].append({"id": "big", "when": "True", "text": {"zh": text, "en": "x"}, "cites": ["ops.complaint"]})
    policy, diags = load_policy_text(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "p.yaml")
    assert policy is not None, [d.format() for d in diags]
    case = _case(policy, 0)
    with pytest.raises(LimitError, match="operations = 50000"):
        evaluate(policy, case, AS_OF, "zh", limits=DEFAULT.replace(operations=50_000))
    assert (
        len(json.dumps(evaluate(policy, case, AS_OF, "zh").to_dict(), ensure_ascii=False)) > 3_600_000
    )  # the defaults allow it (in zh: the dump sorted the title's languages, en first)


def test_a_compile_over_its_work_is_placed_at_the_expression() -> None:
    """file:line:col like every problem of a policy: the expression whose compile went over
    ``operations``, with its path (it was the file alone)."""
    from policykit.errors import PolicyError
    from policykit.policy.compiler import load_policy

    from .conftest import POLICY_FILE

    with pytest.raises(PolicyError) as info:
        load_policy(POLICY_FILE, limits=DEFAULT.replace(operations=1))
    [problem] = info.value.diagnostics
    assert problem.code == "limit-exceeded" and problem.line > 1 and problem.col > 0 and problem.path
    assert str(POLICY_FILE) == problem.file
