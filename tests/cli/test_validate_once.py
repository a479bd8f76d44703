"""``validate`` of a folder compiles each file once: the set, each file and each
amendment's base are checked from that one compile, and say what separate compiles say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykit.policy import compiler

from ..conftest import POLICY_FILE, ROOT, cli

REVISIONS = ROOT / "tests" / "fixtures" / "revisions"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The standard with two of its amendments, and a broken copy of it."""
    monkeypatch.setenv("POLICYKIT_NO_CACHE", "1")
    out = tmp_path / "set"
    out.mkdir()
    shutil.copy(POLICY_FILE, out)
    shutil.copy(REVISIONS / "lightning.yaml", out)
    shutil.copy(REVISIONS / "freight_warranty.yaml", out)
    return out


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    inner = compiler._compile_text

    def counting(raw: bytes, name: str, *rest: object) -> object:
        compiled.append(name)
        return inner(raw, name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(compiler, "_compile_text", counting)
    return compiled


def _separately(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load compiles afresh, as before files were loaded once."""
    monkeypatch.setattr(compiler, "_ONCE", None)

    class Off:
        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(compiler, "loading_once", Off)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_each_file_is_compiled_once_and_says_the_same(folder: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    compiled = _counted(monkeypatch)
    once = cli("validate", str(folder), "--format", fmt)
    assert sorted(compiled) == sorted(str(p) for p in folder.iterdir())
    compiled.clear()
    _separately(monkeypatch)
    separate = cli("validate", str(folder), "--format", fmt)
    assert len(compiled) > 3  # what it cost before
    assert once == separate
    assert once[0] == 0
    if fmt == "text":
        assert "a set of 3 versions" in once[1]
    else:  # stdout is the JSON alone: one summary per file
        import json

        assert len(json.loads(once[1])) == 3


def test_a_broken_file_is_reported_once_per_load_as_before(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = folder / "lightning.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("add: facts[fault.lightning]", "add: nonsense"))
    compiled = _counted(monkeypatch)
    once = cli("validate", str(folder))
    assert compiled.count(str(broken)) == 1
    _separately(monkeypatch)
    assert cli("validate", str(folder)) == once
    assert once[0] == 2 and str(broken) in once[2] and once[1] == ""  # refused: nothing on stdout


def test_the_memo_ends_with_the_command(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later command compiles again (an edit between two runs in one process is seen)."""
    cli("validate", str(folder))
    assert compiler._ONCE is None
    compiled = _counted(monkeypatch)
    cli("validate", str(folder / "standard_v1.yaml"))
    assert compiled == [str(folder / "standard_v1.yaml")]
