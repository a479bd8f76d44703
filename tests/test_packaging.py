"""The wheel carries the policy, the schemas and the examples: ``policykit validate`` and
``policykit evaluate`` work from any directory after a plain (non-editable) install.  It
carries its types too (PEP 561's ``py.typed``): a user's type checker reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("policykit-*.whl")
    return built


def test_wheel_contains_policy_schemas_and_examples(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "policykit/data/policies/standard_v1.yaml",
        "policykit/data/schemas/policy.schema.json",
        "policykit/data/schemas/case.schema.json",
        "policykit/data/schemas/contract.json",
        "policykit/data/examples/fault.json",
        "policykit/cli/app.py",
        "policykit/policy/catalogue.yaml",
        "policykit/py.typed",
    ):
        assert needed in names, needed


def test_installed_wheel_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert (target / "policykit" / "py.typed").is_file()
    env = dict(os.environ, PYTHONPATH=str(target))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def policykit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "policykit", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    run = policykit("validate")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("bundled:standard_v1.yaml: ok:") and "65 clauses" in run.stdout
    case = elsewhere / "case.json"
    case.write_text((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"), encoding="utf-8")
    run = policykit("evaluate", "case.json", "--as-of", "2026-11-27")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["decisions"]["deadlines.ship_by"]["value"] == "2026-02-14"
    assert json.loads(run.stdout)["policy"]["file"] == "bundled:standard_v1.yaml"
    run = policykit("evaluate", "case.json", "--as-of", "2026-11-27", "--format", "text")
    assert run.returncode == 0, run.stderr
    assert "2026-02-14 周六 · 已逾期 286 天" in run.stdout  # the catalogue's words, from the wheel
    # the contract ships in the policy's YAML: the case format is generated from it, as committed
    run = policykit("schema", "case")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (ROOT / "schemas" / "case.schema.json").read_text(encoding="utf-8")
    bad = elsewhere / "bad.json"
    bad.write_text('{"request": {"type": "fault", "date": "2026-02-10"}, "sale": {"warranty_months": 0}}')
    run = policykit("evaluate", "bad.json")
    assert run.returncode == 2 and run.stdout == "" and "sale.warranty_months" in run.stderr


# A user's program with a mistake in it: a case's text for a case, a day's text for a date.
_USER_PROGRAM = """\
from datetime import date

import policykit

policy = policykit.load_policy()
result = policykit.evaluate(policy, policykit.read_case(policy, {}), date(2026, 11, 27), "en")
reveal_type(result)
policykit.evaluate(policy, "a case", "2026-11-27", "en")
"""


def test_a_users_mypy_reads_the_installed_packages_types(wheel: Path, tmp_path: Path) -> None:
    """Installed into an environment of its own, the package is typed for the user's mypy
    (strict): it sees the result's type and the wrong arguments, not an untyped module."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (tmp_path / "user.py").write_text(_USER_PROGRAM, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python), "--cache-dir", os.devnull]
        + ["user.py"],
        cwd=tmp_path,  # no configuration of ours: the user's
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = run.stdout
    assert "import-untyped" not in out and "py.typed" not in out, out
    assert 'user.py:7: note: Revealed type is "policykit.present.result.Result"' in out, out
    assert 'user.py:8: error: Argument 2 to "evaluate" has incompatible type "str"; expected "Case"' in out, out
    assert 'user.py:8: error: Argument 3 to "evaluate" has incompatible type "str"; expected "date"' in out, out
    assert run.returncode == 1 and "Found 2 errors in 1 file" in out, out


def test_the_docs_extra_has_what_the_docs_build_needs() -> None:
    """``pip install '.[docs]' && mkdocs build`` (the README's command): the API page asks
    the service in-process through Starlette's TestClient, which needs ``httpx2``; the docs
    extra must bring it (the test extra alone did, and a docs-only install crashed)."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    hooks = (ROOT / "docs" / "hooks.py").read_text(encoding="utf-8")
    assert "starlette.testclient" in hooks
    names = {re.split(r"[<>=\[ ]", spec, maxsplit=1)[0] for spec in extras["docs"]}
    assert {"mkdocs", "mkdocs-material", "httpx2"} <= names
