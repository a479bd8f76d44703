"""The progress line of long runs: on a terminal only, redrawn in place, cleared before
other lines, ended with the count, the time and the rate."""

from __future__ import annotations

import io
import json
from pathlib import Path

from policykit.cli.app import run
from policykit.tools.progress import Progress
from tests.conftest import ROOT

CLEAR = "\r\x1b[K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_update_redraws_the_line_in_place_and_done_keeps_the_last() -> None:
    stream = io.StringIO()
    line = Progress(stream, "lines read", every=0)
    line.update(5)
    line.update(1234)
    line.done(2000)
    shown = stream.getvalue()
    assert shown.startswith(CLEAR + "  5 lines read") and CLEAR + "  1,234 lines read" in shown
    last = shown.rsplit(CLEAR, 1)[1]
    assert last.startswith("  2,000 lines read in ") and last.endswith("/s)\n")


def test_updates_closer_than_the_period_are_not_drawn() -> None:
    stream = io.StringIO()
    line = Progress(stream, "cases", every=3600)
    for count in range(1, 100):
        line.update(count)
    assert stream.getvalue().count(CLEAR) == 1 and "  1 cases" in stream.getvalue()


def test_clear_erases_only_a_line_that_is_shown() -> None:
    stream = io.StringIO()
    line = Progress(stream, "cases", every=0)
    line.clear()
    assert stream.getvalue() == ""
    line.update(3)
    line.clear()
    line.clear()
    assert stream.getvalue() == CLEAR + "  3 cases" + CLEAR or stream.getvalue().startswith(CLEAR + "  3 cases (")
    assert stream.getvalue().endswith(CLEAR) and stream.getvalue().count(CLEAR) == 2


def _batch(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_batch_shows_its_progress_on_a_terminal_and_clears_it_for_each_error(tmp_path: Path) -> None:
    case = json.dumps(json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")), ensure_ascii=False)
    path = _batch(tmp_path, [case, "{not json", case])
    out, err = io.StringIO(), Terminal()
    code = run(["evaluate", "--batch", str(path), "--as-of", "2026-11-27"], out, err, io.StringIO())
    assert code == 2 and len(out.getvalue().splitlines()) == 3
    lines = err.getvalue().split("\n")
    assert lines[-1] == ""  # the last line is ended
    error = next(n for n, text in enumerate(lines) if ":2:" in text)
    # the error line starts clean (whatever was drawn before it erased), and the count ends the run
    assert lines[error].rsplit(CLEAR, 1)[-1].startswith(str(path) + ":2:")
    assert lines[-2].rsplit(CLEAR, 1)[-1].startswith("  3 lines read in ")


def test_no_progress_line_off_a_terminal_or_when_the_results_are_on_it(tmp_path: Path) -> None:
    case = (ROOT / "examples" / "fault.json").read_text(encoding="utf-8").replace("\n", "")
    path = _batch(tmp_path, [case])
    argv = ["evaluate", "--batch", str(path), "--as-of", "2026-11-27"]
    for out, err in ((io.StringIO(), io.StringIO()), (Terminal(), Terminal())):
        assert run(argv, out, err, io.StringIO()) == 0
        assert "lines read" not in err.getvalue() and CLEAR not in err.getvalue()


def test_one_rule_says_where_every_progress_line_goes() -> None:
    """stderr on a terminal; not when the results stream to a terminal as they come."""
    from policykit.cli.streams import progress_stream

    err = Terminal()
    assert progress_stream(err) is err and progress_stream(err, io.StringIO()) is err
    assert progress_stream(err, Terminal()) is None and progress_stream(io.StringIO()) is None
