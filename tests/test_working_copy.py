"""Inside a project folder with policies/, every command uses that policy set: an edited
checkout decides without a reinstall; outside one, the bundled standard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.policy.resources import (
    POLICY_SUFFIXES,
    command_policy,
    data_dir,
    is_policy_name,
    policies_dir,
    working_copy,
    working_folder,
)

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


NAME = f"policies/{POLICY_FILE.name}"  # the working copy's file, from the project root


def test_validate_and_check_name_the_working_copy_s_file(project: Path) -> None:
    code, out, err = cli("validate")
    assert code == 0, err
    assert command_policy() == (project / "policies" / POLICY_FILE.name).resolve()
    assert out.startswith(f"{NAME}: ok: ")
    assert all(line.startswith(f"{NAME}:") for line in err.splitlines())  # its warnings too
    code, out, _ = cli("check")
    # the 18 months are stale in text: two clauses (3 texts), the description (2), the default's reason (2)
    assert out.splitlines()[-1].startswith(f"{NAME}: 7 findings")


def test_evaluate_names_the_file_that_decided(project: Path) -> None:
    args = ("evaluate", str(EXAMPLE), "--as-of", "2026-11-27")
    code, out, err = cli(*args, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policy"]["file"] == NAME
    code, out, err = cli(*args, "--format", "text", "--lang", "en")
    assert code == 0, err
    assert f"File      {NAME}" in out.splitlines()[:6]
    batch = project / "cases.jsonl"
    batch.write_text(EXAMPLE.read_text(encoding="utf-8").replace("\n", " ") + "\n", encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(batch), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policy"]["file"] == NAME


def test_test_diff_and_show_name_their_files(project: Path) -> None:
    tests = project / "policies" / "tests"
    tests.mkdir()
    shutil.copy(ROOT / "policies" / "tests" / "advance.yaml", tests / "advance.yaml")
    code, out, _ = cli("test", "--coverage")
    assert out.startswith(f"policies/tests/advance.yaml: under {NAME} (ouyi-service-standard 1.0.0)\n")
    assert f"Coverage of {NAME} (" in out
    code, out, _ = cli("test", "--format", "json", "--coverage")
    data = json.loads(out)
    assert {t["policy"] for t in data["tests"]} == {NAME} and list(data["coverage"]) == [NAME]
    code, out, _ = cli("test", "--format", "junit")
    assert f'<property name="policy" value="{NAME}" />' in out
    policy = str(project / NAME)
    code, out, err = cli("diff", policy, policy)
    assert code == 0, err
    assert out.splitlines()[1] == f"{NAME} -> {NAME}"
    code, out, err = cli("diff", policy, policy, "--format", "json")
    assert json.loads(out)["old"]["file"] == json.loads(out)["new"]["file"] == NAME
    code, out, err = cli("show", "1.0.0")
    assert code == 0, err
    assert out.startswith(f"# ouyi-service-standard 1.0.0, resolved from {NAME}\n")


def test_outside_a_project_outputs_name_the_bundled_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bundled = f"bundled:{POLICY_FILE.name}"
    code, out, err = cli("evaluate", str(EXAMPLE), "--as-of", "2026-11-27", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["policy"]["file"] == bundled
    code, out, _ = cli("evaluate", str(EXAMPLE), "--as-of", "2026-11-27", "--format", "text")
    assert f"文件  {POLICY_FILE.name}（policykit 内置）" in out.splitlines()[:6]
    code, out, _ = cli("validate")
    assert out.startswith(f"{bundled}: ok: ")
    code, out, _ = cli("check")
    assert out.splitlines()[-1].startswith(f"{bundled}: 0 findings")


def test_test_runs_the_working_copy_s_tests_against_its_policy(project: Path) -> None:
    tests = project / "policies" / "tests"
    tests.mkdir()
    shutil.copy(ROOT / "policies" / "tests" / "warranty.yaml", tests / "warranty.yaml")
    code, out, _ = cli("test")
    assert code == 1  # the warranty tests expect 12 months; the edited standard gives 18
    assert "FAIL" in out and "warranty.end_date" in out


def test_the_bundled_set_inside_a_project_is_named_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A venv made in the checkout (`python3 -m venv .venv`, as the README says) holds the
    bundled set inside the project: it is still `bundled:`, and the project's files are
    named from its root."""
    from policykit.policy import origin as origin_module

    for name in ("policies/standard_v1.yaml", ".venv/data/policies/standard_v1.yaml", "other/y.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("policykit: 1\n", encoding="utf-8")
    monkeypatch.setattr(origin_module, "data_folder", lambda kind: str(tmp_path / ".venv" / "data" / kind))
    monkeypatch.chdir(tmp_path)
    origin_module._origin.cache_clear()
    try:
        assert origin_module.origin(tmp_path / ".venv/data/policies/standard_v1.yaml") == "bundled:standard_v1.yaml"
        assert origin_module.origin(tmp_path / "policies/standard_v1.yaml") == "policies/standard_v1.yaml"
        assert origin_module.origin(tmp_path / "other/y.yaml") == "other/y.yaml"
    finally:
        origin_module._origin.cache_clear()


def _origin_by_pathlib(file: str, folder: Path | None, bundled: Path) -> str:
    """How origin() named a file when it worked with pathlib (the reference)."""
    from policykit.policy.resources import shown

    resolved = Path(file).resolve()
    root = folder.parent if folder is not None else None
    if folder is not None and root is not None and resolved.is_relative_to(folder.resolve()):
        return resolved.relative_to(root).as_posix()
    if resolved.is_relative_to(bundled.resolve()):
        return "bundled:" + resolved.relative_to(bundled.resolve()).as_posix()
    if root is not None and resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return shown(Path(file))


@pytest.mark.parametrize("where", ["project", "project/sub", "elsewhere", "link"])
def test_files_are_named_as_pathlib_named_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """origin() and the policy set's files, worked out with os.path, name every file as
    the pathlib code did: relative, dotted and doubled spellings, symlinks, files outside."""
    from policykit.policy import origin as origin_module
    from policykit.tools.versions import _folder_files, policy_files

    project, bundled = tmp_path / "project", tmp_path / "venv" / "data" / "policies"
    for name in ("project/policies/a.yaml", "project/policies/b.yml", "project/policies/.yaml", "project/x/c.yaml",
                 "venv/data/policies/standard_v1.yaml", "elsewhere/d.yaml"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("policykit: 1\n", encoding="utf-8")
    (tmp_path / "project" / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "project")
    monkeypatch.setattr(origin_module, "data_folder", lambda kind: str(bundled))
    monkeypatch.chdir(tmp_path / where)
    folder = working_copy()
    assert folder == (None if where == "elsewhere" else (project / "policies").resolve())
    files = ["policies/a.yaml", "./policies//b.yml", "../project/x/c.yaml", "x/../policies/a.yaml",
             str(bundled / "standard_v1.yaml"), str(tmp_path / "elsewhere" / "d.yaml"), "../elsewhere/d.yaml",
             str(tmp_path / "link" / "x" / "c.yaml")]  # fmt: skip
    origin_module._origin.cache_clear()
    try:
        for file in files:
            assert origin_module.origin(file) == _origin_by_pathlib(file, folder, bundled), file
    finally:
        origin_module._origin.cache_clear()
    spellings = ["policies", "./policies", "policies/", "policies//", "../project/policies", str(project / "policies")]
    for spelling in [*spellings, "nowhere"]:
        found = _folder_files(spelling)
        if not Path(spelling).is_dir():
            assert found is None
            continue
        assert found == (str(Path(spelling)), [str(p) for p in policy_files(Path(spelling))]), spelling


@given(st.text(alphabet=".aymlY-", min_size=1, max_size=8))
def test_a_policy_file_is_named_as_pathlib_reads_a_suffix(name: str) -> None:
    """``..yaml`` has the suffix .yaml for pathlib, none for os.path.splitext."""
    assert is_policy_name(name) == (Path(name).suffix in POLICY_SUFFIXES)


@pytest.mark.parametrize("name", ["..yaml", "...yml", "a..yaml", ".x.yaml"])
def test_a_policy_file_with_dots_before_its_suffix_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The working copy is found by it, and the policy set lists it, as the pathlib code did."""
    from policykit.tools.versions import _folder_files, policy_files

    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / name).write_text("policykit: 1\n", encoding="utf-8")
    (folder / ".yaml").write_text("policykit: 1\n", encoding="utf-8")  # a hidden file, no suffix: never one
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert working_folder() == str(folder.resolve())
    monkeypatch.chdir(tmp_path)
    assert _folder_files("policies") == ("policies", [f"policies/{name}"])
    assert _folder_files("policies") == ("policies", [str(p) for p in policy_files(Path("policies"))])
