"""``policykit test``: run policy test files; text, JSON or JUnit output; coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.policy.origin import origin
from policykit.tools.coverage import measure, render_coverage
from policykit.tools.policytest import Mismatch, Outcome, TestFile, default_tests_dir, load_all, run_test


def shown(value: Any, width: int = 60) -> str:
    """A value of a test's expectation or result as the runner shows it: a string as it is,
    anything else as JSON (``null``, ``["a"]``), cut at ``width`` characters."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 3] + "..."


def failure_report(outcome: Outcome) -> str:
    """Expected and actual, side by side, under the test's file:line (the actual value,
    last on its line, cut at 120 characters rather than 60: a hint at its end stays; a case
    refused as input, not cut: what is wrong and where is at its end)."""
    rows = [("", "expected", "actual")]
    rows += [
        (m.what, shown(m.expected), shown(m.actual, 1000 if m.what == "input" else 120)) for m in outcome.mismatches
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines = [f"FAIL {outcome.test.where}: {outcome.test.title}"]
    lines.extend(f"     {a.ljust(w0)}  {b.ljust(w1)}  {c}" for a, b, c in rows)
    return "\n".join(lines)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters), shown as escapes."""
    return _NOT_XML.sub(lambda m: ascii(m.group())[1:-1], text)


def _junit(outcomes: list[Outcome], used_files: list[str]) -> str:
    """JUnit XML: a testcase per test, with the policy file it ran against as a property."""
    from xml.etree import ElementTree as ET

    failures = sum(not o.passed for o in outcomes)
    suite = ET.Element("testsuite", name="policykit", tests=str(len(outcomes)), failures=str(failures))
    for o, used in zip(outcomes, used_files, strict=True):
        file, title = _xml_text(o.test.file), _xml_text(o.test.title)
        case = ET.SubElement(suite, "testcase", classname=file, name=title, file=file, line=str(o.test.line))
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="policy", value=_xml_text(used))
        if not o.passed:
            failure = ET.SubElement(case, "failure", message=f"{len(o.mismatches)} mismatches")
            failure.text = _xml_text(failure_report(o))
    return ET.tostring(suite, encoding="unicode") + "\n"


def _mismatch_json(m: Mismatch) -> dict[str, Any]:
    return {"what": m.what, "expected": m.expected, "actual": m.actual}


def _coverage(
    key: Path, policies: dict[Path, Policy], fired: dict[Path, set[tuple[str, int]]], covs: dict[Path, Any]
) -> Any:
    """The coverage of the version at ``key``; an amendment's with that of the version it
    amends where this run tested it (worked out first, down the chain)."""
    if key not in covs:
        covs[key] = None  # (a chain that loops back: no credit from it)
        chain: tuple[str, ...] = policies[key].memo.get("amendment_chain") or ()
        base_key = Path(chain[1]).resolve() if len(chain) >= 2 else None
        base = None
        if base_key is not None and base_key in policies and base_key in fired:
            below = _coverage(base_key, policies, fired, covs)
            base = (policies[base_key], below) if below is not None else None
        covs[key] = measure(policies[key], fired[key], base)
    return covs[key]


def run_tests(
    paths: list[str],
    keyword: str | None,
    fmt: str,
    coverage: bool,
    fail_under: float | None,
    policy_path: str | None,
    out: IO[str],
    err: IO[str],
) -> int:
    given: list[str | Path] = [*paths] if paths else [default_tests_dir()]
    files, problems = load_all(given, Path(policy_path) if policy_path else None)
    if problems:
        raise PolicykitError(problems)
    if not files:  # a check that ran nothing must not pass (a CI hook on an empty folder)
        raise InputError([Diagnostic(str(p), 0, 0, "no-tests", "no policy test file (.yaml) here") for p in given])
    if keyword and not any(keyword.lower() in f"{t.file} {t.title}".lower() for tf in files for t in tf.tests):
        # a filter that selects nothing is refused, not passed (a misspelt -k in a CI job)
        count = sum(len(tf.tests) for tf in files)
        raise InputError(
            [Diagnostic("-k", 0, 0, "no-tests", f"no test matches {keyword!r} (of {count} in {len(files)} files)")]
        )
    policies: dict[Path, Policy] = {}
    outcomes: list[Outcome] = []
    used_files: list[str] = []  # the policy file of each outcome, as outputs name it
    by_policy: dict[Path, list[Outcome]] = {}
    for tf in files:
        policy = _policy(tf, policies)
        if fmt == "text":
            print(f"{origin(tf.path)}: under {origin(policy.file)} ({policy.id} {policy.version})", file=out)
        for test in tf.tests:
            if keyword and keyword.lower() not in f"{test.file} {test.title}".lower():
                continue
            outcome = run_test(policy, test)
            outcomes.append(outcome)
            used_files.append(origin(policy.file))
            by_policy.setdefault(tf.policy.resolve(), []).append(outcome)
            if fmt == "text":
                if outcome.passed:
                    print(f"PASS {test.where}: {test.title}", file=out)
                else:
                    print(failure_report(outcome), file=out)
    failed = sum(not o.passed for o in outcomes)
    status = 1 if failed else 0
    reports = []
    fired = {key: {f for o in group for f in o.fired} for key, group in by_policy.items()}
    covs: dict[Path, Any] = {}
    for key in by_policy:
        cov = _coverage(key, policies, fired, covs)
        reports.append((policies[key], cov))
        if fail_under is not None and cov.percent + 1e-9 < fail_under:
            status = 1
            print(f"{origin(policies[key].file)}: coverage {cov.percent:.1f}% is under {fail_under:g}%", file=err)
    if fmt == "json":
        data: dict[str, Any] = {
            "passed": len(outcomes) - failed,
            "failed": failed,
            "tests": [
                {
                    "file": o.test.file,
                    "policy": used,
                    "line": o.test.line,
                    "title": o.test.title,
                    "passed": o.passed,
                    "mismatches": [_mismatch_json(m) for m in o.mismatches],
                }
                for o, used in zip(outcomes, used_files, strict=True)
            ],
        }
        if coverage:
            data["coverage"] = {origin(p.file): c.to_dict() for p, c in reports}
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "junit":
        out.write(_junit(outcomes, used_files))
    else:
        if coverage:
            for policy, cov in reports:
                out.write("\n" + render_coverage(policy, cov))
        print(f"\n{len(outcomes) - failed} passed, {failed} failed", file=out)
    return status


def _policy(tf: TestFile, cache: dict[Path, Policy]) -> Policy:
    key = tf.policy.resolve()
    if key not in cache:
        try:
            cache[key] = load_policy(tf.policy)[0]
        except PolicykitError as exc:
            raise PolicykitError(
                [*exc.diagnostics, Diagnostic(str(tf.path), 0, 0, "policy", "its policy is invalid")]
            ) from None
    return cache[key]
