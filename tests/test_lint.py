"""The code stays typed and linted: ruff and mypy (config in pyproject.toml) run clean.

mypy checks every file of ours that Python runs (``[tool.mypy] files``: the package, the
tests, the benchmarks, the scripts and the docs' hook), strict throughout."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from .conftest import ROOT

# every folder and file of Python we write
CODE = ("src", "tests", "benchmarks", "scripts", "docs/hooks.py")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_is_clean() -> None:
    run = _run("ruff", "check", *CODE)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_is_clean() -> None:
    run = _run("ruff", "format", "--check", *CODE)
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_is_clean() -> None:
    run = _run("mypy")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_checks_all_of_our_code_strictly() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert sorted(config["files"]) == sorted(["src/policykit", *CODE[1:]])
