"""``policykit check``: a clause cited outside the situation it governs.

A clause may declare the situation it governs as values of a decision or fact
(``governs: {service.type: [paid_repair]}``).  A step, a row, or a part of a ``when_any``
row that cites such a clause without a condition of its own must only apply where the
situation can hold: its condition (and a row's own value, and the request types it applies
to) must leave the governed name no value outside the governed ones.  Otherwise the clause
is cited where it does not apply (a paid-repair procedure on a free replacement).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from policykit.lang.expr import Compiled
from policykit.lang.syntax import dotted_name, parse_tree
from policykit.lang.values import Unknown
from policykit.policy.model import Cite, Policy, Step, Value

_ABSENT = "(not applicable)"


def _domain(policy: Policy, name: str) -> tuple[Any, ...] | None:
    fact = policy.facts.get(name)
    if fact is not None:
        return fact.values if fact.type == "enum" else (True, False) if fact.type == "bool" else None
    value = policy.values.get(name)
    if value is None:
        return None
    if value.type == "bool":
        return (True, False, None)
    return (*value.values, None) if value.values else None


def _literal(node: ast.expr) -> tuple[Any, ...] | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError):
        return None
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _narrow(values: set[Any], name: str, condition: Compiled) -> set[Any]:
    """``values`` narrowed by what ``condition`` (a conjunction) says of ``name``."""
    try:
        tree = parse_tree(condition.source)
    except SyntaxError:
        return values
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    for part in parts:
        if isinstance(part, ast.Compare) and len(part.ops) == 1 and dotted_name(part.left) == name:
            allowed = _literal(part.comparators[0])
            if allowed is None:
                continue
            op = type(part.ops[0])
            if op in (ast.Eq, ast.In):
                values &= set(allowed)
            elif op in (ast.NotEq, ast.NotIn):
                values -= set(allowed)
        elif dotted_name(part) == name:
            values &= {True}
        elif isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not) and dotted_name(part.operand) == name:
            values &= {False, None}
    return values


def _possible(
    policy: Policy, name: str, applies_to: tuple[str, ...], conditions: tuple[Compiled, ...], own: Any = _ABSENT
) -> set[Any]:
    """The values ``name`` may have where a citing site applies."""
    domain = _domain(policy, name)
    if domain is None:
        return set()
    values = set(domain)
    target = policy.values.get(name)
    if name == "request.type" and applies_to:
        values &= set(applies_to)
    elif target is not None and target.applies_to and any(t not in target.applies_to for t in applies_to):
        values.add(_ABSENT)
    if own is not _ABSENT:
        values &= {own}
    for condition in conditions:
        values = _narrow(values, name, condition)
    return values


def _sites(policy: Policy) -> Iterator[tuple[str, int, tuple[str, ...], tuple[Compiled, ...], Any, tuple[Cite, ...]]]:
    """(subject, line, request types, conditions, own value, cites) of every citing site."""
    for value in policy.values.values():
        yield from _rows(value)
    for step in policy.actions:
        yield _step_site(step)


def _rows(value: Value) -> Iterator[tuple[str, int, tuple[str, ...], tuple[Compiled, ...], Any, tuple[Cite, ...]]]:
    for rule in value.rules:
        own = rule.value if rule.outcome is None and value.kind == "rules" else _ABSENT
        if isinstance(own, Unknown):
            own = _ABSENT
        subject = f"{value.id} row {rule.index + 1}"
        if rule.any_of:
            yield subject, rule.line, value.applies_to, (), own, rule.cites
            for part, cites in zip(rule.parts, rule.part_cites, strict=False):
                yield subject, rule.line, value.applies_to, (part,), own, cites
        else:
            yield subject, rule.line, value.applies_to, rule.parts, own, rule.cites


def _step_site(step: Step) -> tuple[str, int, tuple[str, ...], tuple[Compiled, ...], Any, tuple[Cite, ...]]:
    return f"action {step.id}", step.line, step.applies_to, step.parts, _ABSENT, step.cites


def _own_value(subject: str, name: str, own: Any) -> Any:
    return own if subject.split(" row ")[0] == name else _ABSENT


def check_scope(policy: Policy) -> list[tuple[int, str, str]]:
    """(line, subject, message) for each clause cited unconditionally where the situation it
    governs may not hold."""
    findings = []
    for subject, line, applies_to, conditions, own, cites in _sites(policy):
        for cite in cites:
            if cite.when is not None:
                continue
            clause = policy.clauses.get(cite.clause)
            if clause is None:
                continue
            for name, governed in clause.governs:
                values = _possible(policy, name, applies_to, conditions, _own_value(subject, name, own))
                outside = sorted(("null" if v is None else str(v) for v in values if v not in governed), key=str)
                if outside:
                    findings.append(
                        (
                            line,
                            subject,
                            f"{subject} cites '{clause.id}', which governs {name} in "
                            f"[{', '.join(map(str, governed))}], with no condition, where {name} may be "
                            f"{', '.join(outside)}: cite it with a 'when'",
                        )
                    )
    return findings
