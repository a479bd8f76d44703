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
from collections.abc import Callable
from typing import Any

from policykit.lang.functions import FUNCTIONS, Function
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
    impl = spec.impl
    if spec.none_gives_none:

        def none_guard(*args: Any) -> Any:
            for arg in args:
                if arg is None:
                    return None
            return impl(*args)

        return none_guard
    return impl


_GLOBALS: dict[str, Any] = {"__builtins__": {}, "_bool": bool}
_GLOBALS.update({f"_F_{name}": _wrap(spec) for name, spec in FUNCTIONS.items()})


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
        if spec.needs_calendar:
            args.insert(0, ast.Attribute(ast.Name("_e", ast.Load()), "calendar", ast.Load()))
        return ast.Call(ast.Name(f"_F_{spec.name}", ast.Load()), args, [])


def fast_function(code: Any) -> Callable[[Any, Any], Any]:
    """The function of a code object made by :func:`fast_code` (also as read back from the compile cache)."""
    result: Callable[[Any, Any], Any] = eval(code, dict(_GLOBALS))
    return result


def fast_code(body: ast.expr, dotted: Callable[[ast.expr], str | None]) -> Any:
    """The code object of the fast function of a checked expression tree, or None if it cannot have one."""
    try:
        tree = _Rewrite(dotted).visit(ast.fix_missing_locations(ast.parse(ast.unparse(body), mode="eval")).body)
        func = ast.Lambda(
            ast.arguments(
                posonlyargs=[], args=[ast.arg("_e"), ast.arg("_k")], kwonlyargs=[], kw_defaults=[], defaults=[]
            ),
            tree,
        )
        code = compile(ast.fix_missing_locations(ast.Expression(func)), "<policy expression>", "eval")
    except (ValueError, SyntaxError, RecursionError, AssertionError, KeyError):
        return None
    return code
