"""Whether an expression of a policy may be null on a case (a known value, unlike unknown).

``check`` needs it to relate two comparisons of the same operands: on known values that are
not null, ``a <= b`` is ``not (a > b)``; with a null operand both are false (the engine's
rule for ordering null).  The answer is "may be" unless the expression is seen not to be:
a fact (a fact the case leaves out is unknown, never null) without a null default, a
parameter with a value, a literal other than null, a comparison, ``len``, date arithmetic
on such operands, or a table whose rows, up to one without a condition, all give such.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policykit.lang.form import name_of
from policykit.lang.functions import FUNCTIONS
from policykit.lang.syntax import form_of, parse_tree
from policykit.policy.model import Policy, Value

_NEVER_NULL_CALLS = frozenset(("len",))  # a count, 0 for a null list
_FIRST_KNOWN = frozenset(("latest", "earliest"))  # the latest (earliest) of the values not null


class Nullable:
    """``may_be_null(form)`` for the expressions of one policy (each table looked at once)."""

    def __init__(self, policy: Policy, decides: Callable[[Value], bool]) -> None:
        self.policy = policy
        self.decides = decides  # whether some row of a table holds on every case (known values)
        self.tables: dict[str, bool] = {}

    def may_be_null(self, form: Any) -> bool:
        kind = form[0]
        if kind == "const":
            return form[1] is None
        if kind == "name":
            name = name_of(form)
            return True if name is None else self._name(name)
        if kind == "compare":
            return False  # true or false, null or not (an unknown operand is not enumerated)
        if kind == "binop" or (kind == "unary" and form[1] == "USub"):
            return self.may_be_null(form[2]) or (kind == "binop" and self.may_be_null(form[3]))
        if kind == "call" and isinstance(form[1], str):
            return self._call(form[1], form[2])
        return True  # anything else is not looked into

    def _call(self, function: str, args: tuple[Any, ...]) -> bool:
        if function in _NEVER_NULL_CALLS:
            return False
        if function in _FIRST_KNOWN:  # null only when every one is
            return all(self.may_be_null(a) for a in args)
        if function == "coalesce":  # the fallback stands in for a null or unknown first
            return self.may_be_null(args[-1])
        spec = FUNCTIONS.get(function)
        return spec is None or not spec.none_gives_none or any(self.may_be_null(a) for a in args)

    def _name(self, name: str) -> bool:
        fact = self.policy.facts.get(name)
        if fact is not None:
            return fact.has_default and fact.default is None
        if name.startswith("params."):
            parameter = self.policy.parameters.get(name[len("params.") :])
            return parameter is None or parameter.value is None
        value = self.policy.values.get(name)
        if value is None:
            return True
        if name not in self.tables:
            self.tables[name] = True  # a table that reads itself, through others: may be
            self.tables[name] = self._table(value)
        return self.tables[name]

    def _table(self, value: Value) -> bool:
        """A first-hit table gives null where no row holds, or where the row that does gives it."""
        if value.kind != "rules":
            return True
        for rule in value.rules:
            if rule.outcome is not None:
                if self.may_be_null(form_of(parse_tree(rule.outcome.source))):
                    return True
            elif rule.value is None:
                return True
            if not rule.parts:
                return False  # the rows after it never decide
        return not self.decides(value)
