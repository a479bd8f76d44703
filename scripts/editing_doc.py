"""Run the walkthrough of docs/editing.md and check (or refresh) the output it shows.

    python scripts/editing_doc.py check    # exit 1 and each command whose output differs
    python scripts/editing_doc.py update   # rewrite the shown output of each command from a real run

The walkthrough is executable: a fenced block preceded by ``<!-- file: PATH -->`` is written
to PATH in a scratch project (a folder holding ``policies/`` with the bundled v1.0), and
every line ``$ policykit ARGS`` of a ``text`` block is run there, in the order of the page.
The lines after a command, up to the next command or the end of the block, are its output:
stdout, and stderr too when the exit status is not 0.  A line ``...`` in the shown output
stands for any lines left out; ``update`` leaves such a block as it is.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from policykit.cli.app import run

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "editing.md"
_FENCE = re.compile(r"^(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```\n", re.S | re.M)
ELIDED = "..."


@dataclass(frozen=True)
class Step:
    """A command of the page, the output it shows and where that output is in the page."""

    argv: tuple[str, ...]
    shown: tuple[str, ...]
    start: int  # offset of the output's first character in the page
    end: int  # offset just past its last line


@dataclass(frozen=True)
class File:
    path: str
    text: str


def parse(page: str) -> Iterator[Step | File]:
    """The page's files and commands, in order."""
    for block in _FENCE.finditer(page):
        if block["file"]:
            yield File(block["file"], block["body"])
            continue
        if block["lang"] != "text" or not block["body"].startswith("$ policykit "):
            continue
        offset = block.start("body")
        lines = block["body"].splitlines(keepends=True)
        i = 0
        while i < len(lines):
            argv = tuple(shlex.split(lines[i][len("$ policykit ") :]))
            offset += len(lines[i])
            j = i + 1
            while j < len(lines) and not lines[j].startswith("$ policykit "):
                j += 1
            shown = [line.rstrip("\n") for line in lines[i + 1 : j]]
            size = sum(len(line) for line in lines[i + 1 : j])
            while shown and not shown[-1]:
                shown.pop()
            yield Step(argv, tuple(shown), offset, offset + size)
            offset += size
            i = j


def output(argv: tuple[str, ...]) -> list[str]:
    """What the page shows of a command: stdout, and stderr when it fails."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    text = out.getvalue() + (err.getvalue() if code else "")
    return text.rstrip("\n").split("\n") if text.strip() else []


def matches(shown: tuple[str, ...], actual: list[str]) -> bool:
    """The shown lines are the actual ones, a ``...`` line standing for any run of lines."""
    pattern = "".join(".*?" if line == ELIDED else re.escape(line + "\n") for line in shown)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual), re.S) is not None


def walk(page: str, project: Path) -> list[tuple[Step, list[str]]]:
    """Run the page in ``project`` (made a scratch project first): each step and its output."""
    policies = project / "policies"
    (policies / "tests").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "policies" / "standard_v1.yaml", policies / "standard_v1.yaml")
    here = os.getcwd()
    os.chdir(project)
    done = []
    try:
        for item in parse(page):
            if isinstance(item, File):
                target = project / item.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(item.text, encoding="utf-8")
            else:
                done.append((item, output(item.argv)))
    finally:
        os.chdir(here)
    return done


def main(argv: list[str]) -> int:
    if argv not in (["check"], ["update"]):
        print(__doc__, file=sys.stderr)
        return 2
    page = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        done = walk(page, Path(scratch))
    stale = [(step, actual) for step, actual in done if not matches(step.shown, actual)]
    if argv == ["check"]:
        for step, actual in stale:
            print(f"$ policykit {shlex.join(step.argv)}\n" + "\n".join(actual) + "\n", file=sys.stderr)
        print(f"{len(done)} commands run, {len(stale)} show other output than the page")
        return 1 if stale else 0
    for step, actual in sorted(stale, key=lambda s: -s[0].start):
        if ELIDED in step.shown:
            print(f"left as it is (it elides lines): $ policykit {shlex.join(step.argv)}", file=sys.stderr)
            continue
        text = "".join(line + "\n" for line in actual) + ("\n" if page[step.end : step.end + 4] != "```\n" else "")
        page = page[: step.start] + text + page[step.end :]
    DOC.write_text(page, encoding="utf-8")
    print(f"{len(done)} commands run, {len(stale)} outputs refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
