"""The command line, in-process through ``run(argv, stdout, stderr)`` and, where the
process itself matters (time zones, packaging), as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policykit.cli import evaluate as cmd_evaluate
from policykit.present.layout import width

from .conftest import ROOT, cli

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def test_there_is_an_example_per_request_type(policy: Any) -> None:
    types = {json.loads(p.read_text(encoding="utf-8"))["request"]["type"] for p in EXAMPLES}
    assert types == set(policy.facts["request.type"].values)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_evaluate_in_text_and_json(path: Path) -> None:
    code, out, err = cli("evaluate", str(path), "--format", "text", "--as-of", "2026-11-27")
    assert code == 0, err
    assert "\n决定\n" in out and "\n依据条款\n" in out
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27", "--lang", "en")
    assert code == 0, err
    result = json.loads(out)
    assert result["policy"]["status"] == "draft" and len(result["policy"]["sha256"]) == 64
    assert any("draft" in w for w in result["warnings"])
    assert result["decisions"] and result["actions"]


def test_text_output_reads_in_order(tmp_path: Path) -> None:
    code, out, _ = cli(
        "evaluate", str(ROOT / "examples" / "fault.json"), "--format", "text", "--lang", "en", "--as-of", "2026-11-27"
    )
    assert code == 0
    order = [out.index(f"\n{h}\n") for h in ("Decisions", "Assumed (not in the case)", "Next steps", "Clauses cited")]
    assert order == sorted(order)
    assert "free replacement\n" in out and "[free_replacement]" not in out
    assert "2026-02-14 Sat" in out
    # the clause's original, its English beside it (CONTRACT 2), whole where it is short
    assert "· 保修期定义:自购买该产品之日起壹年(1年)内予以保修,终身维修。\n    Warranty period:" in out
    code, out, _ = cli(
        "evaluate",
        "examples/fault.json",
        "--format",
        "text",
        "--lang",
        "en",
        "--codes",
        "--clauses",
        "full",
        "--as-of",
        "2026-11-27",
    )
    assert "free replacement [free_replacement]" in out and "⟨warranty.period⟩" in out
    assert "保修期定义" in out and "Warranty period:" in out  # whole clauses: the Chinese original, English beside


def test_missing_facts_are_asked_as_questions(tmp_path: Path) -> None:
    case = {"request": {"type": "fault", "date": "2026-05-20"}, "fault": {"code": "x"}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, _ = cli("evaluate", str(path), "--format", "text", "--lang", "en", "--as-of", "2026-11-27")
    assert code == 0
    assert "\nStill to ask\n" in out and "On what day did the company ship the unit?" in out
    assert "decides: warranty start, warranty end" in out  # what the answer decides, by title
    code, out, _ = cli("evaluate", str(path), "--format", "json", "--lang", "zh", "--as-of", "2026-11-27")
    questions = {m["fact"]: m["question"] for m in json.loads(out)["missing"]}
    assert questions["sale.ship_date"] == "本公司的发货日期是哪天？"


def test_stdin_and_file_give_the_same_result() -> None:
    text = (ROOT / "examples" / "return.json").read_text(encoding="utf-8")
    _, from_file, _ = cli(
        "evaluate", str(ROOT / "examples" / "return.json"), "--format", "json", "--as-of", "2026-11-27"
    )
    code, from_stdin, err = cli("evaluate", "-", "--format", "json", "--as-of", "2026-11-27", stdin=text)
    assert code == 0, err
    assert json.loads(from_file)["decisions"] == json.loads(from_stdin)["decisions"]


def test_batch_from_stdin_streams_one_line_per_case() -> None:
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False) for p in EXAMPLES]
    code, out, err = cli("evaluate", "--batch", "-", "--as-of", "2026-11-27", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    ids = [json.loads(line)["case_id"] for line in out.splitlines()]
    assert ids == [json.loads(line)["case_id"] for line in lines]


def test_explain_shows_every_row_and_part(tmp_path: Path) -> None:
    code, out, _ = cli(
        "evaluate",
        str(ROOT / "examples" / "fault.json"),
        "--format",
        "text",
        "--explain",
        "--lang",
        "en",
        "--as-of",
        "2026-11-27",
    )
    assert code == 0
    section = out[out.index("Service type = free replacement   [decision: service.type]") :]
    section = section[: section.index("\n\n")]
    assert "✗ row 1" in section and "✗ row 2" in section and "✗ row 3" in section and "✓ row 4" in section
    assert "(warranty.status == 'out_of_warranty')" in " ".join(section.split())  # the expression beside its words
    assert all(width(line) <= 80 for line in out.splitlines())  # wrapped, as the text view is
    assert "derived" in out and "parameter params.replacement_ship_working_days = 1" in out
    code, out, _ = cli(
        "evaluate", str(ROOT / "examples" / "fault.json"), "--format", "json", "--explain", "--as-of", "2026-11-27"
    )
    trace = {t["id"]: t for t in json.loads(out)["explain"]}
    assert [r["holds"] for r in trace["service.type"]["rules"]] == [False, False, False, True]


def test_docs_url_links_each_cited_clause() -> None:
    code, out, _ = cli(
        "evaluate",
        str(ROOT / "examples" / "fault.json"),
        "--format",
        "json",
        "--docs-url",
        "https://docs.example/policykit/",
        "--as-of",
        "2026-11-27",
    )
    assert code == 0
    cites = json.loads(out)["decisions"]["deadlines.ship_by"]["cites"]
    assert cites[0]["url"].startswith("https://docs.example/policykit/standard/")
    assert cites[0]["url"].endswith("#" + cites[0]["clause"])


def test_unknown_fields_are_warnings_not_errors(tmp_path: Path) -> None:
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["crm_ticket"] = 17
    case["sale"]["invoice"] = "X"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert any("crm_ticket" in w for w in warnings) and any("sale.invoice" in w for w in warnings)


@pytest.mark.parametrize(
    ("argv", "mention"),
    [
        (["evaluate", "/no/such/case.json"], "no such file"),
        (["evaluate", "."], "directory"),
        (["evaluate", "examples/fault.json", "--as-of", "2026-13-01"], "--as-of"),
        (["evaluate", "examples/fault.json", "--policy", "/no/such/policy.yaml"], "no such file"),
        (["evaluate"], "give a case file"),
        (["evaluate", "--batch", "/no/such.jsonl"], "no such file"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_invocations_exit_2_with_one_line(argv: list[str], mention: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert mention in err and "Traceback" not in err


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{\n  "request": {"type": "fault",\n  "date": }\n}\n', encoding="utf-8")
    code, out, err = cli("evaluate", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"{path}:3:")


def test_bad_field_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        '{\n  "request": {"type": "fault", "date": "2026-05-01"},\n  "sale": {\n    "shipping_method": "air"\n  }\n}\n',
        encoding="utf-8",
    )
    code, out, err = cli("evaluate", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"{path}:4:") and "sale.shipping_method" in err


def test_internal_errors_exit_1_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated")

    monkeypatch.setattr(cmd_evaluate, "evaluate_command", boom)
    code, out, err = cli("evaluate", str(ROOT / "examples" / "fault.json"))
    assert code == 1 and out == ""
    assert "internal error" in err and "Traceback" not in err


def _run_process(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "policykit", *args], capture_output=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_json_is_byte_identical_across_runs_and_time_zones() -> None:
    args = ["evaluate", "examples/fault.json", "--format", "json", "--as-of", "2026-11-27"]
    runs = [_run_process(args, {"TZ": tz}) for tz in ("UTC", "America/Los_Angeles", "Asia/Shanghai", "UTC")]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    assert len({r.stdout for r in runs}) == 1


def test_chinese_output_under_a_c_locale() -> None:
    run = _run_process(
        ["evaluate", "examples/fault.json", "--format", "text", "--as-of", "2026-11-27"],
        {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": ""},
    )
    assert run.returncode == 0, run.stderr
    assert "保修期定义" in run.stdout.decode("utf-8")


def test_validate_summary_and_exit_codes(tmp_path: Path) -> None:
    code, out, err = cli("validate")
    assert code == 0
    assert "65 clauses" in out and "draft" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (ROOT / "policies" / "standard_v1.yaml")
        .read_text(encoding="utf-8")
        .replace("cites: [repair-time.1, ops.exchange.procedure.4]", "cites: [repair-time.9]", 1),
        encoding="utf-8",
    )
    code, out, err = cli("validate", str(broken))
    assert code == 2 and out == ""
    assert "unknown-clause" in err and "did you mean 'repair-time." in err


def test_a_batch_problem_is_placed_at_its_line_and_column() -> None:
    """A line of a batch is one JSON text: a problem on it is named by the batch's line
    number and the column within the line, as a single case's would be."""
    good = json.dumps(json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")), ensure_ascii=False)
    bad_json = '{"request": {"type": "fault",, }}'
    bad_day = '{"request": {"type": "fault", "date": "2026-02-30"}}'
    stdin = "\n".join([good, bad_json, bad_day]) + "\n"
    code, out, err = cli("evaluate", "--batch", "-", "--as-of", "2026-11-27", "--lang", "en", stdin=stdin)
    assert code == 2 and len(out.splitlines()) == 3
    lines = err.splitlines()
    assert lines[0].startswith(f"-:2:{bad_json.index(',,') + 2}: json: ")
    date_at = bad_day.index('"date"') + 1
    assert lines[1].startswith(f"-:3:{date_at}: ") and lines[1].endswith("(at request.date)")


def test_validate_names_an_uncited_clause_once(tmp_path: Path) -> None:
    """The compile and the checks both find a clause no rule cites; validate prints it once
    (it printed it twice, in two wordings)."""
    text = (ROOT / "policies" / "standard_v1.yaml").read_text(encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace("informational: true", "informational: false", 1), encoding="utf-8")
    code, _, err = cli("validate", str(policy))
    assert code == 0, err
    assert len([line for line in err.splitlines() if "uncited-clause" in line]) == 1, err
    lines = [int(line.split(":")[1]) for line in err.splitlines() if ": warning: " in line]
    assert len(lines) >= 2 and lines == sorted(lines), err  # by place, as errors are
