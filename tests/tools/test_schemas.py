"""``policykit schema``: the committed JSON files in schemas/ are exactly what the policy's
``contract:`` section generates, so they can never drift from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from policykit.policy.model import Policy
from policykit.tools.schemas import KINDS, generated, generated_text

from ..conftest import ROOT, cli


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_committed_file_is_what_the_contract_generates(policy: Policy, kind: str) -> None:
    committed = (ROOT / "schemas" / KINDS[kind]).read_text(encoding="utf-8")
    assert committed == generated_text(policy, kind), f"run: policykit schema {kind} --out schemas/{KINDS[kind]}"
    code, out, err = cli("schema", kind, "--out", str(ROOT / "schemas" / KINDS[kind]), "--check")
    assert code == 0, err
    assert "up to date" in out


def test_the_generated_case_schema_is_the_one_the_engine_checks_cases_with(policy: Policy) -> None:
    written = generated(policy, "case")
    Draft202012Validator.check_schema(written)
    assert "policykit schema case" in written.pop("$comment")
    assert written == policy.case_schema
    assert list(written) == list(policy.case_schema)  # $schema stays first


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_prints_writes_and_checks(tmp_path: Path, kind: str) -> None:
    code, printed, err = cli("schema", kind)
    assert code == 0, err
    target = tmp_path / KINDS[kind]
    code, out, err = cli("schema", kind, "--out", str(target), "--check")
    assert code == 1 and out == ""  # no file yet: missing, not stale
    assert f"{target}: missing: there is no such file" in err and f"policykit schema {kind} --out {target}" in err
    code, out, err = cli("schema", kind, "--out", str(target))
    assert code == 0 and "written from" in out
    assert target.read_text(encoding="utf-8") == printed
    assert cli("schema", kind, "--out", str(target), "--check")[0] == 0
    target.write_text(printed.replace("\n", "\n ", 1), encoding="utf-8")  # a hand edit
    code, out, err = cli("schema", kind, "--out", str(target), "--check")
    assert code == 1 and f"{target}: stale: it is not what the contract" in err


def test_schema_of_a_version_of_a_set_and_bad_requests(tmp_path: Path) -> None:
    code, out, err = cli("schema", "contract", "--version", "1.0.0", "--policy-set", str(ROOT / "policies"))
    assert code == 0, err
    assert json.loads(out)["request_types"]["fault"]["service.type"]["type"] == "enum"
    code, out, err = cli("schema", "case", "--version", "9.9.9", "--policy-set", str(ROOT / "policies"))
    assert code == 2 and out == "" and "unknown-version" in err
    code, out, err = cli("schema", "case", "--check")
    assert code == 2 and out == "" and "--check needs --out" in err
    code, out, err = cli("schema", "cases")
    assert code == 2 and out == "" and "usage" in err


@pytest.mark.parametrize(
    ("where", "extra", "code"),
    [
        (".", [], "not-writable"),  # a folder
        ("missing/x.json", [], "not-writable"),  # no such folder
        ("latin1.json", ["--check"], "unreadable"),  # not UTF-8
    ],
)
def test_an_output_it_cannot_use_is_bad_input_named(tmp_path: Path, where: str, extra: list[str], code: str) -> None:
    (tmp_path / "latin1.json").write_bytes(b"\xff\xfe{}")
    target = str(tmp_path / where)
    status, out, err = cli("schema", "case", "--out", target, *extra)
    assert (status, out) == (2, "")
    assert err.startswith(f"{target}: {code}: ") and err.count("\n") == 1, err
