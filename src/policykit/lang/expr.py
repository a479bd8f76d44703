"""Stage 4, expressions: parse once against a whitelist, compile to closures.

A condition is a small Python-like expression (``and``/``or``/``not``, comparisons,
``in``, ``+``/``-``, ``x if c else y``, literals, dotted names, whitelisted function
calls).  Its text is parsed once, to its parsed form (plain data, :mod:`policykit.lang.form`),
which the compiler (:mod:`policykit.lang.closures`) checks and turns into the exact
three-valued closure, and to a fast form (:mod:`policykit.lang.fastpath`).  A policy read
from the compile cache keeps each expression's parsed form: its closure is compiled from
it when first run, and no text is parsed.
"""

from __future__ import annotations

from policykit.lang.closures import EvalError as EvalError
from policykit.lang.closures import Issue as Issue
from policykit.lang.closures import compile_form
from policykit.lang.fastpath import UnknownHit
from policykit.lang.form import CONSTANT_NAMES as CONSTANT_NAMES
from policykit.lang.form import MAX_DEPTH as MAX_DEPTH
from policykit.lang.form import MAX_INT as MAX_INT
from policykit.lang.form import MAX_SOURCE as MAX_SOURCE
from policykit.lang.form import MAX_STRING as MAX_STRING
from policykit.lang.form import checked_form
from policykit.lang.functions import FUNCTIONS
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from policykit.lang.closures import Env


class Compiled(Frozen):
    """An expression compiled once: its source, the names it reads, and its closure
    (immutable but for its exact form, built on first use from its parsed form)."""

    __slots__ = ("exact", "fast", "fast_source", "form", "names", "names_map", "source")
    _FIELDS = ("source", "names", "exact", "fast", "names_map", "fast_source", "form")
    _COMPARED = _SHOWN = _FIELDS[:-1]
    try_fast = True
    """Whether a call tries the fast form first (see :func:`exact_forms_only`)."""

    source: str
    names: frozenset[str]
    exact: Callable[[Env], Any] | None
    fast: Callable[[Env, Any], Any] | None
    names_map: Mapping[str, Sequence[str] | None] | None
    fast_source: str | None  # the fast form's text (what the compile cache keeps)
    form: Any  # the parsed form (plain data, kept by the compile cache too), or None

    def __init__(
        self,
        source: str,
        names: frozenset[str],
        exact: Callable[[Env], Any] | None,
        fast: Callable[[Env, Any], Any] | None = None,
        names_map: Mapping[str, Sequence[str] | None] | None = None,
        fast_source: str | None = None,
        form: Any = None,
    ) -> None:
        put = object.__setattr__
        put(self, "source", source)
        put(self, "names", names)
        put(self, "exact", exact)
        put(self, "fast", fast)
        put(self, "names_map", names_map)
        put(self, "fast_source", fast_source)
        put(self, "form", form)

    def __call__(self, env: Env) -> Any:
        fast = self.fast
        if fast is not None and self.try_fast:
            try:
                return fast(env, env.known)
            except _GIVE_WAY:  # an unknown fact, a value of an unexpected kind: the exact form decides
                pass  # (a limit, a value's error, a recursion too deep go on up: running again would not help)
        return self.run(env)

    def run(self, env: Env) -> Any:
        """The exact three-valued form; built on first use when the policy came from the
        compile cache, from the parsed form it kept (checked first)."""
        exact = self.exact
        if exact is None:
            exact = self._build_exact()
            object.__setattr__(self, "exact", exact)
        return exact(env)

    def _build_exact(self) -> Callable[[Env], Any]:
        """The exact form compiled from the parsed form, once it passes the check of a form
        read from the cache (:func:`~policykit.lang.form.checked_form`) and reads the names
        the expression is known to read; else (a form not made by the compiler) from the
        text, parsed as if the cache had not kept the form."""
        names = self.names_map or {}
        form = self.form
        if form is not None:
            try:
                exact = compile_form(form, names)[0] if checked_form(form, names, FUNCTIONS) == self.names else None
            except ValueError:
                exact = None
            if exact is not None:
                return exact
        compiled, issues = compile_expr(self.source, names, fast=False)
        if compiled is None or compiled.exact is None:
            from policykit.lang.hints import quote

            raise EvalError(f"cannot compile {quote(self.source)}: {issues}")
        object.__setattr__(self, "form", compiled.form)  # the text's own form, for whoever reads it next
        return compiled.exact

    def checked_form(self) -> Any:
        """The parsed form, for a reader other than the compiler (e.g. the text view's notes):
        one read from the cache is checked first, as when the exact form is built from it,
        and one that fails the check is replaced by the form of the text."""
        if self.exact is None:
            object.__setattr__(self, "exact", self._build_exact())
        return self.form


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


def compile_expr(
    source: Any, names: Mapping[str, Sequence[str] | None], fast: bool = True
) -> tuple[Compiled | None, list[Issue]]:
    """Compile ``source``; ``names`` maps each readable name to its enum values (or None); ``fast``: fast form too."""
    if isinstance(source, bool) or source is None or isinstance(source, (int, float)):
        constant = source
        form = ("const", constant)
        return Compiled(
            str(source), frozenset(), lambda env: constant, lambda env, known: constant, None, None, form
        ), []
    if not isinstance(source, str):
        return None, [Issue("expression-type", "an expression must be a string")]
    if len(source) > MAX_SOURCE:
        return None, [Issue("expression-too-long", f"expression longer than {MAX_SOURCE} characters")]
    from policykit.lang.hints import hint, quote  # (loaded with the parser)
    from policykit.lang.syntax import parse_form  # the parser: never loaded by a policy read from the cache

    try:
        form, body = parse_form(source)
    except SyntaxError as exc:
        detail = exc.msg
        return None, [Issue("expression-syntax", f"{detail} in {quote(source)}{hint(source)}")]
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, [Issue("expression-syntax", f"cannot parse {quote(source)}: {type(exc).__name__}")]
    run, used, issues = compile_form(form, names)
    if run is None:
        return None, issues
    text, function = _fast_form(body) if fast else (None, None)
    return Compiled(source, used, run, function, names, text, form), []


def _fast_form(body: Any) -> tuple[str | None, Callable[[Any, Any], Any] | None]:
    """(text, function) of the fast form of a checked syntax tree; (None, None) if it has none."""
    from policykit.lang.fastcode import fast_code
    from policykit.lang.fastpath import fast_function
    from policykit.lang.syntax import dotted_name

    text = fast_code(body, dotted_name)
    try:
        return text, (fast_function(text) if text is not None else None)
    except ValueError:  # no fast form: the exact one decides
        return None, None
