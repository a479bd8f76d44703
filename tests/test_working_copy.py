"""Inside a project folder with policies/, every command uses that policy set: an edited
checkout decides without a reinstall; outside one, the bundled standard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policykit.policy.resources import command_policy, data_dir, policies_dir, working_copy

from .conftest import POLICY_FILE, ROOT, cli

EXAMPLE = ROOT / "examples" / "fault.json"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout whose standard gives 18 months of warranty; the shell is in a subfolder."""
    (tmp_path / "policies").mkdir()
    text = POLICY_FILE.read_text(encoding="utf-8")
    before, after = "  standard_warranty_months:\n    value: 12\n", "  standard_warranty_months:\n    value: 18\n"
    edited = text.replace(before, after)
    assert edited != text
    (tmp_path / "policies" / POLICY_FILE.name).write_text(edited, encoding="utf-8")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    return tmp_path


def _end_date() -> str:
    code, out, err = cli("evaluate", str(EXAMPLE), "--format", "json", "--as-of", "2026-11-27")
    assert code == 0, err
    value: str = json.loads(out)["decisions"]["warranty.end_date"]["value"]
    return value


def test_the_checkout_s_edited_standard_decides(project: Path) -> None:
    assert working_copy() == (project / "policies").resolve()
    assert _end_date() == "2026-12-04"  # 18 months from 2025-06-04


def test_outside_a_project_the_bundled_standard_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert working_copy() is None
    assert policies_dir() == data_dir("policies")
    assert _end_date() == "2026-06-04"


def test_validate_and_check_name_the_working_copy_s_file(project: Path) -> None:
    code, out, err = cli("validate")
    assert code == 0, err
    assert command_policy() == (project / "policies" / POLICY_FILE.name).resolve()
    assert str(Path(out.split(":")[0]).resolve()) == str((project / "policies" / POLICY_FILE.name).resolve())
    code, out, _ = cli("check")
    assert str(Path(out.splitlines()[-1].split(":")[0]).resolve()).endswith(str(Path("policies") / POLICY_FILE.name))


def test_test_runs_the_working_copy_s_tests_against_its_policy(project: Path) -> None:
    tests = project / "policies" / "tests"
    tests.mkdir()
    shutil.copy(ROOT / "policies" / "tests" / "warranty.yaml", tests / "warranty.yaml")
    code, out, _ = cli("test")
    assert code == 1  # the warranty tests expect 12 months; the edited standard gives 18
    assert "FAIL" in out and "warranty.end_date" in out
