"""The hostile corpus: every attack of ``attacks/`` ends in exit 0 with a result or exit 2
with a coded diagnostic, inside a 2 GiB address space and 20 s of CPU (resource limits
on the subprocess: a run over them is killed, and the test sees it), with no traceback
and no exit 1."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from .harness import run_attack

ATTACKS = sorted((Path(__file__).parent / "attacks").glob("*.yaml"))
DIAGNOSTIC = re.compile(r"^.+?: [a-z][a-z0-9-]*: .+$")


def _no_nan(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("path", ATTACKS, ids=[p.stem for p in ATTACKS])
def test_attack_is_refused_or_decided_within_bounds(path: Path, tmp_path: Path) -> None:
    attack = yaml.safe_load(path.read_text(encoding="utf-8"))
    expect = attack.get("expect") or {}
    work = tmp_path / "work"
    work.mkdir()
    outcome = run_attack(attack, work, tmp_path / "cache")
    err = outcome.stderr.decode("utf-8")  # stderr is UTF-8 too
    out = outcome.stdout.decode("utf-8")
    assert outcome.code >= 0, f"killed by signal {-outcome.code} (over the CPU or memory bound?)\n{err[-2000:]}"
    assert outcome.code in expect.get("exit", [0, 2]), f"exit {outcome.code}\n{err[-2000:]}"
    assert "Traceback" not in err and "Traceback" not in out, err[-3000:]
    assert "internal error" not in err, err[-2000:]
    if outcome.code == 2 and not expect.get("quiet"):
        lines = [line for line in err.splitlines() if line]
        assert lines, "exit 2 without a diagnostic"
        for line in lines:
            assert DIAGNOSTIC.match(line), f"not a coded diagnostic: {line!r}"
            assert "\x1b" not in line
    if "code" in expect:
        codes = expect["code"] if isinstance(expect["code"], list) else [expect["code"]]
        assert any(re.search(rf": {re.escape(code)}: ", err + out) for code in codes), err[-2000:]
    if expect.get("json"):
        for line in out.splitlines() if expect.get("json") == "lines" else [out]:
            if line.strip():
                _no_nan(line)
    if expect.get("junit") and out.strip():
        import xml.dom.minidom

        xml.dom.minidom.parseString(outcome.stdout)  # well-formed, or it raises
    for text in expect.get("stdout_has") or []:
        assert text in out
    for text in expect.get("stdout_lacks") or []:
        assert text not in out
    for name in expect.get("absent") or []:
        assert not Path(name).exists(), f"{name} was created"


def test_ctrl_c_while_starting_shows_no_traceback_of_policykit() -> None:
    """SIGINT at 0..25 ms: once policykit's own code runs, Ctrl-C ends quietly (130).  Before
    that, while Python itself starts (site, runpy finding the module), a traceback is Python's,
    and names no file of policykit; the test checks that none does."""
    import signal
    import subprocess
    import sys
    import time

    import policykit

    package = str(Path(policykit.__file__).parent)
    quiet = 0
    for i in range(36):
        proc = subprocess.Popen(
            [sys.executable, "-m", "policykit", "evaluate", "examples/fault.json", "--format", "json"],
            cwd=Path(package).parents[1],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep((i % 12) * 0.0025)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert package not in err.decode("utf-8", "replace"), err.decode("utf-8", "replace")[-2000:]
        quiet += proc.returncode in (0, 130) and not err.strip(b"policykit: interrupted\n")
    assert quiet > 0  # some signals did reach policykit's own code, and it ended them quietly
