"""The five revisions an editor makes, each as an amendment of v1.0 in YAML alone, in a
scratch policy set: each validates, passes its own tests, diffs as exactly its changes,
and a case decided under it cites its new clause."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import POLICY_FILE, ROOT, cli

FIXTURES = ROOT / "tests" / "fixtures" / "revisions"
CASE: dict[str, Any] = {
    "request": {"type": "fault", "date": "2026-05-20"},
    "customer": {"name": "n"},
    "product": {"model": "OY-IR-300", "serial_number": "S1"},
    "sale": {"ship_date": "2025-06-01", "shipping_method": "express"},
    "fault": {"code": "no-video"},
    "received_on": "2026-05-25",
}

# revision -> (version, the changes diff must show besides the metadata, a case, the decision that cites the new clause)
REVISIONS: dict[str, tuple[str, set[tuple[str, str, str]], dict[str, Any], str, str]] = {
    "freight_warranty": (
        "1.1.0",
        {
            ("clauses", "warranty.period.freight", "added"),
            ("parameters", "freight_warranty_months", "added"),
            ("rules", "warranty.end_date row 1", "added"),
        },
        {"sale": {"ship_date": "2025-06-01", "shipping_method": "freight"}},
        "warranty.end_date",
        "warranty.period.freight",
    ),
    "lightning": (
        "1.2.0",
        {
            ("contract", "case.fault.lightning", "additive"),
            ("contract", "fault.warranty.exclusions", "additive"),
            ("clauses", "warranty.2.4", "added"),
            ("facts", "fault.lightning", "added"),
            ("rules", "warranty.exclusions values", "changed"),
            ("rules", "warranty.exclusions labels", "changed"),
            ("rules", "warranty.exclusions row 4", "added"),
        },
        {"fault": {"code": "no-video", "lightning": True}},
        "warranty.exclusions",
        "warranty.2.4",
    ),
    "two_working_days": (
        "1.3.0",
        {
            ("clauses", "repair-time.1 zh", "reworded"),
            ("clauses", "repair-time.1 en", "reworded"),
            ("clauses", "ops.exchange.procedure.4 zh", "reworded"),
            ("clauses", "ops.exchange.procedure.4 en", "reworded"),
            ("parameters", "replacement_ship_working_days.value", "changed"),
            ("parameters", "replacement_ship_working_days.description", "changed"),
            ("interpretations", "INT-9.text", "changed"),
            ("rules", "deadlines.ship_by row 1 because", "changed"),
        },
        {},
        "deadlines.ship_by",
        "repair-time.1",
    ),
    "courtesy_unit": (
        "1.4.0",
        {
            ("contract", "case.customer.key_account", "additive"),
            ("contract", "fault.courtesy_unit", "additive"),
            ("clauses", "warranty.courtesy", "added"),
            ("facts", "customer.key_account", "added"),
            ("rules", "courtesy_unit", "added"),
        },
        {"customer": {"name": "n", "key_account": True}, "fault": {"code": "no-video", "disassembled": True}},
        "courtesy_unit",
        "warranty.courtesy",
    ),
    "company_holiday": (
        "1.5.0",
        {("clauses", "repair-time.holiday", "added"), ("calendar", "extra_holidays", "changed")},
        {"request": {"type": "fault", "date": "2026-03-16"}, "received_on": "2026-03-17"},
        "deadlines.ship_by",
        "repair-time.holiday",
    ),
}


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A policy set: v1.0 as bundled, the five amendments and their tests."""
    folder = tmp_path / "policies"
    (folder / "tests").mkdir(parents=True)
    shutil.copy(POLICY_FILE, folder / POLICY_FILE.name)
    for path in FIXTURES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    for path in (FIXTURES / "tests").glob("*.yaml"):
        shutil.copy(path, folder / "tests" / path.name)
    return folder


def test_the_set_with_every_revision_validates(scratch: Path) -> None:
    code, out, err = cli("validate", str(scratch))
    assert code == 0, err
    assert "a set of 6 versions" in out
    for name, (version, *_) in REVISIONS.items():
        assert f"{name}.yaml: ok: ouyi-service-standard {version} (draft)" in out


@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_each_revision_passes_its_own_tests_and_has_no_open_finding(scratch: Path, name: str) -> None:
    code, out, err = cli("test", str(scratch / "tests" / f"{name}.yaml"), "--coverage")
    assert code == 0, out + err
    assert " 0 failed" in out
    assert f"{name}.yaml" in out  # the coverage names the version the file tests
    code, out, _ = cli("check", str(scratch / f"{name}.yaml"))
    assert code == 0, out


@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_diff_shows_exactly_the_changes_of_each_revision(scratch: Path, name: str) -> None:
    version, expected, *_ = REVISIONS[name]
    code, out, err = cli("diff", str(scratch / POLICY_FILE.name), str(scratch / f"{name}.yaml"), "--format", "json")
    assert code == 0, err
    changes = json.loads(out)["changes"]
    assert {(c["section"], c["key"], c["kind"]) for c in changes if c["section"] != "metadata"} == expected
    meta = {c["key"]: c["new"] for c in changes if c["section"] == "metadata"}
    assert meta == {"version": version, "supersedes": "1.0.0"}
    text = cli("diff", str(scratch / POLICY_FILE.name), str(scratch / f"{name}.yaml"))[1]
    assert "…" not in text
    if any(c[0] == "contract" for c in expected):
        assert text.split("\n")[1] == f"{scratch / POLICY_FILE.name} -> {scratch / name}.yaml"
        assert text.split("\n")[3].startswith("CONTRACT (2: 0 breaking, 2 additive)")


@pytest.mark.parametrize("name", sorted(REVISIONS))
def test_a_case_decided_under_each_revision_cites_its_new_clause(tmp_path: Path, scratch: Path, name: str) -> None:
    _, _, case_over, decision, clause = REVISIONS[name]
    case = tmp_path / "case.json"
    case.write_text(json.dumps({**CASE, **case_over}), encoding="utf-8")
    args = ("evaluate", str(case), "--format", "json", "--as-of", "2026-11-27")
    code, out, err = cli(*args, "--policy", str(scratch / f"{name}.yaml"))
    assert code == 0, err
    cited = {c["clause"]: c["text"] for c in json.loads(out)["decisions"][decision]["cites"]}
    assert clause in cited
    code, out, err = cli(*args, "--policy", str(scratch / POLICY_FILE.name))
    assert code == 0, err
    before = json.loads(out)["decisions"].get(decision)  # a new decision is not there at all
    # the clause is new, or (a reworded one) cited with its new text
    assert before is None or (clause, cited[clause]) not in [(c["clause"], c["text"]) for c in before["cites"]]


def test_show_prints_the_resolved_version_and_its_chain(scratch: Path) -> None:
    code, out, err = cli("show", "1.2.0", "--policy-set", str(scratch))
    assert code == 0, err
    head, sha, *_ = out.split("\n")
    assert head.startswith("# ouyi-service-standard 1.2.0, resolved from ")
    assert head.endswith(f"lightning.yaml <- {scratch / POLICY_FILE.name}")
    assert sha.startswith("# sha256 ")
    assert "id: warranty.2.4" in out and "amends:" not in out and "changes:" not in out
    # the version as one file of its own: it validates anywhere, with no base beside it
    alone = scratch.parent / "alone"
    alone.mkdir()
    (alone / "resolved.yaml").write_text(out, encoding="utf-8")
    code, said, err = cli("validate", str(alone / "resolved.yaml"))
    assert code == 0 and "1.2.0" in said, err
    code, out, err = cli("show", "9.9.9", "--policy-set", str(scratch))
    assert code == 2 and out == "" and "unknown-version" in err
    code, out, err = cli("show", "1.2", "--policy-set", str(scratch))
    assert code == 2 and out == "" and "did you mean '1.2.0'" in err and "1.0.0" in err
