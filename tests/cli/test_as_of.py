"""``--as-of`` before a case's request date (the day of evaluation before the request was
made: likely a typo) is said in one warning line on stderr, where the request date stands;
for a batch, one line in all, with the count and the first line.  The exit status and the
output stay what they are, and the result format does not change (CONTRACT.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit.lang.dates import parse_date
from policykit.limits import DEFAULT
from policykit.tools.document import BatchSettings, evaluate_raw

from ..conftest import ROOT, cli

FAULT = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
REQUESTED = FAULT["request"]["date"]  # 2026-02-10
CODE = "as-of-before-request"


def _case_file(folder: Path, requested: str = REQUESTED) -> tuple[Path, int, int]:
    """The example fault case requested on ``requested``, and where its request date stands."""
    case = {**FAULT, "request": {**FAULT["request"], "date": requested}}
    text = json.dumps(case, ensure_ascii=False, indent=2)
    path = folder / "case.json"
    path.write_text(text, encoding="utf-8")
    number, line = next(
        (n, x) for n, x in enumerate(text.splitlines(), 1) if x.strip().rstrip(",") == f'"date": "{requested}"'
    )
    return path, number, line.index('"date"') + 1


def _early(day: str, days: int = 1) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_day_before_the_request_is_said_where_the_request_date_stands(tmp_path: Path, fmt: str) -> None:
    path, line, col = _case_file(tmp_path)
    as_of = _early(REQUESTED, 40)
    code, out, err = cli("evaluate", str(path), "--as-of", as_of, "--format", fmt)
    assert code == 0 and out
    assert err == (
        f"{path}:{line}:{col}: {CODE}: --as-of {as_of} is before the request date {REQUESTED}: "
        "decided as of a day before the request was made (a typo?) (at request.date)\n"
    )


def test_the_output_is_the_result_as_the_library_gives_it(tmp_path: Path) -> None:
    """The warning changes neither stdout nor the result's format."""
    path, _, _ = _case_file(tmp_path)
    as_of = _early(REQUESTED)
    code, out, err = cli("evaluate", str(path), "--as-of", as_of, "--format", "json")
    assert code == 0 and CODE in err
    settings = BatchSettings(str(ROOT / "policies" / "standard_v1.yaml"), as_of=parse_date(as_of), limits=DEFAULT)
    _, _, result = evaluate_raw(settings, path.read_bytes(), str(path))
    assert json.loads(out) == json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    on_the_day = json.loads(cli("evaluate", str(path), "--as-of", REQUESTED, "--format", "json")[1])
    assert list(json.loads(out)) == list(on_the_day)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(-400, 400))
def test_a_warning_exactly_when_the_day_is_before_the_request(tmp_path: Path, offset: int) -> None:
    path, _, _ = _case_file(tmp_path)
    as_of = (date.fromisoformat(REQUESTED) + timedelta(days=offset)).isoformat()
    code, out, err = cli("evaluate", str(path), "--as-of", as_of, "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == as_of
    assert (err.count(f": {CODE}: ") == 1) is (offset < 0)
    assert err.count("\n") == (offset < 0)


def test_no_as_of_no_warning(tmp_path: Path) -> None:
    path, _, _ = _case_file(tmp_path, "2099-01-05")  # requested after today: not what --as-of is about
    code, _, err = cli("evaluate", str(path), "--format", "json")
    assert (code, err) == (0, "")


def test_standard_input_is_named_as_the_other_lines_name_it(tmp_path: Path) -> None:
    path, line, col = _case_file(tmp_path)
    code, _, err = cli("evaluate", "-", "--as-of", _early(REQUESTED), stdin=path.read_text(encoding="utf-8"))
    assert code == 0 and err.startswith(f"<stdin>:{line}:{col}: {CODE}: ")


def test_the_one_case_process_says_it_too(tmp_path: Path) -> None:
    """``policykit evaluate FILE`` in its own process (the one-case road, cli/quick.py)."""
    path, line, col = _case_file(tmp_path)
    as_of = _early(REQUESTED)
    run = subprocess.run(
        [sys.executable, "-m", "policykit", "evaluate", str(path), "--as-of", as_of, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0 and json.loads(run.stdout)["as_of"] == as_of
    assert run.stderr.startswith(f"{path}:{line}:{col}: {CODE}: --as-of {as_of} is before the request date")
    assert run.stderr.count("\n") == 1


def _batch(folder: Path, requested: list[str]) -> Path:
    path = folder / "cases.jsonl"
    lines = [
        json.dumps({**FAULT, "request": {**FAULT["request"], "date": day}}, ensure_ascii=False) for day in requested
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BATCH = ["2026-01-05", "2026-03-01", "2026-02-20", "2026-01-31", "2026-02-15", "2026-02-14"]
AS_OF = "2026-02-14"  # after lines 1 and 4, the day of line 6, before lines 2, 3 and 5


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_batch_says_it_once_with_the_count_and_the_first_line(tmp_path: Path, jobs: str, fmt: str) -> None:
    path = _batch(tmp_path, BATCH * 30)  # 180 lines: three chunks of 64 in worker processes
    code, out, err = cli("evaluate", "--batch", str(path), "--as-of", AS_OF, "--format", fmt, "--jobs", jobs)
    assert code == 0
    assert err == (
        f"{path}:2: {CODE}: --as-of {AS_OF} is before the request date of 90 cases, the first on line 2: "
        "decided as of a day before the request was made (a typo?) (at request.date)\n"
    )
    if fmt == "json":
        assert [json.loads(x)["as_of"] for x in out.splitlines()] == [AS_OF] * 180


def test_a_batch_of_one_such_case_says_so(tmp_path: Path) -> None:
    path = _batch(tmp_path, ["2026-01-05", "2026-03-01"])
    code, _, err = cli("evaluate", "--batch", str(path), "--as-of", AS_OF)
    assert code == 0 and f"{path}:2: {CODE}: --as-of {AS_OF} is before the request date of 1 case, on line 2:" in err


def test_a_batch_with_bad_lines_keeps_its_status_and_says_each(tmp_path: Path) -> None:
    path = _batch(tmp_path, ["2026-03-01", "2026-02-30"])  # line 2: no such day
    code, out, err = cli("evaluate", "--batch", str(path), "--as-of", AS_OF)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{path}:2:") and ": bad-value: " in lines[0]
    assert lines[1].startswith(f"{path}:1: {CODE}: ") and "of 1 case, on line 1" in lines[1]
    assert [sorted(json.loads(x)) for x in out.splitlines()][1] == ["errors", "line"]
