"""The facts a case left out that took the policy's default, among those its decisions read."""

from __future__ import annotations

from typing import Any

from policykit.engine.case import Case
from policykit.policy.model import Policy, Text


def read_by(policy: Policy, request_type: str) -> list[str]:
    """The facts the decisions of ``request_type`` read, directly or through derived values."""
    memo: dict[str, list[str]] = policy.memo.setdefault("facts_read", {})
    if request_type in memo:
        return memo[request_type]
    seen: set[str] = set()
    stack = [v.id for v in policy.decisions_for(request_type)]
    visited: set[str] = set()
    while stack:
        name = stack.pop()
        if name in visited or name not in policy.values:
            continue
        visited.add(name)
        value = policy.values[name]
        for rule in value.rules:
            for compiled in (*rule.parts, *([rule.outcome] if rule.outcome else [])):
                for used in compiled.names:
                    if used in policy.facts:
                        seen.add(used)
                    elif used in policy.values:
                        stack.append(used)
    memo[request_type] = [name for name in policy.facts if name in seen]
    return memo[request_type]


def assumed_facts(policy: Policy, case: Case) -> list[tuple[str, Any, Text | None]]:
    """(fact, default value, why) for each defaulted fact the decisions read."""
    out = []
    for name in read_by(policy, case.request_type):
        fact = policy.facts[name]
        if fact.has_default and name not in case.given:
            out.append((name, case.facts.get(name), fact.default_reason))
    return out
