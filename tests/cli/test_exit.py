"""How the ``policykit`` command ends: a process started for one plain ``evaluate FILE``
line ends at once (``os._exit``) once its output is flushed, without tearing the
interpreter down; every other line, and any process where something asked to run at exit,
ends as usual (``sys.exit``).  The status and the output are the same either way."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from policykit.cli import app
from policykit.cli import evaluate as evaluate_module
from policykit.lang.expr import Compiled

from ..conftest import ROOT, cli

FAULT = ROOT / "examples" / "fault.json"


class _Ended(Exception):
    """``os._exit`` called, with this status."""


@pytest.fixture
def ending(monkeypatch: pytest.MonkeyPatch) -> None:
    """``main()`` run in this process: ``os._exit`` raises, and what the one-case road sets
    process-wide is put back after the test."""

    def end(code: int) -> None:
        raise _Ended(code)

    monkeypatch.setattr(os, "_exit", end)  # the function app calls
    monkeypatch.setattr(sys, "getprofile", lambda: None)  # (as in a process no tool watches)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(evaluate_module, "ONE_SHOT", False)
    monkeypatch.setattr(Compiled, "try_fast", True)


def _main(monkeypatch: pytest.MonkeyPatch, *argv: str, callbacks: int = 0, entry: bool = True) -> int:
    """The status ``main()`` ends with (``os._exit``'s as an _Ended, else 100 + SystemExit's),
    called as the ``policykit`` command calls it (``entry``) or as a host program would."""
    monkeypatch.setattr(sys, "argv", ["policykit", *argv])
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: callbacks)
    try:
        app.main(end_at_once=True) if entry else app.main()
    except SystemExit as exc:
        return -1 if exc.code is None else 100 + int(exc.code)  # 100 + status: ended as usual
    except _Ended as ended:
        return int(ended.args[0])
    raise AssertionError("main() returned")


ARGS = (str(FAULT), "--as-of", "2026-11-27", "--format", "json")


@pytest.mark.usefixtures("ending")
def test_one_case_ends_at_once_with_its_output_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(monkeypatch, "evaluate", *ARGS) == 0
    out = capsys.readouterr().out
    assert out == cli("evaluate", *ARGS)[1] and json.loads(out)["request_type"] == "fault"


@pytest.mark.usefixtures("ending")
def test_a_bad_case_ends_at_once_with_status_2_and_nothing_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"request": {"type": "fault", "date": "2026-02-30"}}', encoding="utf-8")
    assert _main(monkeypatch, "evaluate", str(bad)) == 2
    got = capsys.readouterr()
    assert got.out == "" and got.err == cli("evaluate", str(bad))[2] != ""


@pytest.mark.usefixtures("ending")
@pytest.mark.parametrize("entry", [True, False])
def test_ctrl_c_as_the_run_ends_ends_it_as_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, entry: bool
) -> None:
    """Ctrl-C while a failed run drops what stdout holds (the last thing it does): status 130,
    and no traceback (once the start got quicker, the hostile test's signal landed there)."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(app, "_quiet_stdout", interrupted)
    assert _main(monkeypatch, "evaluate", str(tmp_path / "none.json"), entry=entry) == (130 if entry else 230)
    assert "not-found" in capsys.readouterr().err


@pytest.mark.usefixtures("ending")
def test_what_asked_to_run_at_exit_is_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A coverage tool or a ``sitecustomize`` that registered an exit function: the
    interpreter ends as usual, and runs it."""
    assert _main(monkeypatch, "evaluate", *ARGS, callbacks=1) == 100
    assert json.loads(capsys.readouterr().out)["request_type"] == "fault"


@pytest.mark.usefixtures("ending")
def test_a_host_calling_main_gets_system_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A program that sets ``sys.argv`` and calls ``main()`` is never ended under it."""
    assert _main(monkeypatch, "evaluate", *ARGS, entry=False) == 100
    assert json.loads(capsys.readouterr().out)["request_type"] == "fault"


@pytest.mark.usefixtures("ending")
@pytest.mark.parametrize("hook", ["getprofile", "gettrace"])
def test_a_profiler_or_tracer_keeps_the_usual_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], hook: str
) -> None:
    """``python -m cProfile -o FILE``, ``python -m trace``: what they write at the end is written."""
    monkeypatch.setattr(sys, hook, lambda: print)
    assert _main(monkeypatch, "evaluate", *ARGS) == 100
    assert json.loads(capsys.readouterr().out)["request_type"] == "fault"


def _child(*argv: str) -> subprocess.CompletedProcess[str]:
    """A real Python process running ``argv`` (no coverage tool's exit function registered)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_")}
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False
    )


def test_a_profiled_command_writes_its_profile(tmp_path: Path) -> None:
    """The real process under cProfile (no exit function registered): its profile is written."""
    profile = tmp_path / "prof.out"
    run = _child("-m", "cProfile", "-o", str(profile), "-m", "policykit", "evaluate", *ARGS)
    assert (run.returncode, run.stdout) == (0, cli("evaluate", *ARGS)[1])
    assert profile.stat().st_size > 0


def test_a_host_program_calling_main_in_a_process_of_its_own_goes_on(tmp_path: Path) -> None:
    host = (
        "import sys\nfrom policykit.cli import app\n"
        f"sys.argv = ['policykit', 'evaluate', *{list(ARGS)!r}]\n"
        "try:\n    app.main()\nexcept SystemExit as e:\n    print('host goes on', e.code, file=sys.stderr)\n"
    )
    run = _child("-c", host)
    assert (run.returncode, run.stdout, run.stderr) == (0, cli("evaluate", *ARGS)[1], "host goes on 0\n")


@pytest.mark.usefixtures("ending")
@pytest.mark.parametrize(
    "argv",
    [
        ("evaluate", *ARGS, "--explain"),  # a line the parser reads
        ("evaluate", str(FAULT), "--limit", "operations=5000000"),
        ("schema", "--case"),
        ("--version",),
    ],
)
def test_every_other_line_ends_as_usual(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code = _main(monkeypatch, *argv)
    assert code >= 100, code
    capsys.readouterr()


def test_the_command_ends_with_the_same_output_and_status(tmp_path: Path) -> None:
    """The real process (no exit function registered): its output, written through a pipe,
    is whole, and its status is the run's."""
    for args, status in ((ARGS, 0), ((str(tmp_path / "missing.json"),), 2)):
        run = _child("-m", "policykit", "evaluate", *args)
        code, out, err = cli("evaluate", *args)
        assert code == status
        assert (run.returncode, run.stdout, run.stderr) == (status, out, err)
