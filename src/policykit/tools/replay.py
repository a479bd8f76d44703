"""``policykit replay RESULT.json CASE.json``: re-run a stored decision for arbitration.

The result names the policy by its SHA-256 and the case by its own; replay finds that
exact policy version in the set, evaluates the case again as of the same day and in
the same language, and reports "identical" or every difference.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from policykit.engine.case import parse_json, read_case
from policykit.errors import Diagnostic, InputError
from policykit.evaluator import evaluate
from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy
from policykit.tools.versions import PolicySet


@dataclass(frozen=True)
class Replay:
    policy: Policy
    exact_policy: bool
    differences: tuple[str, ...]


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between a stored result and a fresh one, decision by decision."""
    out = []
    for did in dict.fromkeys([*old.get("decisions", {}), *new.get("decisions", {})]):
        a, b = old["decisions"].get(did), new["decisions"].get(did)
        if a is None or b is None:
            out.append(f"{did}: {'added' if a is None else 'removed'}")
            continue
        if a.get("value") != b.get("value"):
            out.append(f"{did}: {a.get('value')!r} -> {b.get('value')!r}")
        elif [c["clause"] for c in a.get("cites", [])] != [c["clause"] for c in b.get("cites", [])]:
            out.append(
                f"{did}: cites {[c['clause'] for c in a.get('cites', [])]} -> "
                f"{[c['clause'] for c in b.get('cites', [])]}"
            )
        elif a.get("because") != b.get("because"):
            out.append(f"{did}: reasons changed")
    for key in ("actions", "missing", "warnings"):
        if old.get(key) != new.get(key):
            out.append(f"{key} changed")
    return out


def check_result(stored: Any, name: str) -> None:
    """Raise :class:`InputError` unless ``stored`` has the shape of a JSON result
    (``schemas/result.schema.json``): a tampered result is bad input, never a crash."""
    from jsonschema import Draft202012Validator

    from policykit.engine.case import dotted
    from policykit.policy.resources import schema

    try:
        errors = list(islice(Draft202012Validator(schema("result.schema.json")).iter_errors(stored), 10))
    except RecursionError:
        raise InputError([Diagnostic(name, 0, 0, "not-a-result", "nested too deeply")]) from None
    if errors:
        raise InputError(
            [
                Diagnostic(
                    name,
                    0,
                    0,
                    "not-a-result",
                    f"not a policykit JSON result: {e.message}",
                    dotted(tuple(e.absolute_path)) if e.absolute_path else "(result)",
                )
                for e in errors
            ]
        )


def replay(
    stored: dict[str, Any],
    case_raw: bytes,
    case_name: str,
    policies: PolicySet,
    result_name: str = "result",
    limits: Limits = DEFAULT,
) -> Replay:
    """Evaluate the case again under the policy the stored result names."""
    if isinstance(stored, dict) and isinstance(stored.get("decision_id"), str):
        # the decision service's answer: the result with the id it was logged under
        stored = {k: v for k, v in stored.items() if k != "decision_id"}
    check_result(stored, result_name)
    try:
        ref = stored["policy"]
        as_of = date.fromisoformat(stored["as_of"])
    except (KeyError, TypeError, ValueError):
        raise InputError([Diagnostic("result", 0, 0, "not-a-result", "not a policykit JSON result")]) from None
    sha = hashlib.sha256(case_raw).hexdigest()
    if stored.get("case_sha256") and stored["case_sha256"] != sha:
        raise InputError(
            [
                Diagnostic(
                    case_name,
                    0,
                    0,
                    "case-changed",
                    "this is not the case the result was made from (its SHA-256 differs)",
                )
            ]
        )
    policy = policies.by_sha256(str(ref.get("sha256")))
    exact = policy is not None
    if policy is None:
        policy = policies.by_version(str(ref.get("id")), str(ref.get("version")))
    if policy is None:
        raise InputError(
            [
                Diagnostic(
                    str(policies.directory),
                    0,
                    0,
                    "policy-not-found",
                    f"no version {ref.get('version')} of {ref.get('id')} in the policy set",
                )
            ]
        )
    data = parse_json(case_raw, case_name)
    lang = str(stored.get("lang") or "zh")
    fresh = evaluate(policy, read_case(policy, data, case_name), as_of, lang, case_sha256=sha, limits=limits).to_dict()
    found = differences(stored, fresh)
    if not exact:
        found.insert(
            0,
            f"policy {ref.get('version')} is not the file the result was made with "
            f"(SHA-256 {str(ref.get('sha256'))[:12]}… not found; compared with {policy.sha256[:12]}…)",
        )
    return Replay(policy, exact, tuple(found))
