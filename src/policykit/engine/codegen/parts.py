"""A condition part's exact form, made quicker for its commonest shape: one name compared
with literals (``name == 'x'``, ``name != 'x'``, ``name in ['x', 'y']``, ``name not in
[...]``), worked out in one function instead of the closure tree's four calls and
comparison set.  It gives what the exact form gives, for a known value and for an unknown
one alike (``tests/engine/test_codegen_parts.py``), and reads the name as it does
(``env.get``), so it charges the same work.  Any other part keeps its exact form.

The three-valued tables and the assumption probes call it where a part may read an
unknown fact (they run the exact form at once there)."""

from __future__ import annotations

import operator
from collections.abc import Callable

from policykit.lang.expr import Compiled, EvalError
from policykit.lang.values import Unknown, merge, plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    Any = object  # in the type alias only, which nothing reads at run time

Run = Callable[[Any], Any]

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": operator.eq,
    "NotEq": operator.ne,
    "In": lambda a, b: a in b,
    "NotIn": lambda a, b: a not in b,
}
_LITERALS = (str, int, float, bool)


def quick_exact(part: Compiled) -> Run:
    """``part``'s exact form: the quicker one where its shape allows, else its own."""
    shape = _shape(part)
    if shape is None:
        return part.run
    name, op_name, literal = shape
    if op_name in ("In", "NotIn"):
        return _membership(name, op_name, literal)
    return _equality(name, _OPS[op_name], literal)


def _shape(part: Compiled) -> tuple[str, str, Any] | None:
    """(the name, the operator, the literal or list of literals) of a part of the shape, or None."""
    # checked as the exact form checks it (a form read from the compile cache that fails
    # is replaced by its text's): the quicker form must mean what the exact one does
    form = part.checked_form()
    if form is None or form[0] != "compare" or len(form[1]) != 1 or form[1][0] not in _OPS:
        return None
    left, right = form[2]
    if left[0] != "name" or len(part.names) != 1:
        return None
    name = ".".join(left[1])
    if name not in part.names:  # a name the compiler reads otherwise (a keyword's suffix, a constant)
        return None
    op_name = form[1][0]
    if op_name in ("In", "NotIn"):
        if right[0] != "list" or not all(item[0] == "const" and _literal(item[1]) for item in right[1]):
            return None
        return name, op_name, tuple(item[1] for item in right[1])
    if right[0] != "const" or not _literal(right[1]):
        return None
    return name, op_name, right[1]


def _literal(value: Any) -> bool:
    return value is None or value.__class__ in _LITERALS


def _equality(name: str, op: Callable[[Any, Any], Any], literal: Any) -> Run:
    def run(env: Any) -> Any:
        value = env.get(name)
        if value.__class__ is Unknown:
            # one of a few values: decided if every one of them agrees
            if value.values:
                outcomes = {_checked(op, plain(v), literal) for v in value.values}
                if len(outcomes) == 1:
                    return outcomes.pop()
            return merge(value, literal)
        try:
            return op(value, literal)
        except (TypeError, ValueError, OverflowError) as exc:
            raise EvalError(str(exc)) from None

    return run


def _membership(name: str, op_name: str, literals: tuple[Any, ...]) -> Run:
    op = _OPS[op_name]
    empty_result = op_name == "NotIn"

    def run(env: Any) -> Any:
        value = env.get(name)
        items = list(literals)  # as the exact form makes the list, each time
        if value.__class__ is Unknown:
            if not items:
                return empty_result  # nothing is in an empty list, known or not
            if value.values:
                outcomes = {_checked(op, plain(v), items) for v in value.values}
                if len(outcomes) == 1:
                    return outcomes.pop()
            return merge(value, items)
        try:
            return op(value, items)
        except (TypeError, ValueError, OverflowError) as exc:
            raise EvalError(str(exc)) from None

    return run


def _checked(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    try:
        return op(a, b)
    except (TypeError, ValueError, OverflowError) as exc:
        raise EvalError(str(exc)) from None
