"""Ctrl-C with ``--jobs N`` (SIGINT to the whole process group, as a terminal sends it):
exit 130 with the parent's one line, and no traceback from any worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import POLICY_FILE, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")


def _children(pid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                count += 1
    return count


def _interrupted(argv: list[str], cwd: Path, pause: float, times: int = 1) -> tuple[int, str]:
    """Start ``policykit argv``, wait until its two workers run, Ctrl-C the group.

    Its output is not read until then: a batch's parent blocks writing it after ``pause``,
    its workers wait for work (where an inherited Ctrl-C handler printed a traceback each)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykit", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(600):  # the workers start within seconds; a bound, not a timing
            if _children(proc.pid) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted: give it more cases"
        time.sleep(pause)
        for i in range(times):  # Ctrl-C pressed again while the workers end (or passed on by `timeout`)
            if i:
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, err.decode()


@pytest.fixture(scope="module")
def many_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    line = (ROOT / "examples" / "fault.json").read_text(encoding="utf-8").replace("\n", " ")
    path = tmp_path_factory.mktemp("cases") / "many.jsonl"
    path.write_text((line + "\n") * 80000, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["evaluate", "diff"])
def test_ctrl_c_with_jobs_ends_with_one_line(many_cases: Path, tmp_path: Path, command: str) -> None:
    if command == "evaluate":  # the output's pipe full by then: the workers idle
        argv, pause = ["evaluate", "--batch", str(many_cases), "--jobs", "2"], 1.0
    else:  # it writes at the end: interrupted at work
        argv, pause = ["diff", str(POLICY_FILE), str(POLICY_FILE), "--cases", str(many_cases), "--jobs", "2"], 0.1
    code, err = _interrupted(argv, tmp_path, pause)
    assert (code, err) == (130, "policykit: interrupted\n")


def test_ctrl_c_pressed_again_while_the_workers_end_is_ignored(many_cases: Path, tmp_path: Path) -> None:
    """A second and third Ctrl-C broke the parent's wait for its workers: a traceback, and
    a process that never ended."""
    argv = ["evaluate", "--batch", str(many_cases), "--jobs", "2"]
    code, err = _interrupted(argv, tmp_path, 1.0, times=3)
    assert (code, err) == (130, "policykit: interrupted\n")


@pytest.mark.parametrize("times", [1, 3])
def test_ctrl_c_on_a_local_dask_cluster_ends_with_one_line(many_cases: Path, tmp_path: Path, times: int) -> None:
    """The scheduler's and workers' own warnings and tracebacks (a task cancelled, a worker
    ended by the signal, the cluster closing) reached the terminal beside the parent's line;
    and Ctrl-C pressed again while the cluster closed broke its closing."""
    pytest.importorskip("distributed", reason="the dask extra: pip install 'policykit[dask]'")
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        (folder / name).write_bytes(many_cases.read_bytes())
    argv = ["evaluate", "--batch", str(folder / "*.jsonl"), "--engine", "dask", "--jobs", "2"]
    code, err = _interrupted([*argv, "--output", str(tmp_path / "out")], tmp_path, 1.0, times)
    assert (code, err) == (130, "policykit: interrupted\n")
