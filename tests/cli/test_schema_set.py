"""``schema --policy-set DIR`` reads DIR (its latest version, or the ``--version`` named),
and ``schema`` and ``show`` refuse a missing or empty folder as ``evaluate --policy-set``
does: ``not-found`` or ``empty-set``, exit 2, never the working copy's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import cli


def test_schema_reads_the_latest_version_of_the_set_named(policy_set: Path) -> None:
    for kind in ("case", "contract"):
        code, out, err = cli("schema", kind, "--policy-set", str(policy_set))
        assert code == 0, err
        assert "ouyi-service-standard 1.1.0" in json.loads(out)["$comment"]
        code, out, err = cli("schema", kind, "--policy-set", str(policy_set), "--version", "1.0.0")
        assert code == 0, err
        assert "ouyi-service-standard 1.0.0" in json.loads(out)["$comment"]


@pytest.mark.parametrize(
    "command", [("schema", "case"), ("schema", "contract", "--version", "1.0.0"), ("show", "1.0.0")]
)
def test_a_missing_or_empty_folder_is_refused(tmp_path: Path, command: tuple[str, ...]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder, line in (
        (tmp_path / "nope", f"{tmp_path / 'nope'}: not-found: no such policy folder\n"),
        (empty, f"{empty}: empty-set: no policy file in this folder\n"),
    ):
        assert cli(*command, "--policy-set", str(folder)) == (2, "", line)


@pytest.mark.parametrize("command", [("schema", "case"), ("show", "1.0.0"), ("evaluate", "EXAMPLE")])
def test_a_file_given_as_a_policy_set_is_named_a_file(tmp_path: Path, command: tuple[str, ...]) -> None:
    """``--policy-set FILE`` said "no such policy folder" of a file that is there."""
    example = str(Path(__file__).parents[2] / "examples" / "fault.json")
    given = tmp_path / "standard.yaml"
    given.write_text("policy: x\n", encoding="utf-8")
    argv = [example if a == "EXAMPLE" else a for a in command]
    code, out, err = cli(*argv, "--policy-set", str(given))
    assert (code, out) == (2, "")
    assert err == (
        f"{given}: not-a-folder: a file, not a policy folder: a policy set is the folder of its files"
        " (one file is --policy PATH)\n"
    )


@pytest.mark.parametrize("command", [("schema", "case"), ("evaluate", "EXAMPLE")])
def test_a_policy_set_name_too_long_to_look_up_is_bad_input(command: tuple[str, ...]) -> None:
    """A name the system will not look up (too long) crashed (exit 1) once the message told
    a file from a missing folder; it is no such folder (review)."""
    example = str(Path(__file__).parents[2] / "examples" / "fault.json")
    argv = [example if a == "EXAMPLE" else a for a in command]
    code, out, err = cli(*argv, "--policy-set", "x" * 5000)
    assert (code, out) == (2, "") and err.endswith(": not-found: no such policy folder\n"), err
