"""Policy tests: YAML files next to a policy, each test a case and what its result must hold.

A test file (``policies/tests/*.yaml``) names the policy under test, an optional ``base``
case, and tests; each test merges its ``case`` over the base (or reads ``case_file``),
evaluates it ``as_of`` a day, and compares with ``expect``: decisions (exact values),
missing facts (exact set), citations, actions and warnings (subsets), or an expected
input error.  Used by ``policykit test`` and by the pytest plugin.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from policykit.engine.case import parse_json
from policykit.errors import CaseError, Diagnostic, InputError, PolicykitError
from policykit.lang.hints import suggest
from policykit.limits import DEFAULT, read_bounded
from policykit.policy.model import Policy
from policykit.policy.resources import policies_dir
from policykit.policy.schema_check import schema_errors
from policykit.policy.yamlload import load_yaml
from policykit.tools.versions import latest_file

MAX_TEST_FILE_BYTES = DEFAULT.test_file_bytes


@dataclass(frozen=True)
class PolicyTest:
    file: str
    line: int
    title: str
    as_of: date
    case: dict[str, Any]
    expect: dict[str, Any]
    lang: str | None = None  # None: the policy's first language

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class TestFile:
    path: Path
    policy: Path
    tests: tuple[PolicyTest, ...]


@dataclass(frozen=True)
class Mismatch:
    what: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class Outcome:
    test: PolicyTest
    mismatches: tuple[Mismatch, ...]
    fired: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def default_tests_dir() -> Path:
    return policies_dir() / "tests"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """YAML files among ``paths`` (folders searched recursively), sorted, without repeats."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.y*ml") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError([Diagnostic(str(path), 0, 0, "not-found", "no such file or folder")])
    seen: set[Path] = set()
    out = []
    for p in found:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            out.append(p)
    return out


def merge(base: Any, over: Any) -> Any:
    """``over`` laid on ``base``: mappings merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


def _case_file(doc: Any, test_file: Path, name: Any, where: tuple[Any, ...]) -> dict[str, Any]:
    """A test's ``case_file``: a JSON case in the test file's folder or below it, read within
    the case size limit.  Anything else is refused without reading it, so that a test file
    cannot be used to read (and show) another file."""

    def refuse(message: str) -> InputError:
        return InputError([doc.diag(where, "case-file", message)])

    if not isinstance(name, str) or os.path.isabs(name):
        raise refuse("a case_file is a path relative to the test file's folder")
    try:
        raw = read_bounded(test_file.parent / name, DEFAULT.case_bytes, name, inside=test_file.parent.resolve())
        case = parse_json(raw, name)
    except PolicykitError as exc:
        raise refuse("; ".join(f"{d.code}: {d.message}" for d in exc.diagnostics)) from None
    if not isinstance(case, dict):
        raise refuse("the case file does not hold a JSON object")
    return case


def load_test_file(path: Path, policy_override: Path | None = None) -> TestFile:
    """Parse and check one test file; a :class:`PolicykitError` lists every problem in it."""
    name = str(path)
    raw = read_bounded(path, MAX_TEST_FILE_BYTES, name)
    doc, diags = load_yaml(raw, name, MAX_TEST_FILE_BYTES)
    if doc is None or diags:
        raise InputError(diags)
    errors = list(schema_errors(doc, "policytest.schema.json"))
    if errors:
        raise InputError(errors)
    data = doc.data
    policy = policy_override or (
        Path(os.path.normpath(path.parent / data["policy"])) if "policy" in data else Path(latest_file())
    )
    base = data.get("base") or {}
    tests = []
    for i, item in enumerate(data["tests"]):
        case: dict[str, Any]
        if "case_file" in item:
            case = _case_file(doc, path, item["case_file"], ("tests", i, "case_file"))
            case = merge(case, item.get("case") or {})
        else:
            case = merge(base, item.get("case") or {})
        as_of_text = item.get("as_of") or data.get("as_of")
        if as_of_text is None:
            raise InputError([doc.diag(("tests", i), "missing-as-of", "a test needs as_of (or a file-level as_of)")])
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError as exc:
            # placed where it is written: the test's own, or the file's that the test takes
            where = ("tests", i, "as_of") if item.get("as_of") else ("as_of",)
            raise InputError([doc.diag(where, "bad-date", str(exc))]) from None
        tests.append(
            PolicyTest(name, doc.where(("tests", i))[0], item["title"], as_of, case, item["expect"], item.get("lang"))
        )
    return TestFile(path, policy, tuple(tests))


def run_test(policy: Policy, test: PolicyTest) -> Outcome:
    """Evaluate one test's case and compare the result with what it expects."""
    from policykit.engine.case import read_case
    from policykit.evaluator import evaluate

    expect = test.expect
    refused = policy.not_spoken(test.lang) if test.lang is not None else None
    if refused is not None:
        return Outcome(test, (Mismatch("lang", "a language the policy speaks", refused),))
    try:
        case = read_case(policy, copy.deepcopy(test.case), test.where)
        result = evaluate(policy, case, test.as_of, test.lang)
    except CaseError as exc:
        # each problem without the place: the test's own file and line head the report
        text = "; ".join(d.said() for d in exc.diagnostics)
        if "error" in expect and expect["error"] in text:
            return Outcome(test, ())
        return Outcome(test, (Mismatch("input", expect.get("error", "a valid case"), text),))
    if "error" in expect:
        return Outcome(test, (Mismatch("input", f"an error mentioning {expect['error']!r}", "accepted"),), result.fired)
    found = compare(result.to_dict(), expect, policy)
    return Outcome(test, (*_unknown_fields(case.notices, expect), *found), result.fired)


def _unknown_fields(notices: Any, expect: dict[str, Any]) -> Iterator[Mismatch]:
    """A field of the test's case that the case format does not know (a typo: the test
    would run without it, on the base case's value) fails the test, unless the test
    expects a warning naming it."""
    expected = " ".join(expect.get("warnings") or [])
    for key, fields in notices:
        if key != "unknown_field":
            continue
        named = dict(fields)
        field = str(named.get("field"))
        if field in expected:
            continue
        hint = f" (did you mean {named['suggestion']}?)" if named.get("suggestion") else ""
        yield Mismatch("case", "fields of the case format only", f"unknown field {field}{hint}")


def _not_a_value(policy: Policy | None, did: str, wanted: Any) -> str:
    """`` (… is not a value of …)`` where a test expects of a decision of few values one it
    never gives (a typo, which would fail whatever the case), else ""."""
    definition = policy.values.get(did) if policy is not None else None
    domain = definition.values if definition is not None else ()
    if not domain or wanted is None or wanted in domain or not isinstance(wanted, str):
        return ""
    return f" ({wanted!r} is not a value of {did}{suggest(wanted, list(domain))})"


def _not_clauses(policy: Policy | None, clauses: list[Any]) -> str:
    """`` (no clause …)`` for each clause id a test names that the policy does not have."""
    if policy is None:
        return ""
    known = list(policy.clauses)
    return "".join(f" (no clause {c!r}{suggest(str(c), known)})" for c in clauses if c not in policy.clauses)


def compare(result: dict[str, Any], expect: dict[str, Any], policy: Policy | None = None) -> Iterator[Mismatch]:
    """Every way ``result`` (a JSON result) falls short of ``expect``; with ``policy``, an
    expectation that could never hold (a value or clause it does not have) says so."""
    decisions = result["decisions"]
    for did, wanted in (expect.get("decisions") or {}).items():
        if did not in decisions:
            yield Mismatch(did, wanted, f"(no such decision for this request{suggest(did, list(decisions))})")
        elif decisions[did]["value"] != wanted:
            actual = decisions[did]["value"]
            why = _not_a_value(policy, did, wanted)
            yield Mismatch(did, wanted, f"{actual}{why}" if why else actual)
    if "missing" in expect:
        actual = sorted(m["fact"] for m in result["missing"])
        if actual != sorted(expect["missing"]):
            yield Mismatch("missing", sorted(expect["missing"]), actual)
    for did, clauses in (expect.get("cites") or {}).items():
        got = [c["clause"] for c in decisions.get(did, {}).get("cites", [])]
        lacking = [c for c in clauses if c not in got]
        if lacking:
            why = _not_clauses(policy, lacking)
            shown = json.dumps(got, ensure_ascii=False) + why if why else got  # (as the report shows a list)
            yield Mismatch(f"cites of {did}", clauses, shown)
    for did, clauses in (expect.get("not_cites") or {}).items():
        got = [c["clause"] for c in decisions.get(did, {}).get("cites", [])]
        if any(c in got for c in clauses):
            yield Mismatch(f"cites of {did}", f"none of {clauses}", got)
    yield from _compare_words(result, expect)
    actions = {a["id"]: a for a in result["actions"]}
    for aid, clauses in (expect.get("action_cites") or {}).items():
        cited: Any = [c["clause"] for c in actions[aid]["cites"]] if aid in actions else "(action not listed)"
        if cited != clauses:
            yield Mismatch(f"cites of {aid}", clauses, cited)
    for aid in expect.get("actions") or []:
        if aid not in actions:
            yield Mismatch(f"action {aid}", "listed", "not listed")
    for aid in expect.get("no_actions") or []:
        if aid in actions:
            yield Mismatch(f"action {aid}", "not listed", "listed")
    for aid, due in (expect.get("due") or {}).items():
        actual_due = actions[aid]["due"] if aid in actions else "(action not listed)"
        if actual_due != due:
            yield Mismatch(f"due of {aid}", due, actual_due)
    for text in expect.get("warnings") or []:
        if not any(text in w for w in result["warnings"]):
            yield Mismatch("warnings", f"one mentioning {text!r}", result["warnings"])
    for text in expect.get("no_warnings") or []:
        if any(text in w for w in result["warnings"]):
            yield Mismatch("warnings", f"none mentioning {text!r}", result["warnings"])


def _compare_words(result: dict[str, Any], expect: dict[str, Any]) -> Iterator[Mismatch]:
    """Reasons that must (or must not) say something, and the facts assumed by default."""
    decisions = result["decisions"]
    for did, texts in (expect.get("because") or {}).items():
        lines = decisions.get(did, {}).get("because", [])
        for text in texts:
            if not any(text in line for line in lines):
                yield Mismatch(f"because of {did}", f"a line with {text!r}", lines)
    for did, texts in (expect.get("not_because") or {}).items():
        lines = decisions.get(did, {}).get("because", [])
        for text in texts:
            if any(text in line for line in lines):
                yield Mismatch(f"because of {did}", f"no line with {text!r}", lines)
    assumed = {a["fact"]: a for a in result.get("assumed", [])}
    for fact, value in (expect.get("assumed") or {}).items():
        actual = assumed[fact]["value"] if fact in assumed else "(not assumed)"
        if actual != value:
            yield Mismatch(f"assumed {fact}", value, actual)
    for fact in expect.get("not_assumed") or []:
        if fact in assumed:
            yield Mismatch(f"assumed {fact}", "not assumed", assumed[fact]["value"])


def load_all(
    paths: Iterable[str | Path], policy_override: Path | None = None
) -> tuple[list[TestFile], list[Diagnostic]]:
    """Every test file under ``paths``; bad files are reported, not raised."""
    files, problems = [], []
    for path in discover(paths):
        try:
            files.append(load_test_file(path, policy_override))
        except PolicykitError as exc:
            problems.extend(exc.diagnostics)
    return files, problems
