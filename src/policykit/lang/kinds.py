"""Comparisons that can never work, found when a policy is compiled: a name compared with a
literal of another kind (a day with a text or a number, a number or a yes/no with a text).

The language compares values as Python does, so ``sale.ship_date < '2027-01-01'`` compiles
and then fails on every case that reaches it, and ``sale.warranty_months == '12'`` never
holds.  Knowing the kind each name is declared with (a fact's ``type``, a value's, a
parameter's value), such a comparison is refused with the expression, not met on a case.
Only a name against a literal (or a list of literals, for ``in``) is judged: where either
side is worked out, or the kind is one this module does not know, nothing is said.
"""

from __future__ import annotations

from policykit.lang.form import name_of, walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

# for each declared kind, the kinds of literal it can be compared with (null: any); a
# yes/no and a number compare as Python compares them (true == 1), so they are let be
_NUMERIC = frozenset({"number", "yes/no"})
_COMPARABLE = {
    "date": frozenset(),
    "int": _NUMERIC,
    "number": _NUMERIC,
    "string": frozenset({"text"}),
    "enum": frozenset({"text"}),
    "bool": _NUMERIC,
}
_ORDERING = ("Lt", "LtE", "Gt", "GtE")
_MEMBERSHIP = ("In", "NotIn")
_DECLARED = {"date": "a day", "int": "a whole number", "number": "a number", "string": "a text", "enum": "a choice"}


def literal_kind(value: Any) -> str | None:
    """The kind of a literal as written: ``yes/no``, ``number``, ``text``; None for null or another."""
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return None


def parameter_kind(value: Any) -> str | None:
    """The declared kind of a parameter, from its value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def kind_mismatches(form: Any, kinds: Mapping[str, str]) -> Iterator[str]:
    """A message for each comparison in a parsed form of a name of a known kind with a
    literal it cannot be compared with."""
    for node in walk(form):
        if node[0] != "compare":
            continue
        operands = node[2]
        for op, left, right in zip(node[1], operands, operands[1:], strict=False):
            sides = ((left, right),) if op in _MEMBERSHIP else ((left, right), (right, left))
            for side, other in sides:
                name = name_of(side)
                kind = kinds.get(name) if name is not None else None
                comparable = _COMPARABLE.get(kind) if kind is not None else None
                if comparable is None:
                    continue
                literals = other[1] if op in _MEMBERSHIP and other[0] == "list" else [other]
                for literal in literals:
                    found = literal_kind(literal[1]) if literal[0] == "const" else None
                    if found is not None and found not in comparable:
                        yield _message(name, kind, literal[1], found, op)  # type: ignore[arg-type]


def _message(name: str, kind: str, value: Any, found: str, op: str) -> str:
    shown = repr(value) if not isinstance(value, bool) else str(value).lower()
    what = _DECLARED.get(kind, "yes or no")
    if op in _ORDERING:
        outcome = "it cannot be ordered against one, and every case that reaches it would fail"
    else:
        outcome = "they are never equal"
    hint = " (hint: compare it with a date: a fact, value or function giving one)" if kind == "date" else ""
    return f"{name} is {what}, and {shown} is a {found} literal: {outcome}{hint}"
