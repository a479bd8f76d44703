"""The contract in YAML: the policy's ``contract:`` section is checked, generates the case
format the engine uses, and each edit of it is classified additive or breaking (a breaking
one needs a new major version) by ``validate`` and ``diff``."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policykit.policy.compiler import load_policy, load_policy_text
from policykit.policy.contract_ext import case_schema_of, contract_changes

from ..conftest import POLICY_FILE, cli

TEXT = POLICY_FILE.read_text(encoding="utf-8")
BASE = yaml.safe_load(TEXT)
FIELDS = BASE["contract"]["case"]["fields"]

LIGHTNING = [
    # the fact, the case field it is read from, and a value of the list decision it adds
    (
        "\n  fault.misuse:\n",
        "\n  fault.lightning:\n    type: bool\n    title: {zh: 雷击损坏, en: lightning damage}\n"
        "    default: false\n    default_reason: {zh: 未查实雷击损坏, en: Lightning damage not established}\n"
        "  fault.misuse:\n",
    ),
    ("\n      received_on: {type: date", "\n      fault.lightning: {type: bool}\n      received_on: {type: date"),
    (
        "warranty.exclusions: {type: list, values: [misuse, third_party_repair, unproven_origin]}",
        "warranty.exclusions: {type: list, values: [misuse, third_party_repair, unproven_origin, lightning]}",
    ),
    (
        "    values: [misuse, third_party_repair, unproven_origin]\n",
        "    values: [misuse, third_party_repair, unproven_origin, lightning]\n",
    ),
    (
        '      unproven_origin: {zh: "不能证明为本公司产品", en: origin not proven}\n',
        '      unproven_origin: {zh: "不能证明为本公司产品", en: origin not proven}\n'
        "      lightning: {zh: 雷击损坏, en: lightning damage}\n",
    ),
    (
        '    otherwise:\n      cites: [warranty.2]\n      because: {zh: "未查实保修除外情形"',
        "      - value: lightning\n        when: fault.lightning\n        cites: [warranty.2]\n"
        "        because: {zh: 雷击损坏, en: Damaged by lightning}\n"
        '    otherwise:\n      cites: [warranty.2]\n      because: {zh: "未查实保修除外情形"',
    ),
]
# customer.contact: a case field that only the summary reads
NO_CONTACT = [
    ("      - customer.contact\n", ""),
    (
        '  customer.contact:\n    type: string\n    personal: true\n    title: {zh: "联系人", en: "contact person"}\n'
        '    intended: {unused-fact: "kept in the customer file (ops.records.content); no decision depends on it"}\n'
        '    question: {zh: "联系人是谁？", en: "Who is the contact person?"}\n',
        "",
    ),
    ('      customer.contact: {type: string, max_length: 500, description: "contact person"}\n', ""),
]


def _scratch(tmp_path: Path, edits: list[tuple[str, str]], version: str) -> Path:
    """A policy set of v1.0 and a full copy of it as ``version`` with ``edits`` made in YAML."""
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(POLICY_FILE, folder / POLICY_FILE.name)
    text = TEXT.replace("  version: 1.0.0\n", f"  version: {version}\n", 1)
    text = text.replace("  supersedes: null\n", "  supersedes: 1.0.0\n", 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "next.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_new_optional_fact_and_value_validate_and_decide_with_yaml_edits_only(tmp_path: Path) -> None:
    folder = _scratch(tmp_path, LIGHTNING, "1.1.0")
    code, out, err = cli("validate", str(folder))
    assert code == 0, err
    assert "a set of 2 versions" in out
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "request": {"type": "fault", "date": "2026-05-20"},
                "sale": {"ship_date": "2025-06-01", "shipping_method": "express"},
                "fault": {"lightning": True},
            }
        ),
        encoding="utf-8",
    )
    code, out, err = cli("evaluate", str(case), "--policy", str(folder / "next.yaml"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["decisions"]["warranty.exclusions"]["value"] == ["lightning"]
    # v1.0 does not know the field: a warning, not a decision
    code, out, err = cli("evaluate", str(case), "--policy", str(folder / POLICY_FILE.name), "--format", "json")
    assert code == 0, err
    assert any("fault.lightning" in w for w in json.loads(out)["warnings"])
    assert json.loads(out)["decisions"]["warranty.exclusions"]["value"] == []
    code, out, err = cli("diff", str(folder / POLICY_FILE.name), str(folder / "next.yaml"), "--format", "json")
    contract = [(c["key"], c["kind"]) for c in json.loads(out)["changes"] if c["section"] == "contract"]
    assert contract == [("case.fault.lightning", "additive"), ("fault.warranty.exclusions", "additive")]
    code, out, _ = cli("schema", "case", "--policy", str(folder / "next.yaml"))
    assert code == 0
    assert json.loads(out)["properties"]["fault"]["properties"]["lightning"] == {"type": ["boolean", "null"]}


def test_removing_a_field_without_a_major_version_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = _scratch(tmp_path, NO_CONTACT, "1.1.0")
    load_policy(folder / "next.yaml")  # the version itself is sound: only its history forbids it
    for target in (folder, folder / "next.yaml"):  # the set, and the file that supersedes 1.0.0
        code, out, err = cli("validate", str(target))
        assert code == 2, out + err
        line = next(line for line in err.splitlines() if "contract-breaking" in line)
        assert "case.customer.contact: case field removed since 1.0.0" in line
        assert "a new major version (2.0.0)" in line
        text = (folder / "next.yaml").read_text(encoding="utf-8")
        assert line.startswith(
            f"{folder / 'next.yaml'}:{text[: text.index(chr(10) + 'contract:')].count(chr(10)) + 2}: "
        )


def test_with_a_major_version_it_validates_and_diff_reports_it_breaking_first(tmp_path: Path) -> None:
    folder = _scratch(tmp_path, NO_CONTACT, "2.0.0")
    code, out, err = cli("validate", str(folder))
    assert code == 0, err
    code, out, err = cli("diff", str(folder / POLICY_FILE.name), str(folder / "next.yaml"), "--format", "json")
    assert code == 0, err
    changes = [(c["section"], c["key"], c["kind"]) for c in json.loads(out)["changes"]]
    assert changes[0] == ("contract", "case.customer.contact", "breaking")
    text = cli("diff", str(folder / POLICY_FILE.name), str(folder / "next.yaml"))[1]
    assert text.split("\n\n")[1].startswith("CONTRACT (1: 1 breaking, 0 additive)")  # first after the header
    assert "case.customer.contact" in text.split("\n\n")[1].split("\n")[1]


def test_an_amendment_may_add_a_field_to_the_contract_by_address(tmp_path: Path) -> None:
    shutil.copy(POLICY_FILE, tmp_path / POLICY_FILE.name)
    path = tmp_path / "amended.yaml"
    path.write_text(
        "policykit: 1\namends: 1.0.0\nmetadata: {version: 1.1.0, supersedes: 1.0.0}\nchanges:\n"
        "  - add: facts[fault.lightning]\n    with: {type: bool, title: {zh: 雷击, en: lightning}}\n"
        "  - add: contract.case.fields[fault.lightning]\n    with: {type: bool, description: damaged by lightning}\n",
        encoding="utf-8",
    )
    policy, _ = load_policy(path)
    field = policy.case_schema["properties"]["fault"]["properties"]["lightning"]
    assert field == {"type": ["boolean", "null"], "description": "damaged by lightning"}
    code, _, err = cli("validate", str(path))
    assert code == 0, err


def test_a_policy_without_a_contract_is_an_error_not_a_fallback() -> None:
    data = {k: v for k, v in BASE.items() if k != "contract"}
    policy, diags = load_policy_text(yaml.safe_dump(data, allow_unicode=True).encode(), "p.yaml")
    assert policy is None
    assert any("'contract' is a required property" in d.message for d in diags)


BAD_SECTIONS: list[tuple[str, Any, str, str]] = [
    ("fields/weather.lightning", {"type": "bool"}, "contract.case.fields[weather.lightning]", "not declared before it"),
    ("fields/fault.misuse", {"type": "bolean"}, "contract.case.fields[fault.misuse].type", "did you mean 'bool'"),
    ("fields/complaint.topic", {"type": "enum"}, "contract.case.fields[complaint.topic].type", "an enum needs"),
    ("fields/fault.misuse", {"type": "bool", "values": ["x"]}, "[fault.misuse].values", "values are for an enum"),
    ("types/date", {"type": "string", "pattern": "^[0-9"}, "contract.case.types.date.pattern", "not a regular"),
    # the patterns are RE2's: what it cannot match in linear time is refused, in its words
    ("fields/customer.name", {"type": "string", "pattern": "^(?=a)"}, "[customer.name].pattern", "RE2 can read"),
    ("fields/customer.name", {"type": "string", "pattern": "^(a)\\1$"}, "[customer.name].pattern", "escape sequence"),
    ("fields/customer.name", {"type": "string", "pattern": "^(?>a+)$"}, "[customer.name].pattern", "no lookaround"),
    ("fields/customer.name", {"type": "string", "pattern": "^a++$"}, "[customer.name].pattern", "operator: ++"),
    ("fields/sale.return_days", {"type": "int", "minimum": 9, "maximum": 1}, "[sale.return_days].minimum", "is above"),
    ("types/method", {"type": "list"}, "contract.case.types.method.type", "a named type is one of"),
]


@pytest.mark.parametrize(("where", "spec", "path", "message"), BAD_SECTIONS)
def test_a_malformed_contract_is_refused_naming_the_field(where: str, spec: Any, path: str, message: str) -> None:
    data = copy.deepcopy(BASE)
    part, name = where.split("/")
    data["contract"]["case"][part][name] = spec
    policy, diags = load_policy_text(yaml.safe_dump(data, allow_unicode=True).encode(), "p.yaml")
    assert policy is None
    assert any(d.code == "contract" and path in (d.path or "") and message in d.message for d in diags), [
        d.format() for d in diags
    ]


# -- the classification of a change, for every field ---------------------------------------


def _changed(edit: Any) -> set[tuple[str, str]]:
    new = copy.deepcopy(BASE)
    edit(new["contract"]["case"]["fields"])
    return {
        (kind, subject) for kind, subject, _ in contract_changes(BASE, case_schema_of(BASE), new, case_schema_of(new))
    }


LEAVES = sorted(name for name, spec in FIELDS.items() if spec["type"] != "object")


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(LEAVES))
def test_removing_any_field_is_breaking_and_names_it(name: str) -> None:
    assert ("breaking", f"case.{name}") in _changed(lambda fields: fields.pop(name))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(LEAVES), st.sampled_from(["string", "bool", "int", "number", "date"]))
def test_retyping_any_field_is_breaking(name: str, kind: str) -> None:
    assume(kind != FIELDS[name]["type"])
    edit = lambda fields: fields.__setitem__(name, {"type": kind})  # noqa: E731
    assert ("breaking", f"case.{name}") in _changed(edit)


@settings(max_examples=25, deadline=None)
@given(st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), st.booleans())
def test_a_new_field_is_additive_unless_required(leaf: str, required: bool) -> None:
    name = f"fault.x_{leaf}"
    edit = lambda fields: fields.__setitem__(name, {"type": "bool", "required": required})  # noqa: E731
    assert _changed(edit) == {("breaking" if required else "additive", f"case.{name}")}


@pytest.mark.parametrize(
    ("name", "change", "kind"),
    [
        ("sale.return_days", {"maximum": 3650}, "breaking"),
        ("sale.return_days", {"maximum": 100000}, "additive"),
        ("sale.warranty_months", {"minimum": 6}, "breaking"),
        ("sale.warranty_months", {"minimum": 0}, "additive"),
        ("customer.name", {"max_length": 50}, "breaking"),
        ("fault.misuse", {"required": True}, "breaking"),
        ("complaint.topic", {"values": ["product_quality", "installation"]}, "breaking"),
        ("complaint.topic", {"values": ["product_quality", "installation", "service_quality", "pricing"]}, "additive"),
    ],
)
def test_bounds_and_values_that_refuse_todays_cases_are_breaking(name: str, change: dict[str, Any], kind: str) -> None:
    assert _changed(lambda fields: fields[name].update(change)) == {(kind, f"case.{name}")}


def test_a_named_type_change_is_seen_in_every_field_of_that_type() -> None:
    new = copy.deepcopy(BASE)
    new["contract"]["case"]["types"]["method"]["values"] = ["express"]
    found = {s for k, s, _ in contract_changes(BASE, case_schema_of(BASE), new, case_schema_of(new)) if k == "breaking"}
    assert found == {
        "case.sale.shipping_method",
        "case.shipment.customer_requested_method",
        "case.shipment.options[].method",
    }


def test_an_unchanged_contract_has_no_changes() -> None:
    assert contract_changes(BASE, case_schema_of(BASE), copy.deepcopy(BASE), case_schema_of(BASE)) == []


def test_the_case_reader_refuses_what_the_generated_schema_refuses(tmp_path: Path) -> None:
    folder = _scratch(
        tmp_path,
        [('max_length: 500, description: "customer name"', 'max_length: 3, description: "customer name"')],
        "2.0.0",
    )
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"request": {"type": "fault", "date": "2026-05-20"}, "customer": {"name": "abcd"}}))
    code, out, err = cli("evaluate", str(case), "--policy", str(folder / "next.yaml"))
    assert code == 2 and out == ""
    assert "customer.name" in err


def test_working_out_the_contract_leaves_the_policy_s_data_as_it_was() -> None:
    """The contract is worked out on a deep copy: the extension's additions never reach
    the policy's own data, however often it is worked out."""
    policy, _ = load_policy(POLICY_FILE)
    data = copy.deepcopy(policy.raw)
    fields = data["contract"]["case"]["fields"]
    added = next(name for name in data["facts"] if name in fields and not data["facts"][name].get("required"))
    del fields[added]
    data["contract_extension"] = {"facts": [added]}  # the field comes back by the extension
    before = copy.deepcopy(data)
    first = case_schema_of(data)
    assert case_schema_of(data) == first
    assert data == before
