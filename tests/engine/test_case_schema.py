"""The exact reader's validator of the case format (``engine/case_schema.py``):
jsonschema's, its ``pattern`` keyword searched in RE2's language, in linear time, with
jsonschema's own errors; and the reviewer's hanging patterns through ``policykit evaluate``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from policykit.engine.case_schema import case_validator

from ..conftest import ROOT, edited_policy

PATTERNS = {"day": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "name": "^a+$"}  # matched by re, and by RE2
SCHEMA = {
    "type": "object",
    "properties": {
        "day": {"type": "string", "pattern": PATTERNS["day"]},
        "name": {"type": ["string", "null"], "pattern": PATTERNS["name"], "maxLength": 5},
    },
}


def _errors(validator: Any, data: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (tuple(e.absolute_path), e.validator, e.validator_value, e.message, e.instance)
        for e in validator.iter_errors(data)
    )


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2026/01/05"},
        {"name": "ab"},
        {"name": "abcdefg"},  # too long and not of the form: both errors, as jsonschema gives them
        {"day": 20260105, "name": 3},  # not texts: no pattern error
        {"day": "2026-01-05", "name": "aaa", "other": 1},
        {"name": None},
    ],
)
def test_its_errors_are_jsonschemas_word_for_word(data: dict[str, Any]) -> None:
    assert _errors(case_validator(SCHEMA), data) == _errors(Draft202012Validator(SCHEMA), data)


@pytest.mark.parametrize(("field", "text"), [("day", "2026-01-05\n"), ("name", "aa\n")])
def test_a_final_newline_does_not_pass_a_pattern_ending_in_dollar(field: str, text: str) -> None:
    """RE2's ``$`` (and ECMA 262's, JSON Schema's own dialect): the very end of the text, in
    the exact reader as in the generated one; Python's ``re`` also let a final newline pass."""
    assert Draft202012Validator(SCHEMA).is_valid({field: text})  # (jsonschema's own keyword lets it pass)
    pattern = PATTERNS[field]
    errors = list(case_validator(SCHEMA).iter_errors({field: text}))
    assert [(e.validator, e.message) for e in errors] == [("pattern", f"{text!r} does not match {pattern!r}")]


# -- the reviewer's patterns, through the command ------------------------------------------

FIELD = '      customer.name: {type: string, max_length: 500, description: "customer name"}\n'
# (pattern, a name it refuses, a name it passes): Python's re takes seconds on the first
# (the reviewer's), minutes on the second, hours on the third; RE2 answers each at once
HANGING = [
    ("^a*a*a*a*a*$", "a" * 30 + "!", "a" * 30),
    ("^a*a*a*a*a*$", "a" * 400 + "!", "a" * 400),
    ("^" + "(?:a|.)" * 40 + "$", "a" * 40 + "!", "a" * 40),
]


def _evaluate(policy: Path, case: Path) -> subprocess.CompletedProcess[str]:
    """``policykit evaluate`` in a child, under a generous timeout: a regression fails the
    test (TimeoutExpired) instead of hanging it; the test asserts results, not times."""
    return subprocess.run(
        [sys.executable, "-m", "policykit", "evaluate", str(case), "--policy", str(policy), "--format", "json"]
        + ["--as-of", "2026-11-27", "--limit", "seconds=1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("pattern", "refused", "passed"), HANGING)
def test_a_pattern_that_held_a_case_for_seconds_answers_it(
    pattern: str, refused: str, passed: str, tmp_path: Path
) -> None:
    edited = FIELD.replace("max_length: 500,", f"max_length: 500, pattern: '{pattern}',")
    policy = edited_policy(tmp_path, (FIELD, edited))
    example = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    bad, good = tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_text(json.dumps({**example, "customer": {"name": refused}}), encoding="utf-8")
    good.write_text(json.dumps({**example, "customer": {"name": passed}}), encoding="utf-8")

    answer = _evaluate(policy, bad)
    assert answer.returncode == 2 and answer.stdout == ""
    lines = answer.stderr.splitlines()
    assert len(lines) == 1 and ": schema: " in lines[0] and lines[0].endswith("(at customer.name)"), lines

    decided = _evaluate(policy, good)
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["request_type"] == "fault"
