"""Stage 4, expressions: parse once against a whitelist, compile to closures.

A condition is a small Python-like expression (``and``/``or``/``not``, comparisons,
``in``, ``+``/``-``, ``x if c else y``, literals, dotted names, whitelisted function
calls).  Everything else - attribute access on values, dunders, other calls,
comprehensions, lambdas, ``*`` and ``**``, huge literals, deep nesting - is refused
when the policy is compiled, with a code and a "did you mean" where one helps.

Evaluation is three-valued: a name whose fact the case does not give yields an
:class:`~policykit.values.Unknown`; ``and``/``or`` follow Kleene's logic and every
other operation on an unknown is unknown, carrying the facts it depends on.
"""

from __future__ import annotations

import ast
import operator

from policykit.lang.fastpath import UnknownHit
from policykit.lang.functions import FUNCTIONS, arithmetic
from policykit.lang.hints import hint, is_null_hint, name_hint, quote, suggest
from policykit.lang.syntax import KW_SUFFIX
from policykit.lang.syntax import dotted_name as dotted_name  # imported from here by the policy's tools
from policykit.lang.syntax import parse_tree as parse_tree
from policykit.lang.values import Unknown, merge, truth
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, NamedTuple, Protocol

    from policykit.lang.dates import WatchedCalendar, WorkCalendar
    from policykit.lang.functions import Function
    from policykit.limits import Budget
else:
    from policykit.records import NamedTuple

MAX_SOURCE = 2000
MAX_DEPTH = 40
MAX_STRING = 500
MAX_INT = 10**9
CONSTANT_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


if TYPE_CHECKING:

    class Env(Protocol):
        calendar: WorkCalendar | WatchedCalendar
        known: Any
        given: frozenset[str]
        budget: Budget

        def get(self, name: str) -> Any: ...


class EvalError(Exception):
    """An expression failed on a case's values (for example a date beyond year 9999)."""


class Compiled(Frozen):
    """An expression compiled once: its source, the names it reads, and its closure
    (immutable but for its exact form, built on first use)."""

    __slots__ = ("exact", "fast", "fast_source", "names", "names_map", "source")
    _FIELDS = ("source", "names", "exact", "fast", "names_map", "fast_source")
    _COMPARED = _SHOWN = _FIELDS
    try_fast = True
    """Whether a call tries the fast form first (see :func:`exact_forms_only`)."""

    source: str
    names: frozenset[str]
    exact: Callable[[Env], Any] | None
    fast: Callable[[Env, Any], Any] | None
    names_map: Mapping[str, Sequence[str] | None] | None
    fast_source: str | None  # the fast form's text (what the compile cache keeps)

    def __init__(
        self,
        source: str,
        names: frozenset[str],
        exact: Callable[[Env], Any] | None,
        fast: Callable[[Env, Any], Any] | None = None,
        names_map: Mapping[str, Sequence[str] | None] | None = None,
        fast_source: str | None = None,
    ) -> None:
        put = object.__setattr__
        put(self, "source", source)
        put(self, "names", names)
        put(self, "exact", exact)
        put(self, "fast", fast)
        put(self, "names_map", names_map)
        put(self, "fast_source", fast_source)

    def __call__(self, env: Env) -> Any:
        fast = self.fast
        if fast is not None and self.try_fast:
            try:
                return fast(env, env.known)
            except _GIVE_WAY:  # an unknown fact, a value of an unexpected kind: the exact form decides
                pass  # (a limit, a value's error, a recursion too deep go on up: running again would not help)
        return self.run(env)

    def run(self, env: Env) -> Any:
        """The exact three-valued form; built on first use when the policy came from the compile cache."""
        exact = self.exact
        if exact is None:
            compiled, issues = compile_expr(self.source, self.names_map or {}, fast=False)
            if compiled is None or compiled.exact is None:
                raise EvalError(f"cannot compile {quote(self.source)}: {issues}")
            exact = compiled.exact
            object.__setattr__(self, "exact", exact)
        return exact(env)


def exact_forms_only(on: bool = True) -> bool:
    """With ``on``, every expression the interpreter calls runs its exact form alone, never
    its fast form first; returns the setting it replaces.  The values are the same (the
    exact form is the reference; the fast one gives way to it on any doubt): for a process
    that decides one case, where compiling a fast form's text (and checking it against the
    whitelist) costs more than the exact form it would save, so that each expression is
    compiled once, not twice.  Process-wide: a caller sets it back when done."""
    was = not Compiled.try_fast
    Compiled.try_fast = not on
    return was


_GIVE_WAY = GIVE_WAY = (UnknownHit, TypeError, ValueError, OverflowError, AttributeError, KeyError, ZeroDivisionError)
"""What a fast form raises where it gives way to the exact form (an unknown read, a value of an unexpected kind)."""


class Issue(NamedTuple):
    code: str
    message: str


class _Refuse(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(code, message)


_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_REFUSED = {
    ast.Lambda: ("lambda", "lambdas are not allowed"),
    ast.ListComp: ("comprehension", "comprehensions are not allowed; use where(), pluck() or between()"),
    ast.SetComp: ("comprehension", "comprehensions are not allowed; use where(), pluck() or between()"),
    ast.DictComp: ("comprehension", "comprehensions are not allowed; use where(), pluck() or between()"),
    ast.GeneratorExp: ("comprehension", "comprehensions are not allowed; use where(), pluck() or between()"),
    ast.NamedExpr: ("syntax-not-allowed", "assignment expressions are not allowed"),
    ast.Subscript: ("syntax-not-allowed", "indexing is not allowed; use get(item, field)"),
    ast.Dict: ("syntax-not-allowed", "dict literals are not allowed"),
    ast.Set: ("syntax-not-allowed", "set literals are not allowed"),
    ast.JoinedStr: ("syntax-not-allowed", "f-strings are not allowed"),
    ast.Await: ("syntax-not-allowed", "await is not allowed"),
    ast.Starred: ("syntax-not-allowed", "starred arguments are not allowed"),
}


class _Compiler:
    def __init__(self, names: Mapping[str, Sequence[str] | None]) -> None:
        self.names = names
        self.used: set[str] = set()

    def dotted(self, node: ast.expr) -> str:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            raise _Refuse("attribute-access", "attribute access is only allowed in dotted names like sale.ship_date")
        parts.append(node.id)
        parts = [p[: -len(KW_SUFFIX)] if p.endswith(KW_SUFFIX) else p for p in parts]
        for part in parts:
            if part.startswith("_"):
                raise _Refuse("dunder", f"names starting with '_' are not allowed ('{part}')")
        return ".".join(reversed(parts))

    def compile(self, node: ast.AST, depth: int = 0) -> Callable[[Env], Any]:
        if depth > MAX_DEPTH:
            raise _Refuse("too-deep", f"expression nests more than {MAX_DEPTH} levels")
        refused = _REFUSED.get(node.__class__)  # (a parse gives nodes of these very classes)
        if refused is not None:
            raise _Refuse(*refused)
        method = getattr(self, "c_" + type(node).__name__, None)
        if method is None:
            raise _Refuse("syntax-not-allowed", f"{type(node).__name__} is not allowed in a policy expression")
        result: Callable[[Env], Any] = method(node, depth + 1)
        return result

    # literals and names
    def c_Constant(self, node: ast.Constant, depth: int) -> Callable[[Env], Any]:
        value = node.value
        if isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                raise _Refuse(
                    "literal-too-large", f"an integer of {len(str(abs(value)))} digits is larger than {MAX_INT}"
                )
        elif isinstance(value, float):
            if abs(value) > MAX_INT:
                raise _Refuse("literal-too-large", "number is too large")
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise _Refuse("literal-too-large", f"string literal longer than {MAX_STRING} characters")
        else:
            raise _Refuse("syntax-not-allowed", f"{type(value).__name__} literals are not allowed")
        return lambda env: value

    def lookup(self, name: str) -> Callable[[Env], Any]:
        if name in CONSTANT_NAMES:
            constant = CONSTANT_NAMES[name]
            return lambda env: constant
        if name not in self.names:
            raise _Refuse("unknown-name", f"unknown name '{name}'{suggest(name, list(self.names)) or name_hint(name)}")
        self.used.add(name)
        return lambda env: env.get(name)

    def c_Name(self, node: ast.Name, depth: int) -> Callable[[Env], Any]:
        if node.id.startswith("_"):
            raise _Refuse("dunder", f"names starting with '_' are not allowed ('{node.id}')")
        return self.lookup(node.id)

    def c_Attribute(self, node: ast.Attribute, depth: int) -> Callable[[Env], Any]:
        return self.lookup(self.dotted(node))

    def c_List(self, node: ast.List | ast.Tuple, depth: int) -> Callable[[Env], Any]:
        items = [self.compile(e, depth) for e in node.elts]

        def run(env: Env) -> Any:
            values = [f(env) for f in items]
            if any(v.__class__ is Unknown for v in values):
                return merge(*values)
            return values

        return run

    c_Tuple = c_List

    # logic
    def c_BoolOp(self, node: ast.BoolOp, depth: int) -> Callable[[Env], Any]:
        parts = [self.compile(v, depth) for v in node.values]
        stop = not isinstance(node.op, ast.And)  # "and" stops on a false part, "or" on a true one

        def run(env: Env) -> Any:
            unknown = None
            for part in parts:
                value = part(env)
                if value.__class__ is Unknown:
                    known = truth(value)
                    if known is None:
                        unknown = value if unknown is None else merge(unknown, value)
                        continue
                    value = known
                if bool(value) is stop:
                    return stop
            return unknown if unknown is not None else not stop

        return run

    def c_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Callable[[Env], Any]:
        inner = self.compile(node.operand, depth)
        if isinstance(node.op, ast.Not):

            def run_not(env: Env) -> Any:
                value = inner(env)
                if value.__class__ is Unknown:
                    known = truth(value)
                    return value if known is None else not known
                return not value

            return run_not
        if isinstance(node.op, ast.USub):

            def run_neg(env: Env) -> Any:
                value = inner(env)
                if value.__class__ is Unknown or value is None:
                    return value
                return _checked(operator.neg, value)

            return run_neg
        raise _Refuse("operator-not-allowed", f"operator {type(node.op).__name__} is not allowed")

    def c_BinOp(self, node: ast.BinOp, depth: int) -> Callable[[Env], Any]:
        ops = {ast.Add: "+", ast.Sub: "-"}
        op = ops.get(type(node.op))
        if op is None:
            raise _Refuse("operator-not-allowed", f"operator {type(node.op).__name__} is not allowed (only + and -)")
        left, right = self.compile(node.left, depth), self.compile(node.right, depth)

        def run(env: Env) -> Any:
            a, b = left(env), right(env)
            if a.__class__ is Unknown or b.__class__ is Unknown:
                return merge(a, b)
            if a is None or b is None:
                return None
            return _checked(arithmetic, env.budget, op, a, b)

        return run

    def c_Compare(self, node: ast.Compare, depth: int) -> Callable[[Env], Any]:
        operands = [node.left, *node.comparators]
        pairs = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if type(op) not in _COMPARE:
                way_out = {ast.Is: " (hint: write == instead of is)", ast.IsNot: " (hint: write != instead of is not)"}
                name = type(op).__name__
                hint_text = is_null_hint(op, left, right, dotted_name) or way_out.get(type(op), "")
                raise _Refuse("operator-not-allowed", f"comparison {name} is not allowed{hint_text}")
            self.check_enum(left, right)
            self.check_enum(right, left)
            pairs.append(self.pair(type(op), self.compile(left, depth), self.compile(right, depth)))
        if len(pairs) == 1:
            return pairs[0]

        def run(env: Env) -> Any:
            unknown = None
            for pair in pairs:
                value = pair(env)
                if value.__class__ is Unknown:
                    unknown = value if unknown is None else merge(unknown, value)
                elif not value:
                    return False
            return unknown if unknown is not None else True

        return run

    def check_enum(self, name_node: ast.expr, literal: ast.expr) -> None:
        if not isinstance(name_node, (ast.Name, ast.Attribute)):
            return
        try:
            name = self.dotted(name_node)
        except _Refuse:
            return
        domain = self.names.get(name)
        if not domain:
            return
        literals: list[ast.expr] = list(literal.elts) if isinstance(literal, (ast.List, ast.Tuple)) else [literal]
        for item in literals:
            if isinstance(item, ast.Constant) and item.value is not None and not isinstance(item.value, str):
                raise _Refuse("unknown-value", f"{item.value!r} is not a value of {name} ({', '.join(domain)})")
            if isinstance(item, ast.Constant) and isinstance(item.value, str) and item.value not in domain:
                raise _Refuse(
                    "unknown-value",
                    f"'{item.value}' is not a value of {name} ({', '.join(domain)}){suggest(item.value, list(domain))}",
                )

    @staticmethod
    def pair(op_type: type, left: Callable[[Env], Any], right: Callable[[Env], Any]) -> Callable[[Env], Any]:
        op = _COMPARE[op_type]
        ordering = op_type in _ORDERING
        membership = op_type in (ast.In, ast.NotIn)
        empty_result = op_type is ast.NotIn

        def known(a: Any, b: Any) -> Any:
            if ordering and (a is None or b is None):
                return False
            if membership and b is None:
                return empty_result
            return _checked(op, a, b)

        def run(env: Env) -> Any:
            a, b = left(env), right(env)
            if a.__class__ is Unknown or b.__class__ is Unknown:
                if membership and b.__class__ is not Unknown and not b:
                    return empty_result  # nothing is in an empty list, known or not
                # one side is one of a few values: decided if every one of them agrees
                if a.__class__ is Unknown and a.values and b.__class__ is not Unknown:
                    outcomes = {known(v, b) for v in a.values}
                elif b.__class__ is Unknown and b.values and a.__class__ is not Unknown:
                    outcomes = {known(a, v) for v in b.values}
                else:
                    outcomes = set()
                if len(outcomes) == 1:
                    return outcomes.pop()
                return merge(a, b)
            return known(a, b)

        return run

    def c_IfExp(self, node: ast.IfExp, depth: int) -> Callable[[Env], Any]:
        test, body, orelse = (self.compile(n, depth) for n in (node.test, node.body, node.orelse))

        def run(env: Env) -> Any:
            cond = test(env)
            if cond.__class__ is Unknown and truth(cond) is not None:
                cond = truth(cond)
            if cond.__class__ is Unknown:
                a, b = body(env), orelse(env)
                if a.__class__ is not Unknown and b.__class__ is not Unknown and a == b:
                    return a
                return merge(cond, a, b)
            return body(env) if cond else orelse(env)

        return run

    def c_Call(self, node: ast.Call, depth: int) -> Callable[[Env], Any]:
        if isinstance(node.func, ast.Lambda):
            raise _Refuse("lambda", "lambdas are not allowed")
        if isinstance(node.func, ast.Attribute):
            raise _Refuse("attribute-access", "method calls are not allowed; call a listed function")
        if not isinstance(node.func, ast.Name):
            raise _Refuse("function-not-allowed", "only listed functions may be called")
        spec = FUNCTIONS.get(node.func.id)
        if spec is None:
            raise _Refuse(
                "function-not-allowed",
                f"function '{node.func.id}' is not allowed{suggest(node.func.id, list(FUNCTIONS))}",
            )
        if node.keywords:
            raise _Refuse("syntax-not-allowed", f"{spec.name}() takes no keyword arguments")
        if not spec.min_args <= len(node.args) <= spec.max_args:
            raise _Refuse(
                "wrong-arguments", f"{spec.name}() takes {_arity(spec)} arguments, not {len(node.args)}: {spec.doc}"
            )
        if spec.takes_name:
            if not isinstance(node.args[0], (ast.Name, ast.Attribute)):
                raise _Refuse("wrong-arguments", f"{spec.name}() takes the name of a fact: {spec.doc}")
            name = self.dotted(node.args[0])
            self.lookup(name)  # checks the name, and records it as read
            return lambda env: name in env.given
        args = [self.compile(a, depth) for a in node.args]
        return _call(spec, args)


def _arity(spec: Function) -> str:
    if spec.min_args == spec.max_args:
        return str(spec.min_args)
    return f"{spec.min_args} to {spec.max_args}"


def _checked(op: Callable[..., Any], *args: Any) -> Any:
    try:
        return op(*args)
    except (TypeError, ValueError, OverflowError) as exc:
        raise EvalError(str(exc)) from None


def _call(spec: Function, args: list[Callable[[Env], Any]]) -> Callable[[Env], Any]:
    impl = spec.impl

    def run(env: Env) -> Any:
        values = [a(env) for a in args]
        if not spec.sees_unknown and any(v.__class__ is Unknown for v in values):
            return merge(*values)
        if spec.none_gives_none and any(v is None for v in values):
            return None
        if spec.cost is not None:
            env.budget.charge(spec.cost(*values))
        try:
            if spec.needs_calendar:
                return impl(env.calendar, *values)
            return impl(*values)
        except (TypeError, ValueError, OverflowError, AttributeError, KeyError) as exc:
            raise EvalError(f"{spec.name}(): {exc}") from None

    return run


def compile_expr(
    source: Any, names: Mapping[str, Sequence[str] | None], fast: bool = True
) -> tuple[Compiled | None, list[Issue]]:
    """Compile ``source``; ``names`` maps each readable name to its enum values (or None); ``fast``: fast form too."""
    if isinstance(source, bool) or source is None or isinstance(source, (int, float)):
        constant = source
        return Compiled(str(source), frozenset(), lambda env: constant, lambda env, known: constant), []
    if not isinstance(source, str):
        return None, [Issue("expression-type", "an expression must be a string")]
    if len(source) > MAX_SOURCE:
        return None, [Issue("expression-too-long", f"expression longer than {MAX_SOURCE} characters")]
    try:
        body = parse_tree(source)
    except SyntaxError as exc:
        detail = exc.msg
        return None, [Issue("expression-syntax", f"{detail} in {quote(source)}{hint(source)}")]
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, [Issue("expression-syntax", f"cannot parse {quote(source)}: {type(exc).__name__}")]
    compiler = _Compiler(names)
    try:
        run = compiler.compile(body)
    except _Refuse as exc:
        return None, [exc.issue]
    except RecursionError:
        return None, [Issue("too-deep", f"expression nests more than {MAX_DEPTH} levels")]
    from policykit.lang.fastpath import fast_form

    text, function = fast_form(body, dotted_name) if fast else (None, None)
    return Compiled(source, frozenset(compiler.used), run, function, names, text), []
