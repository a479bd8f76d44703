"""The fast form of an expression made from its syntax tree (the text of one
``lambda _e, _k: ...``, what the compile cache keeps), and the check that a text has that
shape, node by node.  Both parse Python: only a policy compiled afresh, or a fast form's
text first run, needs this module (and ``ast``); what runs a fast form is
:mod:`policykit.lang.fastpath`.
"""

from __future__ import annotations

import ast

from policykit.lang.form import CONSTANT_NAMES as _CONSTANTS
from policykit.lang.form import PLAIN_TYPES
from policykit.lang.functions import FUNCTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)
_CALLED = frozenset(f"_F_{name}" for name in FUNCTIONS)


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
        return node.value.__class__ in PLAIN_TYPES
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


def fast_code(body: ast.expr, dotted: Callable[[ast.expr], str | None]) -> str | None:
    """The source of the fast function of a checked expression tree (``lambda _e, _k: ...``),
    or None if it cannot have one.  A text, not a code object: what the compile cache keeps
    is data, compiled and checked again (:func:`policykit.lang.fastpath.fast_function`) when it is read back."""
    try:
        tree = _Rewrite(dotted).visit(ast.fix_missing_locations(ast.parse(ast.unparse(body), mode="eval")).body)
        return "lambda _e, _k: " + ast.unparse(ast.fix_missing_locations(tree))
    except (ValueError, SyntaxError, RecursionError, AssertionError, KeyError):
        return None
