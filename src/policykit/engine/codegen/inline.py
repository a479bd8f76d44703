"""A fast form's body inlined into a request function (:mod:`.request`): each read of a
name made the code the request function reads it with, each call of a language function
made a call of the function itself, under the case's budget where it costs work.

Only the shape :func:`~policykit.lang.fastpath.fast_code` makes is inlined; anything else
raises :class:`NotInlined` (reaching the expression then gives way to the full road)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from policykit.lang.functions import FUNCTIONS, Function, arithmetic


class NotInlined(Exception):
    """An expression whose fast form cannot be inlined: reaching it gives up."""


TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is kept off the path of a single evaluation (tests/cli/test_cold_path.py)
    from typing import Protocol

    class Host(Protocol):
        """The request function being made, as an inlined expression uses it."""

        used: set[str]
        metering: bool

        def constant(self, obj: object) -> str: ...

        def fixed(self, node: ast.expr) -> bool: ...

        def temp(self) -> str: ...


_NOT_INLINED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr, ast.Starred)


def _is_env(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "_e"


def code(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


class Inline(ast.NodeTransformer):
    """The body of a fast form with each ``_k["name"]`` (strict) and ``_e.get("name")``
    (tolerant: an unknown fact's value included) read turned into the code ``read`` gives."""

    def __init__(self, read: Callable[[str, bool], str], request: Host) -> None:
        self.read = read
        self.request = request

    def _read(self, name: ast.expr, strict: bool) -> ast.expr:
        if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
            raise NotInlined
        return code(self.read(name.value, strict))

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        if isinstance(node.value, ast.Name) and node.value.id == "_k":
            return self._read(node.slice, True)
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        func = node.func
        if isinstance(func, ast.Attribute) and _is_env(func.value):
            if func.attr != "get" or len(node.args) != 1 or node.keywords:
                raise NotInlined
            return self._read(node.args[0], False)
        if isinstance(func, ast.Name) and not node.keywords and node.args and _is_env(node.args[0]):
            args: list[ast.expr] = [self.visit(a) for a in node.args[1:]]
            if func.id == "_arith":  # _arith(_e, op, a, b): the arithmetic under the case's budget
                self.request.metering = True
                return code(f"{self.request.constant(arithmetic)}(_b, {', '.join(map(ast.unparse, args))})")
            spec = FUNCTIONS.get(func.id[3:]) if func.id.startswith("_F_") else None
            if spec is None:
                raise NotInlined
            return self.direct(spec, args)
        self.generic_visit(node)
        if isinstance(func, ast.Name) and func.id == "_bool" and len(node.args) == 1 and not node.keywords:
            return code(f"(not not ({ast.unparse(node.args[0])}))")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        if _is_env(node.value):
            if node.attr != "given":
                raise NotInlined
            self.request.used.add("_given")
            return code("_given")
        self.generic_visit(node)
        return node

    def direct(self, spec: Function, args: list[ast.expr]) -> ast.expr:
        """A call of the function itself, as its wrapper (:mod:`~policykit.lang.fastpath`)
        makes it: every argument worked out in order; None if one is None where the
        function gives None for None; its cost charged to the case's budget; the case's
        calendar passed first where it needs one."""
        impl = self.request.constant(spec.impl)
        head = ["_cal"] if spec.needs_calendar else []
        if spec.needs_calendar:
            self.request.used.add("_cal")
        texts = [ast.unparse(a) for a in args]
        if spec.cost is None and not spec.none_gives_none:
            return self.known(spec, f"{impl}({', '.join([*head, *texts])})")
        fixed = [self.request.fixed(a) for a in args]  # a constant: no need to keep it, never None
        temps = [text if known else self.request.temp() for text, known in zip(texts, fixed, strict=True)]
        worked_out = [t if known else f"({t} := {a})" for t, a, known in zip(temps, texts, fixed, strict=True)]
        call = f"{impl}({', '.join([*head, *temps])})"
        if spec.cost is not None:  # Budget.charge gives None: ``or`` goes on to the call
            cost = self.request.constant(spec.cost)
            charged = ", ".join(temps if spec.none_gives_none else worked_out)
            call = f"(_b.charge({cost}({charged})) or {call})"
            self.request.metering = True
        nones = " | ".join(f"({w} is None)" for w, known in zip(worked_out, fixed, strict=True) if not known)
        if spec.none_gives_none and nones:
            return self.known(spec, f"(None if {nones} else {call})")
        return self.known(spec, call)

    def known(self, spec: Function, call: str) -> ast.expr:
        """The call's code; for a function that reads unknowns as they are (``coalesce``),
        giving up where it gives an unknown, as a read of an unknown fact does."""
        if not spec.sees_unknown:
            return code(call)
        temp = self.request.temp()
        return code(f"({temp} if ({temp} := {call}).__class__ is not _U else _H())")

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in ("_k", "_e") or not isinstance(node.ctx, ast.Load):
            raise NotInlined
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, _NOT_INLINED):
            raise NotInlined
        return super().generic_visit(node)


def never_sized(node: ast.expr) -> bool:
    """Whether an expression surely gives neither a list nor a text (a comparison, a
    negation, a constant of another kind): no size of it is checked."""
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return True
    return isinstance(node, ast.Constant) and not isinstance(node.value, (str, list))
