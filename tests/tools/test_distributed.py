"""``--engine dask`` on a 2-worker LocalCluster: the parts it writes, and the impact it
counts, equal what one process gives for the same files (JSON Lines and Parquet)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import POLICY_FILE, amended_policy_text, cli

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install 'policykit[dask]'")
pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

ARGS = ["--as-of", "2026-11-27", "--lang", "en"]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def inputs(jsonl_parts: tuple[Path, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The JSON Lines parts, and the last one again as Parquet (one case a row)."""
    _, parts = jsonl_parts
    folder = tmp_path_factory.mktemp("mixed")
    files = []
    for part in parts:
        files.append(folder / part.name)
        files[-1].write_bytes(part.read_bytes())
    rows = [line for line in parts[-1].read_text(encoding="utf-8").split("\n")[:-1]]
    pq.write_table(pa.table({"case": rows}), folder / "zz-last.parquet")
    files.append(folder / "zz-last.parquet")
    return sorted(files)


def test_the_cluster_writes_what_one_process_writes(inputs: list[Path], scheduler: str, tmp_path: Path) -> None:
    pattern = str(inputs[0].parent / "*")
    code, out, err = cli(
        "evaluate",
        "--batch",
        pattern,
        *ARGS,
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
        "--output",
        str(tmp_path / "out"),
    )
    summary = [json.loads(line) for line in out.splitlines()]
    assert [s["input"] for s in summary] == [str(p) for p in inputs]
    expected_err = []
    for part, source in zip(summary, inputs, strict=True):
        one = cli("evaluate", "--batch", str(source), *ARGS)
        assert Path(part["output"]).read_text(encoding="utf-8") == one[1], source
        assert part["bad"] == sum('"errors"' in line and line.startswith('{"line"') for line in one[1].splitlines())
        expected_err.append(one[2])
    assert err == "".join(expected_err)
    assert code == 2  # bad lines, as in one process
    assert sum(s["cases"] for s in summary) > 600


def _impact(out: str) -> dict[str, object]:
    """The impact of a diff's JSON, its rejected cases named by their lines alone: the cluster
    names them in the part files (the first part holds the first lines of the whole)."""
    data = json.loads(out)["impact"]
    assert isinstance(data, dict)
    data["rejected_examples"] = [name.rsplit(":", 1)[1] for name in data["rejected_examples"]]
    return data


def test_the_cluster_counts_the_impact_one_process_counts(
    jsonl_parts: tuple[Path, list[Path]], scheduler: str, tmp_path: Path
) -> None:
    whole, parts = jsonl_parts
    name, text = amended_policy_text()
    (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["diff", str(POLICY_FILE), str(tmp_path / name), "--as-of", "2026-11-27", "--format", "json"]
    one = cli(*argv, "--cases", str(whole))
    assert one[0] == 0, one[2]
    on_dask = cli(*argv, "--cases", str(parts[0].parent / "*.jsonl"), "--engine", "dask", "--scheduler", scheduler)
    assert on_dask[0] == 0, on_dask[2]

    # case ids name the generated cases; the acceptance cases name theirs: identical examples
    assert _impact(on_dask[1]) == _impact(one[1])


def test_the_cluster_counts_the_impact_under_the_limits_given(
    jsonl_parts: tuple[Path, list[Path]], scheduler: str, tmp_path: Path
) -> None:
    """``diff --cases GLOB --engine dask --limit ...``: each case is read and decided under
    the limits given, as in one process (here a smaller case_bytes rejects more cases)."""
    whole, parts = jsonl_parts
    name, text = amended_policy_text()
    (tmp_path / name).write_text(text, encoding="utf-8")
    argv = ["diff", str(POLICY_FILE), str(tmp_path / name), "--as-of", "2026-11-27", "--format", "json"]
    limit = ["--limit", "case_bytes=600"]
    one = cli(*argv, "--cases", str(whole), *limit)
    default = cli(*argv, "--cases", str(whole))
    assert one[0] == default[0] == 0, one[2]
    rejected = json.loads(one[1])["impact"]["rejected"]
    assert rejected > json.loads(default[1])["impact"]["rejected"]
    dask = ["--cases", str(parts[0].parent / "*.jsonl"), "--engine", "dask", "--scheduler", scheduler]
    on_dask = cli(*argv, *dask, *limit)
    assert on_dask[0] == 0, on_dask[2]
    assert _impact(on_dask[1]) == _impact(one[1])


def test_a_local_cluster_when_no_scheduler_is_given(
    inputs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """... of --jobs workers, never more than the files (one here)."""
    from policykit.tools import distributed as on_dask

    asked: list[int] = []
    real = on_dask.dask_client

    def client(scheduler: str | None, workers: int) -> Any:
        asked.append(workers)
        return real(scheduler, workers)

    monkeypatch.setattr(on_dask, "dask_client", client)
    code, out, err = cli(
        "evaluate",
        "--batch",
        str(inputs[-1]),
        *ARGS,
        "--engine",
        "dask",
        "--jobs",
        "2",
        "--output",
        str(tmp_path / "out"),
    )
    assert code == 0, err
    assert asked == [1]
    (part,) = [json.loads(line) for line in out.splitlines()]
    assert Path(part["output"]).read_text(encoding="utf-8") == cli("evaluate", "--batch", str(inputs[-1]), *ARGS)[1]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["evaluate", "--batch", "/no/such/*.jsonl", "--engine", "dask", "--output", "x"], "no JSON Lines"),
        (["evaluate", "--batch", "a.jsonl", "--engine", "dask"], "--output"),
        (["evaluate", "examples/fault.json", "--engine", "dask"], "--batch"),
    ],
)
def test_usage_errors_name_what_is_wrong(argv: list[str], words: str) -> None:
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert words in err


def test_a_terminal_sees_the_files_done_counted(inputs: list[Path], scheduler: str, tmp_path: Path) -> None:
    """With a progress stream (stderr on a terminal), each file done is counted as it ends,
    and the parts still come in the order of the files."""
    import io

    from policykit.lang.dates import date
    from policykit.tools.batch import BatchSettings
    from policykit.tools.distributed import evaluate_on_cluster

    progress = io.StringIO()
    settings = BatchSettings(policy=str(POLICY_FILE), as_of=date(2026, 11, 27), lang="en")
    parts = evaluate_on_cluster(settings, str(inputs[0].parent / "*"), str(tmp_path / "out"), scheduler, 2, progress)
    assert [p.source for p in parts] == [str(p) for p in inputs]
    last = progress.getvalue().rsplit("\r\x1b[K", 1)[-1]
    assert last.startswith(f"  {len(inputs)} files decided in ") and last.endswith("/s)\n")


def test_bad_options_are_refused_with_one_line(inputs: list[Path], tmp_path: Path) -> None:
    import dask

    batch = ["evaluate", "--batch", str(inputs[0]), *ARGS, "--engine", "dask"]
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    assert cli(*batch, "--output", str(afile)) == (
        2,
        "",
        f"{afile}: not-a-folder: --output names a file: give a folder\n",
    )
    out_dir = str(tmp_path / "out")
    (tmp_path / "out").mkdir()
    earlier = tmp_path / "out" / "part-00000.jsonl"
    earlier.write_text("the last run's results\n", encoding="utf-8")
    code, out, err = cli(*batch, "--output", out_dir, "--scheduler", "garbage")
    assert (code, out) == (2, "") and err.startswith("--scheduler: scheduler-unreachable: ") and err.count("\n") == 1
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, out, err = cli(*batch, "--output", out_dir, "--scheduler", "tcp://127.0.0.1:1")
    assert (code, out) == (2, ""), err
    assert err.startswith("--scheduler: scheduler-unreachable: ") and err.count("\n") == 1, err
    # a run refused before any work keeps the last results
    assert earlier.read_text(encoding="utf-8") == "the last run's results\n"


def test_an_output_folder_reused_keeps_no_part_of_the_earlier_run(
    inputs: list[Path], scheduler: str, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "part-00099.jsonl").write_text("old\n", encoding="utf-8")
    (out_dir / "notes.md").write_text("mine\n", encoding="utf-8")
    dask = ["--engine", "dask", "--scheduler", scheduler, "--output", str(out_dir)]
    code, out, err = cli("evaluate", "--batch", str(inputs[0]), *ARGS, *dask)
    assert code in (0, 2), err
    assert [json.loads(line)["output"] for line in out.splitlines()] == [str(out_dir / "part-00000.jsonl")]
    assert sorted(p.name for p in out_dir.iterdir()) == ["notes.md", "part-00000.jsonl"]


def test_a_local_workers_preload_leaves_ctrl_c_to_the_command() -> None:
    """In its main thread it ignores SIGINT; anywhere else it changes nothing."""
    import signal
    import subprocess
    import sys

    probe = (
        "import signal, threading\n"
        "from policykit.tools.dask_worker import dask_setup\n"
        "t = threading.Thread(target=dask_setup, args=(None,)); t.start(); t.join()\n"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
        "dask_setup(None)\n"
        "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True"]
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # this process untouched


def test_ctrl_c_silences_the_logs_until_the_cluster_closes_then_puts_them_back() -> None:
    """The first Ctrl-C raises KeyboardInterrupt with every log off; one pressed again while
    the cluster closes is ignored; after, the logging and the handler are as they were."""
    import logging
    import os
    import signal
    import time

    from policykit.tools.distributed import _quiet_once_interrupted

    before, was = signal.getsignal(signal.SIGINT), logging.root.manager.disable
    seen: list[object] = []
    with pytest.raises(KeyboardInterrupt), _quiet_once_interrupted():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # a bound: the handler runs at once
        finally:  # as the cluster closes
            seen += [logging.root.manager.disable, signal.getsignal(signal.SIGINT)]
            os.kill(os.getpid(), signal.SIGINT)  # pressed again: ignored
    assert seen == [logging.CRITICAL, signal.SIG_IGN]
    assert logging.root.manager.disable == was
    assert signal.getsignal(signal.SIGINT) is before
