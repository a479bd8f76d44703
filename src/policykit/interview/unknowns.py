"""The unknown facts worth asking that the engine does not list as missing.

A rule that reads a fact through ``coalesce(...)`` or ``is_known(...)`` decides with the
fact unknown, so the fact is neither missing nor assumed; yet knowing it may change the
result.  Generic over the policy; the rule (docs/interview.md):

* a yes/no or choice fact that the request's decisions or steps may read is asked when one
  of its values, tried in the case, changes a decision's value, the steps listed or the
  warnings;
* a fact of another kind (a date, a number, a text, a list) cannot be tried value by value,
  so it is asked when the rows that gave the request's decisions their values, or the
  conditions of its steps and warnings, read it (what the result actually consulted), a
  condition counted unless it is false with the fact unknown and with a few values of its
  kind (:func:`_step_reads`).

A fact with a default is left out: where a result rests on its default it is asked as
an assumption to confirm.  Such questions come after the missing facts and can be
skipped like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from policykit.engine.case import Case, read_case
from policykit.engine.decide import decide_case
from policykit.engine.env import CaseEnv
from policykit.engine.reach import fact_deps, in_fact_order, row_reach
from policykit.engine.record import CaseRecord
from policykit.errors import PolicykitError
from policykit.lang.expr import EvalError
from policykit.policy.model import Policy

CHOICE_KINDS = ("bool", "enum")


def given_facts(data: dict[str, Any], prefix: str = "") -> set[str]:
    """The dotted names a (partial) case gives a value (``null`` gives none)."""
    out: set[str] = set()
    for key, value in data.items():
        if isinstance(value, dict):
            out |= given_facts(value, prefix + key + ".")
        elif value is not None:
            out.add(prefix + key)
    return out


def _reads(policy: Policy, names: Iterable[str]) -> set[str]:
    """The facts read by ``names`` (facts, or values through what they read)."""
    deps = fact_deps(policy)
    found: set[str] = set()
    for name in names:
        found |= {name} if name in policy.facts else set(deps.get(name, frozenset()))
    return found


def _step_reads(policy: Policy, request_type: str, case: Case, as_of: date) -> dict[str, list[str]]:
    """For each fact the conditions of the request's steps may read, those steps, where
    the fact may still change the condition: not where the condition is false with the
    fact unknown and with each of a few values of its kind (a far past and a far future
    day, 0 and a large number, an empty and a non-empty text), as the condition ``claim ==
    'x' and not is_known(day)`` is while the claim is another."""
    _, actions, warnings = policy.plan(request_type)
    found: dict[str, list[str]] = {}
    for step in (*actions, *warnings):
        for fact in _reads(policy, {n for part in step.parts for n in part.names}):
            if _always_false(policy, step.parts, case, as_of, fact):
                continue
            found.setdefault(fact, []).append(step.id)
    return found


def _witnesses(kind: str, as_of: date) -> tuple[Any, ...] | None:
    if kind == "date":
        # (within the calendar's years: an evaluation day near year 1 or 9999 has fewer either side)
        return (as_of, date(max(1, as_of.year - 50), 1, 1), date(min(9999, as_of.year + 50), 12, 31))
    if kind == "int":
        return (0, 1, 10**6)
    if kind == "string":
        return ("", "x")
    if kind == "list":
        return ([],)
    return None


def _always_false(policy: Policy, parts: tuple[Any, ...], case: Case, as_of: date, fact: str) -> bool:
    known = policy.facts.get(fact)
    witnesses = _witnesses(known.type, as_of) if known is not None else None
    if witnesses is None or fact in case.given:
        return False
    for value in (None, *witnesses):  # None: as the case has it (unknown)
        facts = case.facts if value is None else {**case.facts, fact: value}
        given = case.given if value is None else case.given | {fact}
        env = CaseEnv(policy, facts, as_of, given=frozenset(given))
        try:
            if env.holds(parts, False) is not False:
                return False
        except (EvalError, RecursionError):
            return False
        finally:
            env.release()
    return True


def _outcome(record: CaseRecord) -> tuple[Any, ...]:
    decided = tuple((d.id, d.decided, repr(d.value)) for d in record.decisions)
    return decided, tuple(sorted(a.id for a in record.actions)), tuple(repr(w) for w in record.warnings)


def set_answer(data: dict[str, Any], fact: str, value: Any) -> dict[str, Any]:
    """``data`` with ``fact`` (a dotted name) set to ``value`` (a new dict along the path)."""
    parts = fact.split(".")
    out = dict(data)
    node = out
    for part in parts[:-1]:
        child = node.get(part)
        node[part] = dict(child) if isinstance(child, dict) else {}
        node = node[part]
    node[parts[-1]] = value
    return out


def _changes(policy: Policy, data: dict[str, Any], fact: str, values: tuple[Any, ...], base: Any, as_of: date) -> bool:
    for value in values:
        try:
            tried = decide_case(policy, read_case(policy, set_answer(data, fact, value)), as_of)
        except PolicykitError:
            continue  # a value the case format refuses here tells nothing
        if _outcome(tried) != base:
            return True
    return False


def worth_asking(
    policy: Policy, data: dict[str, Any], record: CaseRecord, as_of: date, skip: set[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """(fact, the decisions or steps it may change), for the unknown facts worth asking
    beyond ``skip`` (those already asked), in the policy's order of facts."""
    request_type = record.request_type
    decisions, _, _ = policy.plan(request_type)
    deps, rows = fact_deps(policy), row_reach(policy)
    steps = _step_reads(policy, request_type, read_case(policy, data), as_of)
    given = given_facts(data) | skip
    readers: dict[str, list[str]] = {}
    consulted: set[str] = set(steps)
    for value in decisions:
        for fact in deps[value.id]:
            readers.setdefault(fact, []).append(value.id)
    for d in record.decisions:
        for rule in d.rules:
            reach = rows.get(id(rule))
            if reach is not None:
                consulted |= reach[0]
    for fact, ids in steps.items():
        readers.setdefault(fact, []).extend(ids)
    base = _outcome(record)
    out: list[tuple[str, tuple[str, ...]]] = []
    for name in in_fact_order(policy, set(readers) | consulted):
        known = policy.facts[name]
        if name in given or known.has_default or (known.question is None and known.title is None):
            continue  # a fact with a default is asked as an assumption when a result rests on it
        if known.type in CHOICE_KINDS:
            values: tuple[Any, ...] = (True, False) if known.type == "bool" else known.values
            if not _changes(policy, data, name, values, base, as_of):
                continue
        elif name not in consulted:
            continue
        out.append((name, tuple(dict.fromkeys(readers.get(name, ())))))
    return out
