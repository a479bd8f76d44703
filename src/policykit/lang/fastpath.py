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

from policykit.lang.functions import FUNCTIONS, Function, arithmetic
from policykit.lang.values import Unknown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    _Values = dict[str, Any]
else:
    _Values = dict


class UnknownHit(Exception):
    """The fast form read an unknown value: let the three-valued form decide."""


class Known(_Values):
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
    code = _checked_code(source)
    if code is None:
        raise ValueError("not the code of a policy expression")
    result: Callable[[Any, Any], Any] = eval(code, {**_GLOBALS, "__builtins__": {}})
    return result


def _checked_code(source: str) -> types.CodeType | None:
    """The code of ``source`` if it is an ``eval`` of one lambda that passes the whitelist, else None."""
    if not plain_source(source):
        return None
    try:
        code = compile(source, "<policy expression>", "eval", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    lambdas = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    if code.co_names or len(lambdas) != 1 or lambdas[0].co_argcount != 2 or not plain_code(code):
        return None  # (what fast_code makes is one lambda of two arguments, and nothing around it)
    return code


def _give_way(_e: Any, _k: Any) -> Any:
    raise UnknownHit("")


def _resolve_fast(stub: Any) -> Callable[[Any, Any], Any]:
    """Compile a lazy fast form's text on its first call, check it against the whitelist,
    and make the stub that function (its code swapped in: later calls cost nothing more).
    Nothing of the text runs but the checked lambda's own code.  A text the whitelist
    refuses becomes a form that always gives way to the exact one."""
    if stub.__code__ is _lazy_stub.__code__:  # (two threads may both get here: the same code)
        code = _checked_code(stub.__globals__["_text"])
        lam = next((c for c in code.co_consts if isinstance(c, types.CodeType)), None) if code is not None else None
        stub.__code__ = lam or _give_way.__code__
    resolved: Callable[[Any, Any], Any] = stub
    return resolved


def _lazy_stub(_e: Any, _k: Any) -> Any:
    return _resolve(_self)(_e, _k)  # type: ignore[name-defined]  # noqa: F821 - names of its own globals


def lazy_fast_function(source: str) -> Callable[[Any, Any], Any]:
    """:func:`fast_function`, compiled on its first call (a cold run compiles only the forms
    it reaches).  The text is checked by the whitelist then, before it runs; a text refused
    gives way to the exact form on every call, which is always right.  ValueError at once
    if ``source`` is not a text."""
    if not isinstance(source, str):
        raise ValueError("not the source of a policy expression")
    scope: dict[str, Any] = {**_GLOBALS, "__builtins__": {}, "_text": source, "_resolve": _resolve_fast}
    scope["UnknownHit"] = UnknownHit  # (for a refused text's form, which always gives way)
    stub = types.FunctionType(_lazy_stub.__code__, scope, "<lambda>")
    scope["_self"] = stub
    return stub


_CONSTANT_TYPES = (type(None), bool, int, float, str)
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_CALLED = frozenset(f"_F_{name}" for name in FUNCTIONS)
# inspect's CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR (inspect
# itself is not imported on the cold path)
_GENERATOR_FLAGS = 0x20 | 0x80 | 0x100 | 0x200


def plain_source(source: str) -> bool:
    """Whether ``source`` has the shape of what :func:`fast_code` makes, node by node:
    ``lambda _e, _k:`` over constants, lists, comparisons, ``and``/``or``/``not``,
    ``x if c else y``, ``_k["name"]``, ``_e.get("name")``, ``"name" in _e.given`` and calls
    of the whitelist's functions with ``_e`` first: no other operator (``**``, ``*``), no
    ``yield``, no name but those.  A text read back from the compile cache passes this
    before it is compiled (:func:`plain_code` then checks the code's names and constants)."""
    try:
        tree = ast.parse(source, mode="eval")
        body = tree.body
        if not isinstance(body, ast.Lambda) or not _two_arguments(body.args):
            return False
        return _plain(body.body)
    except (SyntaxError, RecursionError, MemoryError, ValueError, TypeError):
        return False


def _two_arguments(args: ast.arguments) -> bool:
    plain = not (args.posonlyargs or args.vararg or args.kwonlyargs or args.kwarg or args.defaults)
    return plain and [a.arg for a in args.args] == ["_e", "_k"]


def _named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _plain(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value.__class__ in _CONSTANT_TYPES
    if isinstance(node, ast.List | ast.Tuple):
        return all(_plain(item) for item in node.elts)
    if isinstance(node, ast.BoolOp):
        return all(_plain(value) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not | ast.USub) and _plain(node.operand)
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
        return all(isinstance(op, _COMPARISONS) for op in node.ops) and all(_plain(p) for p in parts)
    if isinstance(node, ast.IfExp):
        return _plain(node.test) and _plain(node.body) and _plain(node.orelse)
    if isinstance(node, ast.Subscript):
        return _named(node.value, "_k") and _text(node.slice)
    if isinstance(node, ast.Attribute):
        return _named(node.value, "_e") and node.attr == "given"
    if isinstance(node, ast.Call) and not node.keywords:
        func, args = node.func, node.args
        if isinstance(func, ast.Attribute):
            return _named(func.value, "_e") and func.attr == "get" and len(args) == 1 and _text(args[0])
        if _named(func, "_bool"):
            return len(args) == 1 and _plain(args[0])
        if _named(func, "_arith"):
            op = args[1] if len(args) == 4 else None
            return op is not None and _named(args[0], "_e") and _text(op) and all(_plain(a) for a in args[2:])
        if isinstance(func, ast.Name) and func.id in _CALLED:
            return bool(args) and _named(args[0], "_e") and all(_plain(a) for a in args[1:])
    return False


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
    if code.co_flags & _GENERATOR_FLAGS:
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
