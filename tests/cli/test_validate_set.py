"""``policykit validate DIR`` fails a folder that is no policy set (as ``evaluate
--policy-set`` does): a CI hook must not pass an empty folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import cli


@pytest.mark.parametrize("contents", [{}, {"README.md": "notes\n"}])
def test_a_folder_without_a_policy_file_is_refused_with_one_line(tmp_path: Path, contents: dict[str, str]) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    code, out, err = cli("validate", str(folder))
    assert (code, out) == (2, "")
    assert err == f"{folder}: empty-set: no policy file in this folder\n"
    assert cli("evaluate", "--policy-set", str(folder), "examples/fault.json")[2] == err


def test_a_bad_file_of_a_set_is_reported_once(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "broken.yaml").write_text("bad: [\n", encoding="utf-8")
    code, out, err = cli("validate", str(folder))
    assert (code, out) == (2, "")
    assert err.count("yaml-syntax") == 1 and "empty-set" not in err, err
