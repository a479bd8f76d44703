"""The architecture holds: layers imported only downwards (import-linter's contract in
pyproject.toml), no import cycle, small modules, and a decision record with no language."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import grimp
import pytest

from policykit.engine.case import read_case
from policykit.engine.decide import decide_case
from policykit.engine.record import CaseRecord, Notice
from policykit.policy.model import Policy, Text

from .conftest import ROOT, SHARED

SRC = ROOT / "src"
LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
]
MAX_MODULE_LINES = 500


def _lint_imports(config: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache", "--no-logo", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_layers_contract_is_kept() -> None:
    run = _lint_imports(ROOT / "pyproject.toml", SRC)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_layers_contract_names_every_subpackage() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    named = set(re.findall(r"policykit\.(\w+)", text.split("[tool.importlinter]", 1)[1]))
    packages = {p.name for p in (SRC / "policykit").iterdir() if (p / "__init__.py").is_file()}
    assert packages <= named, f"subpackages missing from the layers contract: {sorted(packages - named)}"


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """A scratch copy where the engine imports the CLI: lint-imports must fail and name it."""
    shutil.copytree(SRC / "policykit", tmp_path / "src" / "policykit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env_module = tmp_path / "src" / "policykit" / "engine" / "env.py"
    env_module.write_text(env_module.read_text(encoding="utf-8") + "\nfrom policykit.cli.app import run  # noqa\n")
    run = _lint_imports(tmp_path / "pyproject.toml", tmp_path / "src")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    assert "policykit.engine.env -> policykit.cli.app" in run.stdout


def _cycles(graph: Any) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1 or module in graph.find_modules_directly_imported_by(module):
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_src() -> None:
    graph = grimp.build_graph("policykit", cache_dir=None)
    assert len(graph.modules) > 40
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    class Graph:
        modules = frozenset(edges)

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return edges[module]

    assert _cycles(Graph()) == [["a", "b", "c"]]


def test_no_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in (SRC / "policykit").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


# -- the decision record carries no language ----------------------------------------------

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_POLICY_OBJECTS = ("Policy", "Value", "Rule", "Text", "Step", "Clause", "Fact", "Cite")


def _strings(obj: Any, seen: set[int]) -> list[str]:
    """Every string reachable from a record, not descending into the policy it refers to."""
    if isinstance(obj, str):
        return [obj]
    if id(obj) in seen or type(obj).__name__ in _POLICY_OBJECTS or isinstance(obj, (int, float, date, type(None))):
        return []
    seen.add(id(obj))
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in (*_strings(k, seen), *_strings(v, seen))]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [s for item in obj for s in _strings(item, seen)]
    slots = [n for cls in type(obj).__mro__ for n in getattr(cls, "__slots__", ())]
    names = slots or list(getattr(obj, "__dict__", {}))
    return [s for name in names if hasattr(obj, name) for s in _strings(getattr(obj, name), seen)]


def _policy_words(policy: Policy) -> set[str]:
    """Every zh and en text of the policy (titles, labels, reasons, steps, questions,
    messages) that is prose, not a code: an English label may be its code (``misuse``)."""
    texts: list[Text | None] = [*policy.messages.values()]
    for value in policy.values.values():
        texts.append(value.title)
        texts.extend(t for _, t in value.labels)
        texts.extend(r.because for r in value.rules)
    texts.extend(s.text for s in (*policy.actions, *policy.warnings))
    texts.extend(f.question for f in policy.facts.values())
    return {words for t in texts if t is not None for _, words in t.by_lang if " " in words or _CJK.search(words)}


def _record(policy: Policy, case: dict[str, Any], as_of: str, trace: bool) -> CaseRecord:
    return decide_case(policy, read_case(policy, case), date.fromisoformat(as_of), trace=trace)


@pytest.mark.parametrize("trace", [False, True], ids=["plain", "explain"])
def test_the_decision_record_holds_no_words(policy: Policy, trace: bool) -> None:
    words = _policy_words(policy)
    cases = [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "acceptance" / "cases").glob("*.json"))
    ]
    assert cases
    checked = 0
    for data in cases:
        case = _strip_text(data["case"])
        record = _record(policy, case, data["as_of"], trace)
        assert record.decisions and any(d.reasons for d in record.decisions)
        for text in _strings(record, set()):
            assert not _CJK.search(text), f"{data['name']}: Chinese text in the record: {text!r}"
            assert text not in words, f"{data['name']}: a policy text in the record: {text!r}"
            checked += 1
    assert checked > 100


def _strip_text(case: Any) -> Any:
    """The case with its free-text values (a customer's name, an address) made ASCII, so
    that any Chinese left in the record can only have come from the engine."""
    if isinstance(case, dict):
        return {k: _strip_text(v) for k, v in case.items()}
    if isinstance(case, list):
        return [_strip_text(v) for v in case]
    if isinstance(case, str) and _CJK.search(case):
        return "x" * len(case)
    return case


def test_the_words_check_sees_words(policy: Policy) -> None:
    """The check above can fail: a record with a rendered reason in it is caught."""
    data = json.loads(next((SHARED / "acceptance" / "cases").glob("fault-*.json")).read_text(encoding="utf-8"))
    record = _record(policy, _strip_text(data["case"]), data["as_of"], False)
    words = _policy_words(policy)
    rendered = Notice("rendered", (("text", policy.messages["undecided"].get("zh")),))  # words in a notice's field
    record = record._replace(notices=(*record.notices, rendered))
    strings = _strings(record, set())
    assert any(_CJK.search(s) for s in strings)
    assert any(s in words for s in strings)
