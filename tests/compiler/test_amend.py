"""Amendments: ``amends: VERSION`` plus changes addressed by id, resolved to a full policy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.errors import PolicykitError
from policykit.policy.amend import parse_address
from policykit.policy.compiler import amends_a_version, load_policy

from ..conftest import POLICY_FILE, cli

BASE = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


def _write(folder: Path, changes: str, name: str = "amended.yaml", head: str = "") -> Path:
    if not (folder / POLICY_FILE.name).exists():
        shutil.copy(POLICY_FILE, folder / POLICY_FILE.name)
    path = folder / name
    meta = head or "metadata: {version: 1.1.0, supersedes: 1.0.0}\n"
    path.write_text(f"policykit: 1\namends: 1.0.0\n{meta}changes:\n{changes}", encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(PolicykitError) as info:
        load_policy(path)
    return [d.format() for d in info.value.diagnostics]


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("parameters.replacement_ship_working_days.value", ["parameters", "replacement_ship_working_days", "value"]),
        ("decisions[service.type].rules[2].when", ["decisions", "service.type", "rules", "2", "when"]),
        ("facts[fault.lightning]", ["facts", "fault.lightning"]),
        ("clauses[repair-time.1].zh", ["clauses", "repair-time.1", "zh"]),
    ],
)
def test_addresses(address: str, parts: list[str]) -> None:
    assert parse_address(address) == parts


@pytest.mark.parametrize("address", ["", ".clauses", "clauses..zh", "clauses[x", "clauses zh"])
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValueError, match="address"):
        parse_address(address)


def test_an_unknown_id_names_the_change_and_suggests(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - replace: clauses[repair-time.3].zh\n    with: x\n")
    [error] = _errors(path)
    assert error.startswith(f"{path}:5:")
    assert "amend-unknown: no item 'repair-time.3' here; did you mean 'repair-time.2'?" in error
    assert "(at changes[0].replace)" in error


def test_a_change_without_a_value_or_with_two_operations_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - replace: parameters.quote_working_days.value\n  - add: clauses\n    remove: clauses\n")
    errors = _errors(path)
    assert any("'replace' needs a 'with:' value" in e for e in errors)
    assert any("each change is one of add, replace or remove" in e for e in errors)


def test_a_position_past_the_end_says_how_many_there_are(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - replace: decisions[warranty.status].rules[7].value\n    with: in_warranty\n")
    [error] = _errors(path)
    assert "amend-unknown: no item '7' here: the list has 2 items, from 0 to 1" in error


def test_a_misspelt_operation_is_answered_with_the_one_meant(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - repalce: parameters.quote_working_days.value\n    with: 3\n")
    [error] = _errors(path)
    assert "each change is one of add, replace or remove (with its address); did you mean 'replace'?" in error


@pytest.mark.parametrize("head", ["", "metadata: {version: 1.0.0}\n"])
def test_an_amendment_without_a_version_of_its_own_is_refused(tmp_path: Path, head: str) -> None:
    """With no metadata.version (or its base's), it would be its base again under the same
    number: refused where it says so, rather than as a duplicate in its folder."""
    path = tmp_path / "same.yaml"
    shutil.copy(POLICY_FILE, tmp_path / POLICY_FILE.name)
    path.write_text(f"policykit: 1\namends: 1.0.0\n{head}", encoding="utf-8")
    [error] = _errors(path)
    assert "amend-version: an amendment gives its own metadata.version (its base is 1.0.0)" in error
    assert error.startswith(f"{path}:{3 if head else 2}:")


def test_a_version_set_by_a_change_is_the_amendments_own(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - replace: metadata.version\n    with: 1.0.5\n", head="\n")
    assert load_policy(path)[0].version == "1.0.5"
    back = _write(tmp_path, "  - replace: metadata.version\n    with: 1.0.0\n", name="back.yaml")
    assert any("amend-version" in e for e in _errors(back))  # its own 1.1.0 changed back to its base's


def test_a_missing_base_version_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "  []\n")
    path.write_text(path.read_text(encoding="utf-8").replace("amends: 1.0.0", "amends: 0.9.0"), encoding="utf-8")
    [error] = _errors(path)
    assert "amend-base: no version 0.9.0" in error and ":2:" in error
    assert "(its versions: 1.0.0) (at amends)" in error, error  # the versions there are, named


def test_a_misspelt_base_version_is_answered_with_the_closest(tmp_path: Path) -> None:
    path = _write(tmp_path, "  []\n")
    path.write_text(path.read_text(encoding="utf-8").replace("amends: 1.0.0", "amends: 1.0.1"), encoding="utf-8")
    [error] = _errors(path)
    assert "(its versions: 1.0.0; did you mean '1.0.0'?)" in error, error


def test_a_base_version_cut_short_is_answered_with_the_version_it_begins(tmp_path: Path) -> None:
    """``amends: 1.0`` (YAML reads a number) with 1.0.0 and 1.5.0 in the folder suggested
    1.5.0, spelled as close as 1.0.0."""
    path = _write(tmp_path, "  []\n")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("amends: 1.0.0", "amends: 1.0"), encoding="utf-8")
    other = tmp_path / "v1_5.yaml"
    other.write_text(text.replace("version: 1.1.0", "version: 1.5.0"), encoding="utf-8")
    errors = _errors(path)
    assert any("did you mean '1.0.0'?" in e for e in errors), errors


def test_an_error_in_what_the_amendment_wrote_points_into_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  - add: parameters.new_days\n    with: {value: 3, unit: days, cites: [no-such.clause]}\n",
    )
    errors = _errors(path)
    assert any(e.startswith(f"{path}:6:") and "no-such.clause" in e for e in errors), errors


def test_a_misspelt_name_the_amendment_wrote_is_placed_at_the_name(tmp_path: Path) -> None:
    """In an amendment as in a whole policy: the column of the name inside the expression
    the amendment wrote (in a block and in a flow mapping, plain and quoted)."""
    path = _write(
        tmp_path,
        "  - replace: decisions[warranty.status].rules[0].when\n    with: request.date <= warranty.end_dat\n",
    )
    text = path.read_text(encoding="utf-8").splitlines()
    errors = _errors(path)
    col = text[5].index("warranty.end_dat") + 1
    assert any(e.startswith(f"{path}:6:{col}: unknown-name: unknown name 'warranty.end_dat'") for e in errors), errors
    path = _write(
        tmp_path, '  - {replace: "decisions[warranty.status].rules[0].when", with: "add_days(request.dat, 1)"}\n'
    )
    text = path.read_text(encoding="utf-8").splitlines()
    col = text[4].index("request.dat,") + 1
    errors = _errors(path)
    assert any(e.startswith(f"{path}:5:{col}: unknown-name: unknown name 'request.dat'") for e in errors), errors


def test_removing_a_cited_clause_is_caught_like_in_a_full_copy(tmp_path: Path) -> None:
    errors = _errors(_write(tmp_path, "  - remove: clauses[repair-time.1]\n"))
    assert any("repair-time.1" in e and "unknown" in e.lower() for e in errors), errors


def test_an_amendment_of_an_amendment_resolves_the_whole_chain(tmp_path: Path) -> None:
    _write(tmp_path, "  - replace: parameters.repair_ship_days.value\n    with: 5\n", name="v1_1.yaml")
    second = tmp_path / "v1_2.yaml"
    second.write_text(
        "policykit: 1\namends: 1.1.0\nmetadata: {version: 1.2.0, supersedes: 1.1.0}\nchanges:\n"
        "  - replace: parameters.quote_working_days.value\n    with: 2\n",
        encoding="utf-8",
    )
    policy, _ = load_policy(second)
    assert policy.parameters["repair_ship_days"].value == 5
    assert policy.parameters["quote_working_days"].value == 2
    assert [Path(p).name for p in policy.memo["amendment_chain"]] == ["v1_2.yaml", "v1_1.yaml", POLICY_FILE.name]
    first, _ = load_policy(tmp_path / "v1_1.yaml")
    assert policy.sha256 != first.sha256


def test_a_loop_of_amendments_is_an_error(tmp_path: Path) -> None:
    for name, version, base in (("a.yaml", "1.1.0", "1.2.0"), ("b.yaml", "1.2.0", "1.1.0")):
        (tmp_path / name).write_text(
            f"policykit: 1\namends: {base}\nmetadata: {{version: {version}}}\nchanges: []\n", encoding="utf-8"
        )
    errors = _errors(tmp_path / "a.yaml")
    assert any("amend-chain" in e for e in errors), errors


def test_dropping_the_contract_in_an_amendment_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "  - remove: contract\n")
    code, out, err = cli("validate", str(path))
    assert code == 2 and out == ""
    assert "'contract' is a required property" in err


def test_a_new_fact_needs_the_contract_extended(tmp_path: Path) -> None:
    fact = "  - add: facts[fault.lightning]\n    with: {type: bool, title: {zh: 雷击, en: lightning}}\n"
    errors = _errors(_write(tmp_path, fact))
    assert any("not a field of the case format (a new fact: add it to contract.case.fields" in e for e in errors)
    extended = fact + "  - add: contract_extension\n    with: {facts: [fault.lightning]}\n"
    policy, _ = load_policy(_write(tmp_path, extended, name="extended.yaml"))
    assert "lightning" in policy.case_schema["properties"]["fault"]["properties"]


def test_the_extension_must_name_what_the_policy_defines_and_the_contract_lacks(tmp_path: Path) -> None:
    ext = "  - add: contract_extension\n    with: {facts: [fault.misuse, fault.lightnin], values: {no.such: [x]}}\n"
    errors = _errors(_write(tmp_path, ext))
    assert any("'fault.misuse' is a field of the case format already" in e for e in errors)
    assert any("'fault.lightnin' is not a fact of the policy" in e for e in errors)
    assert any("'no.such' is not a decision of the contract" in e for e in errors)


def test_removing_a_contract_value_in_the_same_major_version_is_breaking(tmp_path: Path) -> None:
    changes = "  - remove: facts[fault.misuse]\n"
    path = _write(tmp_path, changes)
    code, _, err = cli("validate", str(path))
    assert code == 2
    assert "fault.misuse" in err


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(BASE["parameters"])), st.integers(1, 60), min_size=1, max_size=4))
def test_replacing_values_changes_exactly_those_values(tmp_path: Path, values: dict[str, int]) -> None:
    changes = "".join(f"  - replace: parameters.{n}.value\n    with: {v}\n" for n, v in values.items())
    policy, _ = load_policy(_write(tmp_path, changes))
    for name, param in policy.parameters.items():
        assert param.value == values.get(name, BASE["parameters"][name]["value"])
    resolved = {k: v for k, v in policy.raw.items() if k not in ("metadata", "parameters", "amends")}
    assert resolved == {k: v for k, v in BASE.items() if k not in ("metadata", "parameters")}


@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from([b"amends:", b"amends", b"\n", b"\r", b" ", b"x", b"a", b":", b"\xe5\x8e\x9f", b"amend"]),
        max_size=12,
    ).map(b"".join)
)
def test_an_amendment_is_told_as_the_multiline_pattern_tells_it(raw: bytes) -> None:
    """The bytes search that tells an amendment (its compiled form is not cached) finds
    what ``^amends:`` with MULTILINE finds: at the start and after a newline only."""
    assert amends_a_version(raw) == (re.search(rb"^amends:", raw, re.MULTILINE) is not None)


def test_a_base_over_the_size_limit_is_named_and_read_no_further(tmp_path: Path) -> None:
    """The base is a policy file like any other: read within policy_bytes (one byte more
    tells it is over), and refused by name, not passed over as if no file had its version."""
    import tracemalloc

    from policykit.limits import DEFAULT

    path = _write(tmp_path, "  []\n")
    base = tmp_path / POLICY_FILE.name
    with open(base, "a", encoding="utf-8") as handle:  # a base of 24 MiB: a comment after the policy
        handle.write(("# " + "x" * 1022 + "\n") * 24 * 1024)
    most = DEFAULT.policy_bytes  # 2 MiB
    tracemalloc.start()
    try:
        with pytest.raises(PolicykitError) as info:
            load_policy(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [error] = [d.format() for d in info.value.diagnostics]
    assert "file-too-large" in error and POLICY_FILE.name in error and f"policy_bytes = {most}" in error
    assert peak < 4 * most  # the base was never read whole
