"""The source of one generated function per value of a policy.

Each row's condition and outcome calls the expression's own fast form (the whitelisted
tree already compiled to a Python function, :mod:`policykit.lang.fastpath`), passed in
as a global, so the generated text holds no expression source and no constant of the
policy: only the control flow of its tables (``if``, ``and``, ``or``, ``return``).

A generated function gives ``(value, the rows that gave it)`` on the road where every
value it reads is known.  Where one is not (a fast form reads an unknown, an ``ask:``
row is reached, a row gives an unknown), it raises: that one value is then worked out
by the interpreter's three-valued tables (:class:`policykit.engine.env.CaseEnv`), and
the rest of the case goes on in generated code.  Nothing here is stored in the compile
cache: the functions are built in memory from the compiled policy, once per policy.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from policykit.lang.expr import Compiled
from policykit.lang.fastpath import UnknownHit
from policykit.lang.values import Unknown
from policykit.policy.model import Policy, Rule, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    Any = object  # in the type aliases only, which nothing reads at run time


class Fallback(Exception):
    """The generated road cannot work out this value: the interpreter will."""


class NeedsBudget(Exception):
    """Raised by a request function made without the work budget (``metered=False``) where
    a value's size would be charged: the caller runs the metered function instead
    (:mod:`policykit.engine.codegen.request`)."""


GIVE_UP = (Fallback, UnknownHit, TypeError, ValueError, OverflowError, AttributeError, KeyError, ZeroDivisionError)
"""What a generated function raises where the interpreter must work the value out (the
fast forms' own reasons to give way, and :class:`Fallback`)."""


class _Open:
    """A decision a request function made ``partial`` left open (it gave way:
    :func:`~policykit.engine.codegen.request.request_source`)."""

    __slots__ = ()


OPEN = _Open()


def forget(done: dict[str, Any], kept: int, slots: list[Any], slot_of: dict[str, int], unset: Any) -> None:
    """What a partial request function does where a decision gives way: forget the values
    put in ``done`` after the first ``kept`` (worked out for it), and empty their slots."""
    for name in list(done)[kept:]:
        del done[name]
        if slots:
            slots[slot_of[name]] = unset


Generated = Callable[[Any, Any], tuple[Any, Any]]
"""``(env, known values) -> (value, the rows that gave it)``."""


def _known(value: Any) -> Any:
    if value.__class__ is Unknown:
        raise Fallback
    return value


def _exact(expr: Compiled) -> Callable[[Any, Any], Any]:
    return lambda env, known: expr(env)


class _Source:
    """Lines of code and the globals they name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"__builtins__": {}, "_K": _known}

    def name(self, obj: Any) -> str:
        key = f"_g{len(self.names)}"
        self.names[key] = obj
        return key

    def call(self, expr: Compiled) -> str:
        """A call of the expression's fast form (it raises on reading an unknown; it never
        gives one), else of its exact form, whose unknown falls back."""
        if expr.fast is not None:
            return f"{self.name(expr.fast)}(_e, _k)"
        return f"_K({self.name(_exact(expr))}(_e, _k))"


def _condition(src: _Source, rule: Rule) -> str:
    if not rule.parts:
        return "True"
    joiner = " or " if rule.any_of else " and "
    return joiner.join(src.call(part) for part in rule.parts)


def _constant(src: _Source, value: Any) -> str:
    """A row's fixed outcome; an ``ask:`` row's is unknown, and falls back when reached."""
    return f"_K({src.name(value)})" if value.__class__ is Unknown else src.name(value)


def _outcome(src: _Source, rule: Rule) -> str:
    return _constant(src, rule.value) if rule.outcome is None else src.call(rule.outcome)


def value_source(value: Value) -> tuple[str, dict[str, Any]]:
    """(source of ``def _value(_e, _k)``, its globals) for one value: the function gives
    the value and the rows that gave it."""
    src = _Source()
    body = src.lines
    if value.kind == "collect":
        body.append("    _items = []")
        body.append("    _rows = []")
        for rule in value.rules:
            body.append(f"    if {_condition(src, rule)}:")
            body.append(f"        _items.append({_constant(src, rule.value)})")
            body.append(f"        _rows.append({src.name(rule)})")
        if value.otherwise is not None:
            body.append("    if not _rows:")
            body.append(f"        return _items, ({src.name(value.otherwise)},)")
        body.append("    return _items, _rows")
    else:
        for rule in value.rules:
            body.append(f"    if {_condition(src, rule)}:")
            body.append(f"        return {_outcome(src, rule)}, ({src.name(rule)},)")
        body.append("    return None, ()")
    return "def _value(_e, _k):\n" + "\n".join(body) + "\n", src.names


def _made(value: Value) -> Any:
    """The generated function of ``value``, compiled on its first call: a cold run compiles
    only the values its case reaches.  Until then it is a stub whose first call generates
    the source, compiles it and takes its code (later calls run the generated code itself)."""
    scope: dict[str, Any] = {"__builtins__": {}, "_resolve": _resolve, "_spec": value}
    stub = types.FunctionType(_stub.__code__, scope, "_value")
    scope["_self"] = stub
    return stub


def _stub(_e: Any, _k: Any) -> Any:
    return _resolve(_self)(_e, _k)  # type: ignore[name-defined]  # noqa: F821 - names of its own globals


def _resolve(stub: Any) -> Any:
    scope = stub.__globals__
    if stub.__code__ is _stub.__code__:  # (two threads may both get here: the same code)
        value = scope["_spec"]
        text, names = value_source(value)
        module = compile(text, f"<policy value {value.id}>", "exec")
        scope.update(names)
        stub.__code__ = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    return stub


def value_function(value: Value) -> Generated:
    """The generated function of ``value``."""
    function: Generated = _made(value)
    return function


def functions(policy: Policy) -> dict[str, Generated]:
    """Every value's generated function (made once per compiled policy, on first use)."""
    made: dict[str, Generated] | None = policy.memo.get("generated")
    if made is None:
        made = policy.memo["generated"] = {name: value_function(v) for name, v in policy.values.items()}
    return made
