"""Shared fixtures: the bundled policy (compiled once) and the product owner's shared/ folder."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policykit.cli.app import run
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.policy.resources import default_policy

ROOT = Path(__file__).resolve().parent.parent
# the tests' own compile cache, not the user's
os.environ.setdefault("POLICYKIT_CACHE_DIR", tempfile.mkdtemp(prefix="policykit-cache-"))
SHARED = Path(os.environ.get("POLICYKIT_SHARED", ROOT.parent / "shared"))
POLICY_FILE = ROOT / "policies" / "standard_v1.yaml"
# the editor revisions are amendments of v1.0: their policy tests run in a scratch set
# (tests/test_revisions.py), not where they are kept
collect_ignore_glob = ["fixtures/revisions/*"]


@pytest.fixture(scope="session")
def policy() -> Policy:
    compiled, _ = load_policy(default_policy())
    return compiled


@pytest.fixture(scope="session")
def shared() -> Path:
    assert (SHARED / "spec" / "CONTRACT.md").is_file(), f"the product owner's shared/ folder is not at {SHARED}"
    return SHARED


def cli(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    inp = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8")
    code = run(list(argv), out, err, inp)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def evaluate_json(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """Evaluate a case dict through the CLI as JSON; fail the test on a non-zero exit."""

    def go(case: dict[str, Any], *extra: str, as_of: str = "2026-11-27") -> dict[str, Any]:
        path = tmp_path / "case.json"
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", as_of, *extra)
        assert code == 0, err
        result: dict[str, Any] = json.loads(out)
        return result

    return go


@pytest.fixture(scope="session")
def standard_texts(shared: Path) -> dict[str, str]:
    """Clause id -> verbatim Chinese text, from the clause map of STANDARD.md."""
    texts = {}
    for line in (shared / "spec" / "STANDARD.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            cells = line.split("|")
            texts[cells[1].strip().strip("`")] = cells[3].strip()
    return texts


AMENDMENT = ROOT / "tests" / "fixtures" / "amendment_v1_1.yaml"


def edited_text(*edits: tuple[str, str]) -> str:
    """The bundled policy's text with each (old, new) edit made; each old text must occur once."""
    text = POLICY_FILE.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def long_parameter(chars: int) -> tuple[str, str]:
    """The edit (for :func:`edited_text`) that adds an unused parameter of ``chars``
    characters: a policy that only a ``string_chars`` of ``chars`` or more allows."""
    return (
        "parameters:\n",
        f'parameters:\n  long_note:\n    value: "{"x" * chars}"\n    unit: text\n'
        '    cites: [ops.warranty-start]\n    description: {zh: "长", en: "long"}\n',
    )


def edited_policy(folder: Path, *edits: tuple[str, str], name: str = "edited.yaml") -> Path:
    """A copy of the bundled policy with ``edits`` made, written to ``folder / name``."""
    path = folder / name
    path.write_text(edited_text(*edits), encoding="utf-8")
    return path


def amended_policy_text() -> tuple[str, str]:
    """(file name, text) of the amended version 1.1.0, made from the current v1.0 by the fixture's edits."""
    import yaml

    spec = yaml.safe_load(AMENDMENT.read_text(encoding="utf-8"))
    return spec["file"], edited_text(*((e["find"], e["replace"]) for e in spec["edits"]))


@pytest.fixture()
def policy_set(tmp_path: Path) -> Path:
    """A folder with v1.0 (draft) and the amended v1.1.0 (approved, effective 2027-01-01)."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / POLICY_FILE.name).write_text(POLICY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    name, text = amended_policy_text()
    (folder / name).write_text(text, encoding="utf-8")
    return folder
