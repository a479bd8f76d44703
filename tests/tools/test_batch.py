"""``--jobs N``: the batch and the impact run in worker processes give, byte for byte,
what one process gives (results, error records, stderr and exit status)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.casegen import generate
from policykit.cli.evaluate import CHUNK_LINES
from policykit.cli.streams import JOBS_PER_CORE, cores, max_jobs

from ..conftest import POLICY_FILE, amended_policy_text, cli


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_give_the_single_process_output(jsonl_parts: tuple[Path, list[Path]], fmt: str) -> None:
    whole, _ = jsonl_parts
    argv = ["evaluate", "--batch", str(whole), "--as-of", "2026-11-27", "--format", fmt, "--lang", "en"]
    one = cli(*argv)
    two = cli(*argv, "--jobs", "2")
    assert one[0] == 2  # the corpus has bad lines
    assert one == two
    if fmt == "json":
        records = [json.loads(line) for line in one[1].splitlines()]
        assert sum("errors" in r for r in records) >= 3 and sum("decisions" in r for r in records) > 500
        assert any(e["code"] == "too-large" for r in records for e in r.get("errors", []))


def test_jobs_give_the_single_process_impact(jsonl_parts: tuple[Path, list[Path]], tmp_path: Path) -> None:
    whole, _ = jsonl_parts
    name, text = amended_policy_text()
    (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["diff", str(POLICY_FILE), str(tmp_path / name), "--cases", str(whole), "--as-of", "2026-11-27"]
    one = cli(*argv, "--format", "json")
    assert one[0] == 0, one[2]
    assert json.loads(one[1])["impact"]["changed"] > 0
    assert cli(*argv, "--format", "json", "--jobs", "2") == one


@pytest.mark.parametrize("command", [["evaluate", "--batch", "x.jsonl"], ["diff", "a.yaml", "b.yaml", "--cases", "x"]])
def test_jobs_below_one_is_a_usage_error(command: list[str]) -> None:
    code, out, err = cli(*command, "--jobs", "0")
    assert code == 2 and out == ""
    assert "--jobs" in err


COMMANDS = [["evaluate", "--batch", "x.jsonl"], ["diff", "a.yaml", "b.yaml", "--cases", "x"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_jobs_above_the_most_per_core_is_a_usage_error(command: list[str]) -> None:
    most = max_jobs()
    assert most == JOBS_PER_CORE * cores()
    code, out, err = cli(*command, "--jobs", str(most + 1))
    assert (code, out) == (2, "")
    assert err == (
        f"policykit: usage: argument --jobs: must be a whole number from 1 to {most} "
        f"({JOBS_PER_CORE} per core, {cores()} cores here), not '{most + 1}'\n"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_the_most_jobs_is_in_the_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(command[0], "--help")[0] == 0
    assert f"most {JOBS_PER_CORE} per core ({max_jobs()} here)" in " ".join(capsys.readouterr().out.split())


def _lines(tmp_path: Path, count: int) -> Path:
    batch = tmp_path / f"{count}.jsonl"
    batch.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in generate(count)), encoding="utf-8")
    return batch


@pytest.mark.parametrize(("count", "most"), [(12, 0), (CHUNK_LINES + 1, 2)])
def test_a_small_batch_starts_no_more_workers_than_chunks(
    tmp_path: Path, count: int, most: int, started: list[str]
) -> None:
    """--jobs at its most on a batch of one chunk starts no process, of two chunks two at most;
    the output is what one process gives."""
    argv = ["evaluate", "--batch", str(_lines(tmp_path, count)), "--as-of", "2026-11-27", "--format", "json"]
    one = cli(*argv)
    assert started == [] and one[0] == 0 and one[1].count("\n") == count
    assert cli(*argv, "--jobs", str(max_jobs())) == one
    assert len(started) <= most


def test_a_small_impact_run_starts_no_worker(tmp_path: Path, started: list[str]) -> None:
    cases = _lines(tmp_path, 12)
    argv = ["diff", str(POLICY_FILE), str(POLICY_FILE), "--cases", str(cases), "--format", "json"]
    one = cli(*argv, "--as-of", "2026-11-27")
    assert one[0] == 0 and json.loads(one[1])["impact"]["cases"] == 12
    assert cli(*argv, "--as-of", "2026-11-27", "--jobs", str(max_jobs())) == one
    assert started == []


def test_a_bad_policy_fails_before_any_line(jsonl_parts: tuple[Path, list[Path]], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: [\n", encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(jsonl_parts[0]), "--policy", str(bad), "--jobs", "2")
    assert code == 2 and out == "" and "bad.yaml" in err


def test_without_the_dask_extra_the_engine_says_how_to_install_it(
    jsonl_parts: tuple[Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    argv = ["evaluate", "--batch", str(jsonl_parts[0]), "--engine", "dask", "--output", str(tmp_path / "out")]
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert "pip install 'policykit[dask]'" in err


def test_every_error_line_is_written_alike(tmp_path: Path) -> None:
    """A line over the case limit, a line that is not JSON and a case the format refuses
    each stand as ``{"line": N, "errors": [...]}``, written alike (CONTRACT's form)."""
    good = (Path(POLICY_FILE).parent.parent / "examples" / "fault.json").read_text(encoding="utf-8")
    good = json.dumps(json.loads(good), ensure_ascii=False)
    lines = [good, "not json", '{"request": {"type": "nope", "date": "2026-02-10"}}', "x" * 2000]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = cli("evaluate", "--batch", str(path), "--format", "json", "--limit", "case_bytes=1900")
    assert code == 2
    errors = out.splitlines()[1:]
    assert [json.loads(e)["line"] for e in errors] == [2, 3, 4]
    assert [json.loads(e)["errors"][0]["code"] for e in errors] == ["json", "schema", "too-large"]
    assert all(e == json.dumps(json.loads(e), ensure_ascii=False) for e in errors)


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]])
def test_explain_is_in_every_json_line_as_in_a_single_case(tmp_path: Path, jobs: list[str]) -> None:
    """``--explain --format json`` adds ``explain`` to a batch's lines as to a single case's
    result (it was dropped from the lines), the same rules considered."""
    from ..conftest import ROOT

    example = ROOT / "examples" / "fault.json"
    lines = tmp_path / "cases.jsonl"
    line = json.dumps(json.loads(example.read_text(encoding="utf-8")), ensure_ascii=False)
    lines.write_text(f"{line}\n{line}\n", encoding="utf-8")
    common = ["--explain", "--format", "json", "--as-of", "2026-11-27"]
    code, out, err = cli("evaluate", str(example), *common)
    assert code == 0, err
    single = json.loads(out)
    code, out, err = cli("evaluate", "--batch", str(lines), *common, *jobs)
    assert code == 0, err
    records = [json.loads(x) for x in out.splitlines()]
    assert len(records) == 2 and all(r["explain"] == single["explain"] and r["explain"] for r in records)
    assert all(r["decisions"] == single["decisions"] for r in records)
    code, out, _ = cli("evaluate", "--batch", str(lines), "--format", "json", "--as-of", "2026-11-27")
    assert not any("explain" in json.loads(x) for x in out.splitlines())  # only when asked for


@pytest.mark.parametrize(
    ("argv", "needs"),
    [
        (["evaluate", "examples/fault.json"], "--batch"),
        (["diff", str(POLICY_FILE), str(POLICY_FILE)], "--cases"),
    ],
)
def test_jobs_where_it_does_nothing_is_a_usage_error(argv: list[str], needs: str) -> None:
    """``--jobs`` with one case (or a diff without cases) was accepted and did nothing."""
    from ..conftest import ROOT

    argv = [str(ROOT / a) if a.startswith("examples/") else a for a in argv]
    code, out, err = cli(*argv, "--jobs", "2")
    assert (code, out) == (2, "")
    assert err.startswith("--jobs: usage: ") and needs in err and err.count("\n") == 1
    assert cli(*argv)[0] == 0  # without it, the same command runs
