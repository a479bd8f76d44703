"""Places in a policy named by id (:func:`policykit.policy.document.address`): what every
policy diagnostic prints after "at", and what an amendment addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.errors import PolicykitError
from policykit.policy.amend import _step, parse_address
from policykit.policy.compiler import load_policy, load_policy_text
from policykit.policy.document import address
from policykit.policy.yamlload import iter_paths

from ..conftest import POLICY_FILE, cli, edited_text

DATA = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
PATHS = [path for path, _ in iter_paths(DATA) if path]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("decisions", "service.type", "rules", 2, "when"), "decisions[service.type].rules[2].when"),
        (("parameters", "replacement_ship_working_days", "value"), "parameters.replacement_ship_working_days.value"),
        (("facts", "fault.works_normally", "default"), "facts[fault.works_normally].default"),
        (("clauses", "repair-time.1", "zh"), "clauses[repair-time.1].zh"),
        (("actions", "claim-from-carrier", "due"), "actions[claim-from-carrier].due"),
        (("interpretations", "INT-9", "text", "en"), "interpretations.INT-9.text.en"),
        (("case_checks", 0, "require"), "case_checks[0].require"),  # no id: by position
        (("metadata", "version"), "metadata.version"),
        ((), ""),
    ],
)
def test_a_place_is_named_by_the_ids_on_its_way(path: tuple[Any, ...], expected: str) -> None:
    # the path's ids are turned into the positions the data has, then named again
    concrete: list[Any] = []
    node: Any = DATA
    for part in path:
        if isinstance(node, list) and isinstance(part, str):
            part = next(i for i, item in enumerate(node) if item.get("id") == part)
        concrete.append(part)
        node = node[part]
    assert address(DATA, tuple(concrete)) == expected


def test_items_without_a_unique_id_are_named_by_position() -> None:
    data = {
        "clauses": [{"id": "a"}, {"id": "b"}, {"id": "a"}, {"id": "7"}, {"zh": "x"}],
        "calendar": {"extra_holidays": ["2026-03-18", {"every": "03-18"}, {"date": "2026-10-09"}]},
    }
    assert address(data, ("clauses", 0, "zh")) == "clauses[0].zh"  # an id given twice
    assert address(data, ("clauses", 1)) == "clauses[b]"
    assert address(data, ("clauses", 3)) == "clauses[3]"  # a number would read as a position
    assert address(data, ("clauses", 4)) == "clauses[4]"
    assert address(data, ("calendar", "extra_holidays", 0)) == "calendar.extra_holidays[0]"
    assert address(data, ("calendar", "extra_holidays", 1, "name")) == "calendar.extra_holidays[03-18].name"
    assert address(data, ("calendar", "extra_holidays", 2)) == "calendar.extra_holidays[2026-10-09]"
    assert address(data, ("nowhere", 3, "x y")) == "nowhere[3][x y]"  # past the data: still a name


def _resolve(data: Any, text: str) -> Any:
    node = data
    for key in parse_address(text):
        node, _ = _step(node, key, ())
    return node


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATHS))
def test_every_address_finds_its_place_again_as_an_amendment_does(path: tuple[Any, ...]) -> None:
    node: Any = DATA
    for part in path:
        node = node[part]
    assert _resolve(DATA, address(DATA, path)) is node


def _errors(text: str) -> list[str]:
    policy, diags = load_policy_text(text.encode("utf-8"), "p.yaml")
    assert policy is None
    return [d.format() for d in diags if d.severity == "error"]


@pytest.mark.parametrize(
    ("edit", "located"),
    [
        # schema stage
        (
            ('        because: {zh: "质保期内加电不能', '        becuase: {zh: "质保期内加电不能'),
            "(at decisions[service.type].rules[3].becuase)",
        ),
        # references stage
        (
            (
                "working_days\n    cites: [repair-time.1, ops.exchange.procedure.4]",
                "working_days\n    cites: [repair-time.9]",
            ),
            "(at parameters.replacement_ship_working_days.cites[0])",
        ),
        # expressions stage
        (
            ("        when: fault.misuse\n", "        when: fault.misuse and\n"),
            "(at decisions[warranty.exclusions].collect[0].when)",
        ),
    ],
)
def test_each_stage_locates_by_id_beside_line_and_column(edit: tuple[str, str], located: str) -> None:
    errors = _errors(edited_text(edit))
    assert any(located in e for e in errors), errors
    assert all(e.startswith("p.yaml:") and ": " in e and "(at $" not in e for e in errors)


def test_amendment_errors_name_the_change(tmp_path: Path) -> None:
    (tmp_path / POLICY_FILE.name).write_text(POLICY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "amended.yaml"
    path.write_text(
        "policykit: 1\namends: 1.0.0\nmetadata: {version: 1.1.0, supersedes: 1.0.0}\nchanges:\n"
        "  - replace: decisions[service.type].rules[0].when\n    with: fault.misuse ==\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicykitError) as info:
        load_policy(path)
    assert any("(at decisions[service.type].rules[0].when)" in d.format() for d in info.value.diagnostics)
    path.write_text(
        "policykit: 1\namends: 1.0.0\nmetadata: {version: 1.1.0, supersedes: 1.0.0}\nchanges:\n"
        "  - replace: clauses[nope].zh\n    with: x\n",
        encoding="utf-8",
    )
    code, out, err = cli("validate", str(path))
    assert code == 2 and out == ""
    assert "amend-unknown" in err and "(at changes[0].replace)" in err


def test_check_findings_are_located_by_id(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        edited_text(
            (
                "    value: 1\n    unit: working_days\n    cites: [repair-time.1",
                "    value: 2\n    unit: working_days\n    cites: [repair-time.1",
            )
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("check", str(policy))
    assert code == 1
    assert "stale-number: clause 'repair-time.1'" in out and "(at clauses[repair-time.1])" in out
    assert "(at parameters.replacement_ship_working_days)" in out
