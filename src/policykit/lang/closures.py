"""The compiler of the language: a parsed form (:mod:`policykit.lang.form`) checked against
the whitelist and turned into its exact three-valued closure.

It reads the form alone, whether the form was just made from the text's syntax tree (the
policy compiled afresh, where every check below names its problem) or read back from the
compile cache (a cached run parses no text).  Everything the language refuses - attribute
access on values, dunders, other calls, comprehensions, lambdas, ``*`` and ``**``, huge
literals, deep nesting - is refused here, with a code and a "did you mean" where one helps.

Evaluation is three-valued: a name whose fact the case does not give yields an
:class:`~policykit.values.Unknown`; ``and``/``or`` follow Kleene's logic and every
other operation on an unknown is unknown, carrying the facts it depends on.
"""

from __future__ import annotations

import _operator as operator  # (operator.py re-exports these C functions; importing it loads nothing they need)
from itertools import product

from policykit.lang.form import CONSTANT_NAMES, KW_SUFFIX, MAX_DEPTH, MAX_INT, MAX_STRING
from policykit.lang.functions import FUNCTIONS, arithmetic
from policykit.lang.values import Unknown, few, merge, plain, truth

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any, NamedTuple, Protocol

    from policykit.lang.dates import WatchedCalendar, WorkCalendar
    from policykit.lang.functions import Function
    from policykit.limits import Budget

    class Env(Protocol):
        calendar: WorkCalendar | WatchedCalendar
        known: Any
        given: frozenset[str]
        budget: Budget

        def get(self, name: str) -> Any: ...

    Run = Callable[[Env], Any]
else:
    from policykit.records import NamedTuple


class EvalError(Exception):
    """An expression failed on a case's values (for example a date beyond year 9999)."""


class Issue(NamedTuple):
    code: str
    message: str
    at: tuple[str, ...] = ()  # how the source may spell what the problem is about (a name, a literal)


class Refuse(Exception):
    """A part of the form the language refuses: its issue."""

    def __init__(self, code: str, message: str, at: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.issue = Issue(code, message, at)


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": operator.eq,
    "NotEq": operator.ne,
    "Lt": operator.lt,
    "LtE": operator.le,
    "Gt": operator.gt,
    "GtE": operator.ge,
    "In": lambda a, b: a in b,
    "NotIn": lambda a, b: a not in b,
}
_ORDERING = ("Lt", "LtE", "Gt", "GtE")
_WAY_OUT = {"Is": " (hint: write == instead of is)", "IsNot": " (hint: write != instead of is not)"}
_ARITHMETIC = {"Add": "+", "Sub": "-"}


class Compiler:
    """Compiles the forms of one expression against ``names`` (each readable name with its
    enum values, or None); ``used`` gathers the names it reads."""

    def __init__(self, names: Mapping[str, Sequence[str] | None]) -> None:
        self.names = names
        self.used: set[str] = set()

    def dotted(self, node: Any) -> str:
        parts = node[1]
        if not parts:
            raise Refuse("attribute-access", "attribute access is only allowed in dotted names like sale.ship_date")
        stripped = [p[: -len(KW_SUFFIX)] if p.endswith(KW_SUFFIX) else p for p in parts]
        for part in reversed(stripped):  # (the last part first, as the parser's nodes are met)
            if part.startswith("_"):
                raise Refuse("dunder", f"names starting with '_' are not allowed ('{part}')")
        return ".".join(stripped)

    def compile(self, node: Any, depth: int = 0) -> Run:
        if depth > MAX_DEPTH:
            raise Refuse("too-deep", f"expression nests more than {MAX_DEPTH} levels")
        kind = node[0]
        if kind == "bad":
            raise Refuse(node[1], node[2])
        method: Callable[[Any, int], Run] = getattr(self, "c_" + kind)
        return method(node, depth + 1)

    # literals and names
    def c_const(self, node: Any, depth: int) -> Run:
        value = node[1]
        if isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                raise Refuse(
                    "literal-too-large", f"an integer of {len(str(abs(value)))} digits is larger than {MAX_INT}"
                )
        elif isinstance(value, float):
            if abs(value) > MAX_INT:
                raise Refuse("literal-too-large", "number is too large")
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise Refuse("literal-too-large", f"string literal longer than {MAX_STRING} characters")
        else:
            raise Refuse("syntax-not-allowed", f"{type(value).__name__} literals are not allowed")
        return lambda env: value

    def lookup(self, name: str) -> Run:
        if name in CONSTANT_NAMES:
            constant = CONSTANT_NAMES[name]
            return lambda env: constant
        if name not in self.names:
            from policykit.lang.hints import name_hint, suggest  # (a refusal's words: not on a good road)

            raise Refuse(
                "unknown-name", f"unknown name '{name}'{suggest(name, list(self.names)) or name_hint(name)}", (name,)
            )
        self.used.add(name)
        return lambda env: env.get(name)

    def c_name(self, node: Any, depth: int) -> Run:
        parts = node[1]
        if len(parts) == 1:  # a plain name, as written
            if parts[0].startswith("_"):
                raise Refuse("dunder", f"names starting with '_' are not allowed ('{parts[0]}')")
            return self.lookup(parts[0])
        return self.lookup(self.dotted(node))

    def c_list(self, node: Any, depth: int) -> Run:
        items = [self.compile(e, depth) for e in node[1]]

        def run(env: Env) -> Any:
            values = [f(env) for f in items]
            if any(v.__class__ is Unknown for v in values):
                return merge(*values)
            return values

        return run

    # logic
    def c_and(self, node: Any, depth: int) -> Run:
        parts = [self.compile(v, depth) for v in node[1]]
        stop = node[0] == "or"  # "and" stops on a false part, "or" on a true one

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

    c_or = c_and

    def c_unary(self, node: Any, depth: int) -> Run:
        inner = self.compile(node[2], depth)
        if node[1] == "Not":

            def run_not(env: Env) -> Any:
                value = inner(env)
                if value.__class__ is Unknown:
                    known = truth(value)
                    return value if known is None else not known
                return not value

            return run_not
        if node[1] == "USub":

            def run_neg(env: Env) -> Any:
                value = inner(env)
                if value.__class__ is Unknown or value is None:
                    return value
                return _checked(operator.neg, value)

            return run_neg
        raise Refuse("operator-not-allowed", f"operator {node[1]} is not allowed")

    def c_binop(self, node: Any, depth: int) -> Run:
        op = _ARITHMETIC.get(node[1])
        if op is None:
            raise Refuse("operator-not-allowed", f"operator {node[1]} is not allowed (only + and -)")
        left, right = self.compile(node[2], depth), self.compile(node[3], depth)

        def run(env: Env) -> Any:
            a, b = left(env), right(env)
            if a.__class__ is Unknown or b.__class__ is Unknown:
                return merge(a, b)
            if a is None or b is None:
                return None
            return _checked(arithmetic, env.budget, op, a, b)

        return run

    def c_compare(self, node: Any, depth: int) -> Run:
        ops, operands = node[1], node[2]
        pairs = []
        for op, left, right in zip(ops, operands, operands[1:], strict=False):
            if op not in _COMPARE:
                from policykit.lang.hints import is_null_hint

                hint_text = is_null_hint(op, left, right) or _WAY_OUT.get(op, "")
                raise Refuse("operator-not-allowed", f"comparison {op} is not allowed{hint_text}")
            self.check_enum(left, right)
            self.check_enum(right, left)
            pairs.append(_pair(op, self.compile(left, depth), self.compile(right, depth)))
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

    def check_enum(self, name_node: Any, literal: Any) -> None:
        if name_node[0] != "name":
            return
        try:
            name = self.dotted(name_node)
        except Refuse:
            return
        domain = self.names.get(name)
        if not domain:
            return
        for item in literal[1] if literal[0] == "list" else (literal,):
            if item[0] != "const":
                continue
            value = item[1]
            if value is not None and not isinstance(value, str):
                said = f"{value!r} is not a value of {name} ({', '.join(domain)})"
                raise Refuse("unknown-value", said, (repr(value),))
            if isinstance(value, str) and value not in domain:
                from policykit.lang.hints import suggest

                raise Refuse(
                    "unknown-value",
                    f"'{value}' is not a value of {name} ({', '.join(domain)}){suggest(value, list(domain))}",
                    (f"'{value}'", f'"{value}"'),
                )

    def c_if(self, node: Any, depth: int) -> Run:
        test, body, orelse = (self.compile(n, depth) for n in node[1:])

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

    def c_call(self, node: Any, depth: int) -> Run:
        function, args, keywords = node[1], node[2], node[3]
        if not isinstance(function, str):
            raise Refuse(function[1], function[2])  # a method, a lambda, anything but a name
        spec = FUNCTIONS.get(function)
        if spec is None:
            from policykit.lang.hints import suggest

            raise Refuse(
                "function-not-allowed",
                f"function '{function}' is not allowed{suggest(function, list(FUNCTIONS))}",
                (function,),
            )
        if keywords:
            raise Refuse("syntax-not-allowed", f"{spec.name}() takes no keyword arguments")
        if not spec.min_args <= len(args) <= spec.max_args:
            raise Refuse(
                "wrong-arguments", f"{spec.name}() takes {_arity(spec)} arguments, not {len(args)}: {spec.doc}"
            )
        if spec.takes_name:
            if args[0][0] != "name":
                raise Refuse("wrong-arguments", f"{spec.name}() takes the name of a fact: {spec.doc}")
            name = self.dotted(args[0])
            self.lookup(name)  # checks the name, and records it as read
            return lambda env: name in env.given
        return _call(spec, [self.compile(a, depth) for a in args])


def unknown_if_a_name_is(form: Any) -> bool:
    """Whether ``form`` (a parsed form) is one comparison of two names, not a membership
    test: its value is then unknown wherever one of them is unknown with no values known
    (:func:`_pair`: a known outcome needs the unknown side's few values, or an empty list
    to be in), whatever the other is."""
    return (
        isinstance(form, tuple)
        and len(form) == 3
        and form[0] == "compare"
        and len(form[1]) == 1
        and form[1][0] in ("Eq", "NotEq", *_ORDERING)
        and len(form[2]) == 2
        and all(isinstance(side, tuple) and side[:1] == ("name",) for side in form[2])
    )


def _pair(op_name: str, left: Run, right: Run) -> Run:
    op = _COMPARE[op_name]
    ordering = op_name in _ORDERING
    membership = op_name in ("In", "NotIn")
    empty_result = op_name == "NotIn"

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
                outcomes = {known(plain(v), b) for v in a.values}
            elif b.__class__ is Unknown and b.values and a.__class__ is not Unknown:
                outcomes = {known(a, plain(v)) for v in b.values}
            else:
                outcomes = set()
            if len(outcomes) == 1:
                return outcomes.pop()
            return merge(a, b)
        return known(a, b)

    return run


def _arity(spec: Function) -> str:
    if spec.min_args == spec.max_args:
        return str(spec.min_args)
    return f"{spec.min_args} to {spec.max_args}"


def _checked(op: Callable[..., Any], *args: Any) -> Any:
    try:
        return op(*args)
    except (TypeError, ValueError, OverflowError) as exc:
        raise EvalError(str(exc)) from None


def _call(spec: Function, args: list[Run]) -> Run:
    impl = spec.impl

    def run(env: Env) -> Any:
        values = [a(env) for a in args]
        if not spec.sees_unknown and any(v.__class__ is Unknown for v in values):
            return _over_few(spec, env, values)
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


MAX_COMBINATIONS = 64
"""Combinations of its unknown arguments' few values a call is worked out for, at most."""


def _over_few(spec: Function, env: Env, values: list[Any]) -> Any:
    """A call with an unknown argument: where each unknown one is one of a few values, the
    call worked out for every combination of them - the value they all give, else an
    unknown that is one of what they give; otherwise (or where a combination fails, or
    gives what cannot be one of few values, or the function counts working days, noting
    the calendar's days it passes for the case's citations) the unknown every argument's
    facts make."""
    if spec.needs_calendar:
        return merge(*values)  # (a working-day count notes the days it passes: only the case's own)
    choices: list[Any] = []
    count = 1
    for value in values:
        if value.__class__ is Unknown:
            if not value.values:
                return merge(*values)
            count *= len(value.values)
            if count > MAX_COMBINATIONS:
                return merge(*values)
            choices.append([plain(v) for v in value.values])
        else:
            choices.append((value,))
    results: list[Any] = []
    try:
        for combination in product(*choices):
            if spec.none_gives_none and any(v is None for v in combination):
                results.append(None)
                continue
            if spec.cost is not None:
                env.budget.charge(spec.cost(*combination))
            results.append(spec.impl(*combination))
    except (EvalError, TypeError, ValueError, OverflowError, AttributeError, KeyError):
        return merge(*values)  # (a combination no case may have can fail)
    found = few(results)
    if found is None:
        return merge(*values)
    if len(found) == 1:
        return plain(next(iter(found)))
    return Unknown(merge(*values).facts, found)


def compile_form(
    form: Any, names: Mapping[str, Sequence[str] | None]
) -> tuple[Run | None, frozenset[str], list[Issue]]:
    """The exact closure of a parsed form and the names it reads; or None and the issue the
    compiler refused it with."""
    compiler = Compiler(names)
    try:
        run = compiler.compile(form)
    except Refuse as exc:
        return None, frozenset(), [exc.issue]
    except RecursionError:
        return None, frozenset(), [Issue("too-deep", f"expression nests more than {MAX_DEPTH} levels")]
    return run, frozenset(compiler.used), []
