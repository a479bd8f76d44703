"""A fast form of each expression: the whitelisted syntax tree turned into one Python
function, run with Python's own operators.

It takes the common road only: every name it reads is known and every value is of the
expected kind.  On the first unknown fact (``UnknownHit``) or anything unusual (a ``None``
compared, a type error...) it gives up and the three-valued closure of :mod:`expr`,
which is always right, decides instead.  The tree has passed the same whitelist, so the
generated code can do nothing the closures cannot.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable
from typing import Any

from policykit.lang.functions import FUNCTIONS, Function, arithmetic
from policykit.lang.values import Unknown


class UnknownHit(Exception):
    """The fast form read an unknown value: let the three-valued form decide."""


class Known(dict[str, Any]):
    """The known values of one case, filled on first use: an unknown one raises UnknownHit."""

    __slots__ = ("env",)

    def __init__(self, env: Any, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.env = env

    def __missing__(self, name: str) -> Any:
        value = self.env.get(name)
        if value.__class__ is Unknown:
            raise UnknownHit(name)
        self[name] = value
        return value


_CONSTANTS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


def _wrap(spec: Function) -> Callable[..., Any]:
    """The function as the fast code calls it: ``f(env, *args)``, its cost charged first."""
    impl, cost, none_gives_none, needs_calendar = spec.impl, spec.cost, spec.none_gives_none, spec.needs_calendar

    def call(env: Any, *args: Any) -> Any:
        if none_gives_none:
            for arg in args:
                if arg is None:
                    return None
        if cost is not None:
            env.budget.charge(cost(*args))
        return impl(env.calendar, *args) if needs_calendar else impl(*args)

    if cost is None and not none_gives_none and not needs_calendar:
        return lambda env, *args: impl(*args)
    return call


def _arith(env: Any, op: str, a: Any, b: Any) -> Any:
    return arithmetic(env.budget, op, a, b)


_GLOBALS: dict[str, Any] = {"__builtins__": {}, "_bool": bool, "_arith": _arith}
_GLOBALS.update({f"_F_{name}": _wrap(spec) for name, spec in FUNCTIONS.items()})
ALLOWED_NAMES = frozenset(_GLOBALS) | {"get", "given", "calendar"}
"""Every name a fast code object may use: what the compile cache checks before it trusts one."""


class _Rewrite(ast.NodeTransformer):
    def __init__(self, dotted: Callable[[ast.expr], str | None]) -> None:
        self.dotted = dotted

    def _name(self, node: ast.expr, tolerant: bool = False) -> ast.expr:
        name = self.dotted(node)
        if name is None:
            raise ValueError("not a dotted name")
        if name in _CONSTANTS:
            return ast.Constant(_CONSTANTS[name])
        if tolerant:
            return ast.Call(ast.Attribute(ast.Name("_e", ast.Load()), "get", ast.Load()), [ast.Constant(name)], [])
        return ast.Subscript(ast.Name("_k", ast.Load()), ast.Constant(name), ast.Load())

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self._name(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        return self._name(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        op = "+" if isinstance(node.op, ast.Add) else "-" if isinstance(node.op, ast.Sub) else None
        if op is None:
            raise ValueError("not an allowed operator")
        env = ast.Name("_e", ast.Load())
        return ast.Call(ast.Name("_arith", ast.Load()), [env, ast.Constant(op), node.left, node.right], [])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        return ast.Call(ast.Name("_bool", ast.Load()), [node], [])

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name)
        spec = FUNCTIONS[node.func.id]
        if spec.takes_name:
            name = self.dotted(node.args[0])
            given = ast.Attribute(ast.Name("_e", ast.Load()), "given", ast.Load())
            return ast.Compare(ast.Constant(name), [ast.In()], [given])
        args: list[ast.expr] = []
        for arg in node.args:
            if spec.sees_unknown and isinstance(arg, (ast.Name, ast.Attribute)) and self.dotted(arg) not in _CONSTANTS:
                args.append(self._name(arg, tolerant=True))
            else:
                args.append(self.visit(arg))
        args.insert(0, ast.Name("_e", ast.Load()))
        return ast.Call(ast.Name(f"_F_{spec.name}", ast.Load()), args, [])


def fast_function(source: str) -> Callable[[Any, Any], Any]:
    """The function of a source made by :func:`fast_code` (also as read back from the compile cache).

    It runs with no builtins and only the functions of the whitelist; a source whose code
    reaches for any other name (a dunder, a builtin) is refused with ValueError."""
    if not isinstance(source, str):
        raise ValueError("not the source of a policy expression")
    try:
        code = compile(source, "<policy expression>", "eval", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError):
        raise ValueError("not the source of a policy expression") from None
    if not plain_code(code):
        raise ValueError("not the code of a policy expression")
    result: Callable[[Any, Any], Any] = eval(code, {**_GLOBALS, "__builtins__": {}})
    return result


_CONSTANT_TYPES = (type(None), bool, int, float, str)


def plain_code(code: Any) -> bool:
    """Whether ``code`` is what :func:`fast_code` makes: a lambda over ``_e`` and ``_k`` that
    names nothing but the whitelist and holds only plain constants."""
    if not isinstance(code, types.CodeType):
        return False
    for name in code.co_names:
        if name not in ALLOWED_NAMES or name.startswith("__"):
            return False
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if not plain_code(const):
                return False
        elif isinstance(const, tuple):
            if not all(isinstance(c, _CONSTANT_TYPES) for c in const):
                return False
        elif not isinstance(const, _CONSTANT_TYPES):
            return False
    return set(code.co_varnames) <= {"_e", "_k"} and not code.co_freevars and not code.co_cellvars


def fast_code(body: ast.expr, dotted: Callable[[ast.expr], str | None]) -> str | None:
    """The source of the fast function of a checked expression tree (``lambda _e, _k: ...``),
    or None if it cannot have one.  A text, not a code object: what the compile cache keeps
    is data, compiled and checked again (:func:`fast_function`) when it is read back."""
    try:
        tree = _Rewrite(dotted).visit(ast.fix_missing_locations(ast.parse(ast.unparse(body), mode="eval")).body)
        return "lambda _e, _k: " + ast.unparse(ast.fix_missing_locations(tree))
    except (ValueError, SyntaxError, RecursionError, AssertionError, KeyError):
        return None


def fast_form(
    body: ast.expr, dotted: Callable[[ast.expr], str | None]
) -> tuple[str | None, Callable[[Any, Any], Any] | None]:
    """(text, function) of the fast form of a checked expression tree; (None, None) if it has none."""
    text = fast_code(body, dotted)
    try:
        return text, (fast_function(text) if text is not None else None)
    except ValueError:  # no fast form: the exact one decides
        return None, None
