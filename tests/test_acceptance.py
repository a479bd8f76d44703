"""The product owner's public acceptance cases, read from ../shared at run time.

Each case runs through the Python API, through the CLI one at a time, and through
``--batch``; each invalid case must exit 2 with nothing on stdout and the field named.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policykit.engine.case import read_case
from policykit.errors import CaseError
from policykit.evaluator import evaluate
from policykit.policy.model import Policy
from policykit.present.result import jsonable

from .conftest import SHARED, cli

CASES = sorted((SHARED / "acceptance" / "cases").glob("*.json"))
INVALID = sorted((SHARED / "acceptance" / "invalid").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check_result(result: dict[str, Any], expect: dict[str, Any], clauses: dict[str, str]) -> list[str]:
    """Every mismatch between a JSON result and an acceptance case's expectations."""
    problems = []
    for decision, value in expect["decisions"].items():
        if decision not in result["decisions"]:
            problems.append(f"{decision}: absent")
            continue
        got = result["decisions"][decision]["value"]
        if got != value:
            problems.append(f"{decision}: expected {value!r}, got {got!r}")
    missing = sorted(m["fact"] for m in result["missing"])
    if missing != sorted(expect["missing"]):
        problems.append(f"missing: expected {sorted(expect['missing'])}, got {missing}")
    for decision, wanted in expect.get("cites", {}).items():
        cites = {c["clause"]: c["text"] for c in result["decisions"][decision]["cites"]}
        for clause in wanted:
            if clause not in cites:
                problems.append(f"{decision}: does not cite {clause} (cites {sorted(cites)})")
            elif cites[clause] != clauses[clause]:
                problems.append(f"{decision}: text of {clause} is not verbatim")
    for decision, body in result["decisions"].items():
        if body["value"] is not None and not body["cites"]:
            problems.append(f"{decision}: decided without a citation")
    return problems


def test_the_public_cases_are_there() -> None:
    assert len(CASES) >= 16 and len(INVALID) >= 6


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_through_the_api(path: Path, policy: Policy, standard_texts: dict[str, str]) -> None:
    spec = _load(path)
    case = read_case(policy, spec["case"])
    from datetime import date

    result = evaluate(policy, case, date.fromisoformat(spec["as_of"]))
    data = json.loads(json.dumps(jsonable(result.to_dict()), ensure_ascii=False))
    assert check_result(data, spec["expect"], standard_texts) == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_through_the_cli(path: Path, tmp_path: Path, standard_texts: dict[str, str]) -> None:
    spec = _load(path)
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(spec["case"], ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("evaluate", str(case_file), "--as-of", spec["as_of"], "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["case_id"] == spec["case"].get("case_id")
    assert result["policy"]["sha256"] and result["policy"]["version"] == "1.0.0"
    assert check_result(result, spec["expect"], standard_texts) == []


def test_all_cases_in_one_batch(tmp_path: Path, standard_texts: dict[str, str]) -> None:
    specs = [_load(p) for p in CASES]
    as_of = {s["as_of"] for s in specs}
    assert len(as_of) == 1, "the batch below assumes one evaluation day"
    lines = "\n".join(json.dumps(s["case"], ensure_ascii=False) for s in specs) + "\n"
    batch = tmp_path / "cases.jsonl"
    batch.write_text(lines, encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(batch), "--as-of", as_of.pop())
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(specs)
    for spec, result in zip(specs, results, strict=True):
        assert result["case_id"] == spec["case"]["case_id"]
        assert check_result(result, spec["expect"], standard_texts) == []


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_through_the_cli(path: Path, tmp_path: Path) -> None:
    spec = _load(path)
    case_file = tmp_path / "bad.json"
    case_file.write_text(json.dumps(spec["case"], ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("evaluate", str(case_file), "--format", "json", "--as-of", "2026-11-27")
    assert code == spec["expect"]["exit"] == 2
    assert out == ""
    assert spec["expect"]["stderr_mentions"] in err
    assert "Traceback" not in err
    for line in err.strip().splitlines():
        assert line.startswith(str(case_file)), line


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_through_the_api(path: Path, policy: Policy) -> None:
    spec = _load(path)
    with pytest.raises(CaseError) as caught:
        read_case(policy, spec["case"])
    assert any(spec["expect"]["stderr_mentions"] in d.format() for d in caught.value.diagnostics)


def test_invalid_lines_in_a_batch_do_not_stop_it(tmp_path: Path) -> None:
    good = _load(CASES[0])
    lines = [json.dumps(good["case"], ensure_ascii=False)]
    lines += [json.dumps(_load(p)["case"], ensure_ascii=False) for p in INVALID]
    lines.append("{not json")
    lines.append(json.dumps(good["case"], ensure_ascii=False))
    batch = tmp_path / "mixed.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = cli("evaluate", "--batch", str(batch), "--as-of", good["as_of"])
    assert code == 2
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(lines)
    assert "decisions" in results[0] and "decisions" in results[-1]
    for number, result in enumerate(results[1:-1], start=2):
        assert result["line"] == number and result["errors"], result
    for spec, result in zip(INVALID, results[1:], strict=False):
        mentioned = _load(spec)["expect"]["stderr_mentions"]
        assert any(mentioned in (e["path"] + " " + e["message"]) for e in result["errors"]), result
