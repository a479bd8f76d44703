"""A fast form of each expression: the whitelisted syntax tree turned into one Python
function, run with Python's own operators.

It takes the common road only: every name it reads is known and every value is of the
expected kind.  On the first unknown fact (``UnknownHit``) or anything unusual (a ``None``
compared, a type error...) it gives up and the three-valued closure of :mod:`expr`,
which is always right, decides instead.  The tree has passed the same whitelist, so the
generated code can do nothing the closures cannot.
"""

from __future__ import annotations

from policykit.lang.form import PLAIN_TYPES
from policykit.lang.functions import FUNCTIONS, Function, arithmetic
from policykit.lang.values import Unknown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType, FunctionType
    from typing import Any

    _Values = dict[str, Any]
else:
    _Values = dict
    # as the types module takes them (without loading it)
    FunctionType = type(lambda: None)
    CodeType = type((lambda: None).__code__)


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


def fast_function(source: str) -> Callable[[Any, Any], Any]:
    """The function of a source made by :func:`~policykit.lang.fastcode.fast_code` (also as
    read back from the compile cache).

    It runs with no builtins and only the functions of the whitelist; a source whose code
    reaches for any other name (a dunder, a builtin) is refused with ValueError."""
    if not isinstance(source, str):
        raise ValueError("not the source of a policy expression")
    code = _checked_code(source)
    if code is None:
        raise ValueError("not the code of a policy expression")
    result: Callable[[Any, Any], Any] = eval(code, {**_GLOBALS, "__builtins__": {}})
    return result


def _checked_code(source: str) -> CodeType | None:
    """The code of ``source`` if it is an ``eval`` of one lambda that passes the whitelist, else None."""
    if not plain_source(source):
        return None
    try:
        code = compile(source, "<policy expression>", "eval", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None
    lambdas = [c for c in code.co_consts if isinstance(c, CodeType)]
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
        lam = next((c for c in code.co_consts if isinstance(c, CodeType)), None) if code is not None else None
        # the whitelist's functions join the stub's globals only now (a form never run
        # never copies them), before the checked code that reads them is swapped in
        scope = stub.__globals__
        for name, function in _GLOBALS.items():
            if name != "__builtins__":
                scope[name] = function
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
    # no builtins, and of the whitelist's functions none until the text is compiled
    scope: dict[str, Any] = {"__builtins__": {}, "_text": source, "_resolve": _resolve_fast}
    scope["UnknownHit"] = UnknownHit  # (for a refused text's form, which always gives way)
    stub = FunctionType(_lazy_stub.__code__, scope, "<lambda>")
    scope["_self"] = stub
    return stub


# inspect's CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR (inspect
# itself is not imported on the cold path)
_GENERATOR_FLAGS = 0x20 | 0x80 | 0x100 | 0x200


def plain_source(source: str) -> bool:
    """Whether ``source`` has the shape of what the compiler's fast forms have
    (:func:`policykit.lang.fastcode.plain_source`, which parses it: ``ast`` is imported
    when a text is first checked)."""
    from policykit.lang.fastcode import plain_source as plain

    return plain(source)


def plain_code(code: Any) -> bool:
    """Whether ``code`` is what :func:`~policykit.lang.fastcode.fast_code` makes: a lambda over ``_e`` and ``_k`` that
    names nothing but the whitelist and holds only plain constants."""
    if not isinstance(code, CodeType):
        return False
    for name in code.co_names:
        if name not in ALLOWED_NAMES or name.startswith("__"):
            return False
    for const in code.co_consts:
        if isinstance(const, CodeType):
            if not plain_code(const):
                return False
        elif isinstance(const, tuple):
            if not all(isinstance(c, PLAIN_TYPES) for c in const):
                return False
        elif not isinstance(const, PLAIN_TYPES):
            return False
    if code.co_flags & _GENERATOR_FLAGS:
        return False
    return set(code.co_varnames) <= {"_e", "_k"} and not code.co_freevars and not code.co_cellvars
