"""The docs site renders every version of a policy set, each with its own tests, and a
failing test of any version fails the strict build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import POLICY_FILE, ROOT
from .test_docs import build

REVISIONS = ROOT / "tests" / "fixtures" / "revisions"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("set") / "policies"
    (folder / "tests").mkdir(parents=True)
    shutil.copy(POLICY_FILE, folder)
    for path in REVISIONS.glob("*.yaml"):
        shutil.copy(path, folder)
    for path in (REVISIONS / "tests").glob("*.yaml"):
        shutil.copy(path, folder / "tests")
    return folder


def test_every_version_is_rendered_with_its_own_tests_and_the_changes(
    scratch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp("site")
    run = build(out, scratch)
    assert run.returncode == 0, run.stdout + run.stderr
    # all drafts: the latest decides by default; every other version has its own pages
    assert "3 of 3 pass" in (out / "examples" / "index.html").read_text(encoding="utf-8")
    passes = {"1.1.0": 3, "1.2.0": 2, "1.3.0": 2, "1.4.0": 3}
    for version, count in passes.items():
        html = (out / "versions" / version / "examples" / "index.html").read_text(encoding="utf-8")
        assert f"{count} of {count} pass" in html and "FAIL" not in html, version
    standard = "".join(p.read_text(encoding="utf-8") for p in (out / "versions" / "1.2.0").rglob("index.html"))
    assert 'id="warranty.2.4"' in standard
    versions = (out / "versions" / "index.html").read_text(encoding="utf-8")
    assert "Changes from 1.0.0 to 1.4.0" in versions  # each version against the one it supersedes
    changes = versions[versions.index("Changes from") :]
    assert "courtesy_unit" in changes and "…" not in changes
    # each version in both languages, with its whole SHA-256 (the text INT-17 arbitrates by; docs QA)
    assert "版本 · Versions" in versions and "草案 · draft" in versions and "执行日期 · effective from" in versions
    import hashlib

    whole = hashlib.sha256((scratch / "standard_v1.yaml").read_bytes()).hexdigest()
    assert whole in versions
    # the calendar page of each version: 1.5.0 (the default) names its company holiday
    calendar = (out / "calendar" / "index.html").read_text(encoding="utf-8")
    assert "公司司庆日 · Company founding day" in calendar and "公司放假 · the company is closed" in calendar
    assert "公司司庆日" not in (out / "versions" / "1.0.0" / "calendar" / "index.html").read_text(encoding="utf-8")


def test_a_failing_test_of_any_version_fails_the_strict_build(
    scratch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    broken = tmp_path_factory.mktemp("broken") / "policies"
    shutil.copytree(scratch, broken)
    test = broken / "tests" / "lightning.yaml"
    text = test.read_text(encoding="utf-8")
    test.write_text(text.replace("warranty.exclusions: [lightning]", "warranty.exclusions: [misuse]"), encoding="utf-8")
    run = build(tmp_path_factory.mktemp("site"), broken)
    assert run.returncode != 0
    log = run.stdout + run.stderr
    assert "failing example or test" in log and "lightning.yaml" in log and "1.2.0" in log
