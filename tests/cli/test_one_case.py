"""``policykit evaluate FILE`` decides its one case on the interpreter, each expression in
its exact form alone (it would compile generated code and fast forms to run them once),
and gives what the generated road gives, byte for byte in the order of every key: the
batch (which takes the generated road) is the reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policykit import evaluator
from policykit.cli import evaluate as evaluate_module
from policykit.engine import codegen
from policykit.lang.expr import Compiled

from ..conftest import SHARED, cli

CASES = sorted((SHARED / "acceptance" / "cases").glob("*.json"))


def _ordered(text: str) -> Any:
    """JSON with every object as its list of (key, value) pairs: equal only in the same order."""
    return json.loads(text, object_pairs_hook=list)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_case_gives_the_generated_roads_result_without_generated_code(
    path: Path, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = json.loads(path.read_text(encoding="utf-8"))
    case_file = tmp_path / "case.json"
    text = json.dumps(spec["case"], ensure_ascii=False) + "\n"  # the same bytes: the result names their SHA-256
    case_file.write_text(text, encoding="utf-8")
    lines = tmp_path / "cases.jsonl"
    lines.write_text(text, encoding="utf-8")
    options = ("--as-of", spec["as_of"], "--lang", lang, "--format", "json")
    code, batch_out, err = cli("evaluate", "--batch", str(lines), *options)
    assert code == 0, err

    def no_generated_code(policy: Any) -> Any:
        raise AssertionError("one case took the generated road")

    seen: list[tuple[bool, bool]] = []  # (generated road, fast forms tried) of each case decided
    original = evaluator.decide_case

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((kwargs.get("generated", True), Compiled.try_fast))
        return original(*args, **kwargs)

    monkeypatch.setattr(codegen, "functions", no_generated_code)
    monkeypatch.setattr(evaluator, "decide_case", spy)
    monkeypatch.setattr(evaluate_module, "ONE_SHOT", True)  # as the console entry point sets it
    monkeypatch.setattr(Compiled, "try_fast", True)  # the process would end: put back after the test
    code, out, err = cli("evaluate", str(case_file), *options)
    assert code == 0, err
    assert seen == [(False, False)]
    assert _ordered(out) == _ordered(batch_out)
    code, _, err = cli("evaluate", "--batch", str(lines), *options)  # the batch does take it
    assert code == 1 and "generated road" in err


def test_called_in_process_one_case_takes_the_generated_road_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Called in-process (a test, an application embedding the CLI, several threads at once),
    a case is decided as the batch decides it, and no process-wide setting is touched."""
    spec = json.loads(CASES[0].read_text(encoding="utf-8"))
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(spec["case"], ensure_ascii=False), encoding="utf-8")
    seen: list[tuple[bool, bool]] = []
    original = evaluator.decide_case

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((kwargs.get("generated", True), Compiled.try_fast))
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluator, "decide_case", spy)
    code, _, err = cli("evaluate", str(case_file), "--as-of", spec["as_of"], "--format", "json")
    assert code == 0, err
    assert seen == [(True, True)] and Compiled.try_fast and not evaluate_module.ONE_SHOT


@pytest.mark.parametrize(
    ("argv", "one_shot"),
    [
        (["evaluate", "case.json"], True),
        (["evaluate", "case.json", "--as-of", "2026-11-27", "--lang", "en", "--format", "text"], True),
        (["evaluate", "case.json", "--limit", "operations=100"], False),  # as the batch decides it
        (["evaluate", "case.json", "--explain"], False),
        (["evaluate", "--batch", "cases.jsonl"], False),
        (["serve"], False),
        (["validate"], False),
    ],
)
def test_the_console_entry_point_names_a_one_case_run(
    argv: list[str], one_shot: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from policykit.cli import app

    monkeypatch.setattr(evaluate_module, "ONE_SHOT", False)
    enabled = gc.isenabled()
    try:
        assert app._one_shot(argv) is one_shot
        assert evaluate_module.ONE_SHOT is one_shot
    finally:
        (gc.enable if enabled else gc.disable)()
