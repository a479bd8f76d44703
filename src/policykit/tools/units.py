"""A check that a count is counted in its parameter's unit: a parameter of ``unit:
working_days`` passed to a function counting calendar days (``add_days``), or one of
``unit: days`` to ``add_working_days``, decides every case on the wrong calendar while
every test written from the same misreading passes.  The unit each function counts in
is the language's (:attr:`policykit.lang.functions.Function.count_unit`); nothing here
knows a parameter or a function of any one standard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.lang.expr import Compiled
from policykit.lang.form import name_of
from policykit.lang.functions import FUNCTIONS
from policykit.policy.model import Policy

COUNTED = ("days", "working_days", "months")
"""The units a function counts in, which a parameter may be given in."""


def _calls(form: Any) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every call in a parsed form: (function name, its arguments)."""
    stack = [form]
    while stack:
        node = stack.pop()
        if not isinstance(node, tuple) or not node:
            continue
        if node[0] == "call" and isinstance(node[1], str):
            yield node[1], node[2]
        # a node (its kind first), or a tuple of nodes (a call's arguments, a list's items)
        stack.extend(item for item in (node[1:] if isinstance(node[0], str) else node) if isinstance(item, tuple))


def _mismatches(policy: Policy, expr: Compiled | None) -> Iterator[str]:
    if expr is None:
        return
    form = expr.checked_form()
    if form is None:
        return
    for name, args in _calls(form):
        function = FUNCTIONS.get(name)
        if function is None or function.count_unit is None or len(args) < 2:
            continue
        count = args[1]
        if isinstance(count, tuple) and count[:2] == ("unary", "USub"):
            count = count[2]  # back from a day: the same unit
        counted = name_of(count) if isinstance(count, tuple) else None
        if counted is None or not counted.startswith("params."):
            continue
        param = policy.parameters.get(counted[len("params.") :])
        if param is None or param.unit not in COUNTED or param.unit == function.count_unit:
            continue
        yield (
            f"{name}(..., {counted}) counts {function.count_unit.replace('_', ' ')}, but parameter "
            f"'{param.name}' is in {param.unit.replace('_', ' ')}: use the function of its unit, or correct its unit"
        )


def unit_mismatches(policy: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, subject, message) of each row or step that counts a parameter in another unit."""
    for value in policy.values.values():
        for rule in (*value.rules, *([value.otherwise] if value.otherwise else [])):
            for expr in (*rule.parts, rule.outcome):
                for message in _mismatches(policy, expr):
                    yield rule.line, f"{value.id} row {rule.index + 1}", message
    for step in (*policy.actions, *policy.warnings):
        for expr in (*step.parts, step.due):
            for message in _mismatches(policy, expr):
                yield step.line, f"action {step.id}", message
