"""docs/editing.md walks an editor through the five revisions with real output: every file
it shows is written into a scratch project, every command it shows is run there, and the
output must be the one the page shows (``scripts/editing_doc.py update`` refreshes it)."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "revisions"
REVISIONS = ("freight_warranty", "lightning", "two_working_days", "courtesy_unit", "company_holiday")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("editing_doc", ROOT / "scripts" / "editing_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("editing_doc", module)
    spec.loader.exec_module(module)
    return module


DOC = _script()
PAGE = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, list[str]]]:
    steps: list[tuple[Any, list[str]]] = DOC.walk(PAGE, tmp_path_factory.mktemp("project"))
    return steps


def test_every_command_shows_its_real_output(walked: list[tuple[Any, list[str]]]) -> None:
    stale = [" ".join(step.argv) for step, actual in walked if not DOC.matches(step.shown, actual)]
    assert not stale, f"run `python scripts/editing_doc.py update`: {stale}"


def test_each_revision_is_walked_through_end_to_end(walked: list[tuple[Any, list[str]]]) -> None:
    commands = [" ".join(step.argv) for step, _ in walked]
    for name in REVISIONS:
        assert f"test policies/tests/{name}.yaml" in commands
        assert any(c.startswith(f"diff policies/standard_v1.yaml policies/{name}.yaml --cases") for c in commands)
        assert any(f"policies/{name}.yaml" in c and c.startswith(("validate", "check")) for c in commands)


_MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


def _schema_path(text: str) -> str | None:
    found = _MODELINE.search(text)
    return found.group(1) if found else None


def test_the_files_shown_are_the_revisions_the_tests_use() -> None:
    """The page shows each fixture as it is, but for its schema line, which points at the
    schema from where the file is (a project's ``policies/tests/``, the fixtures' own folder)."""
    files: dict[str, str] = {}
    for item in DOC.parse(PAGE):
        if isinstance(item, DOC.File):
            files[item.path] = item.text  # the last one of a path is the revision
    for name in REVISIONS:
        assert files[f"policies/{name}.yaml"] == (FIXTURES / f"{name}.yaml").read_text(encoding="utf-8")
        fixture = (FIXTURES / "tests" / f"{name}.yaml").read_text(encoding="utf-8")
        shown = files[f"policies/tests/{name}.yaml"]
        assert _MODELINE.sub("", shown) == _MODELINE.sub("", fixture)


def test_every_schema_line_resolves_from_where_its_file_is() -> None:
    """An editor resolves ``$schema=`` from the file's own folder: a file the page shows at
    ``policies/tests/x.yaml`` (copied into a project laid out as this repository) and each
    fixture must each name a schema that exists from there."""
    shown = [(ROOT / item.path, item.text) for item in DOC.parse(PAGE) if isinstance(item, DOC.File)]
    fixtures = [(path, path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.rglob("*.yaml"))]
    checked = 0
    for path, text in [*shown, *fixtures]:
        target = _schema_path(text)
        if target is None:
            continue
        assert (path.parent / target).resolve().is_file(), f"{path}: $schema={target} does not resolve"
        checked += 1
    assert checked >= 2 * len(REVISIONS)  # the page's test files and the fixtures' at least


@pytest.mark.parametrize(
    ("shown", "actual", "same"),
    [
        (("a", "b"), ["a", "b"], True),
        (("a", "..."), ["a", "b", "c"], True),
        (("a", "...", "c"), ["a", "b", "x", "c"], True),
        (("a", "b"), ["a", "B"], False),
        (("a",), ["a", "b"], False),
        (("a", "...", "d"), ["a", "b", "c"], False),
    ],
)
def test_a_stale_output_is_caught(shown: tuple[str, ...], actual: list[str], same: bool) -> None:
    assert DOC.matches(shown, actual) is same


def test_commands_and_their_output_are_read_from_text_blocks() -> None:
    page = "x\n```text\n$ policykit validate p.yaml\nok\n\n$ policykit check 'a b'\n...\n```\n"
    steps = list(DOC.parse(page))
    assert [s.argv for s in steps] == [("validate", "p.yaml"), ("check", "a b")]
    assert [s.shown for s in steps] == [("ok",), ("...",)]
    assert page[steps[0].start : steps[0].end] == "ok\n\n"


def test_the_validate_examples_are_what_the_edits_they_describe_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Section 3's two examples (a misspelt name; a key written at a list item's '-') are
    the output of those edits of the policy as it is now: the line and column they name
    are where the name and the key stand (they went stale once as the policy grew)."""
    from policykit.cli.app import run

    policy = (ROOT / "policies" / "standard_v1.yaml").read_text(encoding="utf-8").split("\n")
    named = re.search(r"^policies/standard_v1\.yaml:(\d+):(\d+): unknown-name: .*$", PAGE, re.M)
    key = re.search(r"^policies/standard_v1\.yaml:(\d+):(\d+): yaml-syntax: .*$", PAGE, re.M)
    assert named is not None and key is not None
    line = int(named.group(1))
    assert "service.type ==" in policy[line - 1]
    edits = [
        (named, [*policy[: line - 1], policy[line - 1].replace("service.type ==", "service.typ =="), *policy[line:]]),
        (key, [*policy[:line], policy[line].replace("        ", "      ", 1), *policy[line + 1 :]]),
    ]
    (tmp_path / "policies").mkdir()
    monkeypatch.chdir(tmp_path)
    for shown, text in edits:
        (tmp_path / "policies" / "standard_v1.yaml").write_text("\n".join(text), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        assert run(["validate", "policies/standard_v1.yaml"], out, err) == 2
        assert shown.group(0) in err.getvalue().splitlines(), err.getvalue()
