"""One generated function per request type: every decision of the type worked out in one
plain Python function, on the road where what it reads is known (the lean road of
:func:`~policykit.engine.decide.decide`).  The decisions are worked out in the function
itself, in turn; a value another value reads has a small worker function of its own
(called on its first read).  A value workers read is kept in a slot of one list per case,
which the workers share: a list, not closures over local variables, because making a
closure costs more per case than the reads it would save.  A value only the function
itself reads, whose worker reads no value, is kept in a local of the function instead,
its worker given the locals it reads (or, unmetered, its one row written out where it is
read).

Made ``metered=False``, the function charges no work per value and takes no budget: the
lean road (:mod:`policykit.engine.lean`) runs it where the budget could not have stopped
the case; a value whose size the budget would charge raises :class:`NeedsBudget`.

A value is worked out lazily on its first use, as the full road works it out: the same
order of evaluation, the same work charged to the budget before its rows are read (a
limit reached is named after the innermost value being worked out), the same size check
of what it gives.  Its rows' conditions and outcomes are the text of the expressions'
fast forms (:attr:`~policykit.lang.expr.Compiled.fast_source`), inlined with each
``_k["name"]`` read turned into a local: a fact (an unknown one gives up: UnknownHit), a
parameter (a constant), or a value (worked out if it is not yet).  Where the generated
code cannot go on (an expression without a fast form, an unknown read, an ``ask:`` row
reached, a value of an unexpected kind) it raises one of
:data:`~policykit.engine.codegen.generate.GIVE_UP`, and the caller decides the case on the
full road, which does the same work up to that point.

Built in memory from the compiled policy, once per policy and request type; nothing of it
is stored in the compile cache.  A fast form's text is inlined only if its own code
passes the language's whitelist (:func:`~policykit.lang.fastpath.plain_code`), as a text
read back from the cache must.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from operator import itemgetter
from types import CodeType

from policykit.engine.codegen.generate import GIVE_UP, OPEN, Fallback, forget
from policykit.engine.codegen.generate import NeedsBudget as NeedsBudget
from policykit.engine.codegen.inline import Inline, NotInlined, never_sized
from policykit.lang.dates import WorkCalendar, date
from policykit.lang.expr import Compiled
from policykit.lang.fastpath import ALLOWED_NAMES, UnknownHit, plain_code, plain_source
from policykit.lang.values import Unknown
from policykit.limits import Budget, LimitError
from policykit.policy.model import Policy, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    Any = object  # in the type aliases only, which nothing reads at run time

RequestFunction = Callable[[Budget | None, WorkCalendar, frozenset[str], date, dict[str, Any]], dict[str, Any]]
"""``(budget, calendar, facts given, as_of, facts) -> {decision id: value}`` (the budget None
for a function made without it)."""


def _unknown_read() -> Any:
    raise UnknownHit("a fact the case does not give")


def _give_up() -> Any:
    raise Fallback


def _needs_budget() -> Any:
    raise NeedsBudget


class _Unset:
    """A value not worked out yet (a value may be None)."""

    __slots__ = ()


_UNSET = _Unset()

_SHORT = 64  # a list or string longer than this is checked against its limit
_INLINE_CHARS = 400  # a value's expression written out where it is read, if no longer than this
_CASE = ("_b", "_cal", "_given", "_as_of", "_v")  # a case's first slots (_v: its facts); then its values


class _Request:
    """The source of one request type's function, and the globals it names."""

    def __init__(
        self, policy: Policy, shared: Mapping[str, Any], metered: bool = True, rows: bool = False, partial: bool = False
    ) -> None:
        self.policy = policy
        self.partial = partial  # True: a decision that gives way is left open, the others go on (see request_source)
        self.shared = shared
        self.metered = metered  # False: no work charged per value (see :func:`request_source`)
        self.rows = rows  # True: every value worked out kept with the rows that gave it (see request_source)
        self.case = (*_CASE, "_o", "_rd") if rows else (*_CASE, "_o") if partial else _CASE  # a case's first slots
        self.metering = False  # whether the code charges the budget by what it reads (a function's cost...)
        self.charges: dict[int, int] = {}  # value number -> the work charged when it is worked out
        self.names: dict[str, Any] = {
            "__builtins__": {},  # what the code calls is named here: the language's functions, its own helpers
            "_N": _UNSET,
            "_U": Unknown,
            "_H": _unknown_read,
            "_G": _give_up,
            "_M": _needs_budget,
            "_LimitError": LimitError,
            "_len": len,
            "_list": list,
            "_str": str,
            "_O": OPEN,
            "_GU": GIVE_UP,
        }
        self.values: dict[str, int] = {}  # value id -> its number (v<n>, w<n>), in order of first read
        self.facts: dict[str, int] = {}  # fact -> its number (f<n>)
        self.constants: dict[int, str] = {}  # id(object) -> its global name
        self.temps = 0
        self.called: set[int] = set()  # the values read by others: each has a worker
        self.decided: dict[int, str] = {}  # the decisions worked out so far in the function: their locals
        self.used: set[str] = set()  # the locals the code being made reads (facts, the day)
        self.reading: int | None = None  # the value whose worker is being made (None: the function itself)
        self.readers: dict[int, set[int | None]] = {}  # value -> where it is read (its workers, or None)
        self.worker_used: dict[int, set[str]] = {}  # value -> the locals its worker reads
        self.undo = ""  # partial: the call forgetting the values a decision that gave way worked out

    def constant(self, obj: Any) -> str:
        found = self.constants.get(id(obj))
        if found is None:
            found = self.constants[id(obj)] = f"_c{len(self.constants)}"
            self.names[found] = obj
        return found

    def fixed(self, node: ast.expr) -> bool:
        """Whether ``node`` is a constant other than None (a literal, or a constant of the policy)."""
        if isinstance(node, ast.Constant):
            return node.value is not None
        if isinstance(node, ast.Name) and node.id.startswith("_c") and node.id in self.names:
            return self.names[node.id] is not None
        return False

    def temp(self) -> str:
        """A new local for a value worked out once and read twice."""
        self.temps += 1
        return f"_t{self.temps}"

    def read(self, name: str, strict: bool) -> str:
        """The code reading ``name`` as the lean road's environment resolves it: the day of
        evaluation, then a fact, a shared name (a parameter...), a value; any other name
        gives up (the full road words the problem)."""
        if name == "as_of":
            self.used.add("_as_of")
            return "_as_of"
        if name in self.policy.facts:
            local = f"f{self.facts.setdefault(name, len(self.facts))}"
            self.used.add(local)
            code = f"({local} if {local}.__class__ is not _U else _H())" if strict else local
            if self.rows and self.policy.facts[name].has_default:  # a read noted: it may be the default
                self.used.add("_rd")
                code = f"(_rd({name!r}) or {code})"
            return code
        if name in self.shared:
            return self.constant(self.shared[name])
        if name in self.policy.values:
            n = self.values.setdefault(name, len(self.values))
            if n in self.decided:
                return self.decided[n]
            self.called.add(n)
            self.readers.setdefault(n, set()).add(self.reading)
            return f"(_s[{self.slot(n)}] if _s[{self.slot(n)}] is not _N else w{n}(_s))"
        return "_G()"

    def slot(self, n: int) -> int:
        """Where value ``n`` is kept: after the budget, the calendar, the facts given, the day
        of evaluation and the facts."""
        return len(self.case) + n

    def expression(self, expr: Compiled) -> str:
        """The inlined code of an expression, or a give-up where it has no fast form to inline."""
        return self.expression_sized(expr)[0]

    def expression_sized(self, expr: Compiled) -> tuple[str, bool]:
        """(the inlined code of an expression, whether what it gives may be a list or a text)."""
        text = expr.fast_source
        if expr.fast is None or not isinstance(text, str):
            return "_G()", False
        try:
            if not plain_source(text) or not plain_code(
                compile(text, "<policy expression>", "eval", dont_inherit=True)
            ):
                return "_G()", False
            tree = ast.parse(text, mode="eval").body
            if not isinstance(tree, ast.Lambda):
                return "_G()", False
            body = Inline(self.read, self).visit(tree.body)
            return f"({ast.unparse(body)})", not never_sized(body)
        except (NotInlined, SyntaxError, ValueError, RecursionError, MemoryError):
            return "_G()", False

    def outcome(self, value: Any) -> str:
        """A row's fixed outcome; an ``ask:`` row's (unknown) gives up where it is reached."""
        return "_G()" if value.__class__ is Unknown else self.constant(value)

    def body(self, value: Value) -> tuple[list[str], bool]:
        """(the lines that leave the value in ``_r``, whether it may be a list or string
        long enough that its size must be checked)."""
        lines: list[str] = []
        rows = self.rows
        if value.kind == "collect":
            lines += ["_r = []", *(["_w = []"] if rows else [])]
            for rule in value.rules:
                lines.append(f"if {self.condition(rule.parts, rule.any_of)}:")
                lines.append(f"    _r.append({self.outcome(rule.value)})")
                lines += [f"    _w.append({self.constant(rule)})"] if rows else []
            if rows and value.otherwise is not None:
                lines += ["if not _w:", f"    _w = ({self.constant(value.otherwise)},)"]
            return lines, len(value.rules) > _SHORT
        long = False
        for i, rule in enumerate(value.rules):
            lines.append(f"{'if' if i == 0 else 'elif'} {self.condition(rule.parts, rule.any_of)}:")
            if rule.outcome is None:
                outcome = self.outcome(rule.value)
                long = long or (rule.value.__class__ in (list, str) and len(rule.value) > _SHORT)
            else:
                outcome, sized = self.expression_sized(rule.outcome)
                long = long or sized
            lines.append(f"    _r = {outcome}")
            lines += [f"    _w = ({self.constant(rule)},)"] if rows else []
        if lines:
            lines += ["else:", "    _r = None"]
        else:
            lines.append("_r = None")
        lines += ["    _w = ()" if value.rules else "_w = ()"] if rows else []
        return lines, long

    def condition(self, parts: tuple[Compiled, ...], any_of: bool) -> str:
        if not parts:
            return "True"
        return (" or " if any_of else " and ").join(self.expression(part) for part in parts)

    def compute(self, n: int) -> tuple[list[str], set[str]]:
        """(the lines that work value ``n`` out into ``_r`` and its slot, charged and
        checked as the full road does; the locals they read)."""
        value = self.policy.values[list(self.values)[n]]
        self.used = set()
        body, long = self.body(value)
        self.charges[n] = len(value.rules) + 1  # a value, and each row it may read
        charged = "_b.size(_r)" if self.metered else "_M()"  # unmetered: a size to charge needs the budget
        size = ["    if (_r.__class__ is _list or _r.__class__ is _str) and _len(_r) > 64:", f"        {charged}"]
        charge = [f"    _b.left -= {self.charges[n]}", "    if _b.left < _b.next_check:", "        _b.charge(0)"]
        lines = [
            *(["_z = _b.left"] if self.rows else []),  # the work left when it was begun
            "try:",
            *(charge if self.metered else []),
            *(f"    {line}" for line in body),
            *(size if long else []),
            "except _LimitError as _x:",
            f"    raise _x.working_out({value.id!r}) from None",
            *([f"_o[{value.id!r}] = (_r, _w, _z, _b.left)"] if self.rows else []),
            *([f"_o[{value.id!r}] = _r"] if self.partial else []),
        ]
        return lines, self.used

    def worker(self, n: int, local: bool = False) -> list[str]:
        """``w<n>(_s)``: works value ``n`` out once and keeps it in its slot of ``_s``; with
        ``local``, ``w<n>(...)`` given what it reads and giving the value (kept by the caller)."""
        self.reading = n
        lines, used = self.compute(n)
        self.reading = None
        self.worker_used[n] = used
        if local:
            return [
                f"def w{n}({', '.join(self.arguments(used))}):",
                *(f"    {line}" for line in lines),
                "    return _r",
            ]
        lines.append(f"_s[{self.slot(n)}] = _r")
        head = [f"def w{n}(_s):", *(["    _b = _s[0]"] if self.metered else [])]
        facts = sorted(int(local[1:]) for local in used if local[0] == "f")
        if facts:
            used = used | {"_v"}
        if self.rows or self.partial:
            used = used | {"_o"}
        head += [f"    {local} = _s[{i}]" for i, local in enumerate(self.case) if local in used]
        head += [f"    f{k} = _v[{k}]" for k in facts]
        return [*head, *(f"    {line}" for line in lines), "    return _r"]

    def source(self, request_type: str) -> str:
        """The request type's function: each decision in turn, worked out in it unless a
        value worked out before read it; the values the decisions read, by their workers."""
        blocks: list[tuple[int, list[str]]] = []
        for i, value in enumerate(self.policy.plan(request_type)[0]):
            n = self.values.setdefault(value.id, len(self.values))
            lines, _ = self.compute(n)
            blocks.append((n, lines))
            # the later decisions read it from the function's local (one left open gives way)
            self.decided[n] = f"(r{i} if r{i} is not _O else _G())" if self.partial else f"r{i}"
        self.decided = {}  # a worker may be called before any decision is worked out
        result = ", ".join(f"{value.id!r}: r{i}" for i, value in enumerate(self.policy.plan(request_type)[0]))
        workers: list[str] = []
        done: set[int] = set()
        while self.called - done:  # a worker's rows may call other workers: make them too
            n = min(self.called - done)
            workers += self.worker(n)
            done.add(n)
        # The values the function itself reads and no worker does, whose workers read no
        # value: each kept in a local of the function, worked out by its worker given the
        # locals it reads, or by its expression itself where that is all there is to it.
        local: dict[int, str] = {}
        inlined: set[int] = set()  # those worked out by their expression, with no worker
        for n in sorted(done):
            args = self.worker_locals(n) if self.readers[n] == {None} and self.case is _CASE else None
            if args is not None:
                form = self.inline_form(n)
                inlined |= {n} if form is not None else set()
                local[n] = form if form is not None else f"w{n}({', '.join(args)})"
        if local:
            workers = [line for n in sorted(done - set(local)) for line in self.worker(n)]
            workers += [line for n in sorted(set(local) - inlined) for line in self.worker(n, True)]
            blocks = [(n, [_read_locally(line, self.slot, local) for line in lines]) for n, lines in blocks]
        shared = done - set(local)  # the values kept in the case's slots
        if self.partial:  # the values a decision that gave way worked out: forgotten
            self.names["_forget"], self.names["_at"] = forget, {v: self.slot(n) for v, n in self.values.items()}
            self.undo = f"_forget(_o, _n0, {'_s' if shared else '[]'}, _at, _N)"
        main: list[str] = [f"x{n} = _N" for n in sorted(local)]
        for i, (n, lines) in enumerate(blocks):
            if n not in done:  # no worker reads it: worked out here, first and once, and kept in a local
                main += self.open_on_give_up([*lines, f"r{i} = _r"], f"r{i}")
                continue
            # a worker may have worked it out already, or read it later
            slot = f"x{n}" if n in local else f"_s[{self.slot(n)}]"
            main += [
                f"_r = {slot}",
                "if _r is _N:",
                *(f"    {line}" for line in self.open_on_give_up([*lines, f"{slot} = _r"], "_r")),
                f"r{i} = _r",
            ]
        self.names.update(dict.fromkeys([*(f"w{n}" for n in done - inlined), "_decide"]))  # defined by the code
        facts = list(self.facts)
        if self.rows:
            head = ["def _decide(_b, _cal, _given, _as_of, _f, _o, _n):", "    _rd = _n.append"]
        elif self.partial:
            head = ["def _decide(_b, _cal, _given, _as_of, _f, _o):", "    _lost = 0"]
        else:
            head = ["def _decide(_b, _cal, _given, _as_of, _f):"]
        keep = " = _v" if shared else ""  # the workers read the facts from the case's slots
        if not facts:
            head.append("    _v = ()")
        elif len(facts) == 1:
            head.append(f"    f0 = _f[{facts[0]!r}]")
            head.append("    _v = (f0,)")
        else:
            self.names["_facts"] = itemgetter(*facts)
            head.append(f"    {', '.join(f'f{i}' for i in range(len(facts)))}{keep} = _facts(_f)")
        if shared:
            self.names["_unset"] = (_UNSET,) * len(self.values)
            head.append(f"    _s = [{', '.join(self.case)}, *_unset]")
        result = "None" if self.rows else f"({{{result}}}, _lost)" if self.partial else f"{{{result}}}"
        return "\n".join([*workers, *head, *(f"    {line}" for line in main), f"    return {result}", ""])

    def open_on_give_up(self, lines: list[str], local: str) -> list[str]:
        """``lines`` working out a decision; with ``partial``, one that gives way leaves
        ``local`` open (and the function goes on)."""
        if not self.partial:
            return lines
        return [
            "_zb, _n0 = _b.left, _len(_o)",
            "try:",
            *(f"    {line}" for line in lines),
            "except _GU:",
            f"    {local} = _O",
            "    _lost += _zb - _b.left",
            f"    {self.undo}",
        ]

    def worker_locals(self, n: int) -> list[str] | None:
        """What the worker of value ``n`` reads, as the locals of the function to give it
        (None where it reads another value: it keeps to the case's slots)."""
        if any(n in readers for readers in self.readers.values()):
            return None
        return self.arguments(self.worker_used[n])

    def inline_form(self, n: int) -> str | None:
        """Value ``n`` as one expression, where the function charges no work and the value
        is one row with no condition giving neither a list nor a text (no size to check)."""
        value = self.policy.values[list(self.values)[n]]
        if self.metered or value.kind == "collect" or len(value.rules) != 1 or value.rules[0].parts:
            return None
        rule = value.rules[0]
        if rule.outcome is None:
            return None if rule.value.__class__ in (list, str) else self.outcome(rule.value)
        self.reading = n
        text, sized = self.expression_sized(rule.outcome)
        self.reading = None
        return None if sized or len(text) > _INLINE_CHARS else text

    def arguments(self, used: set[str]) -> list[str]:
        """The locals a worker given its arguments takes: the budget (metered), then what it reads."""
        return [*(["_b"] if self.metered else []), *sorted(used - {"_v"})]


def _read_locally(line: str, slot: Callable[[int], int], local: dict[int, str]) -> str:
    """``line`` with each read of a value kept in a local made a read of that local (worked
    out by the code ``local`` gives, and kept, where it is not yet)."""
    for n, form in local.items():
        kept = f"_s[{slot(n)}]"
        line = line.replace(
            f"{kept} if {kept} is not _N else w{n}(_s)", f"x{n} if x{n} is not _N else (x{n} := {form})"
        )
    return line


def request_source(
    policy: Policy,
    request_type: str,
    shared: Mapping[str, Any],
    metered: bool = True,
    rows: bool = False,
    partial: bool = False,
) -> tuple[str, dict[str, Any]]:
    """(source of ``def _decide(_b, _cal, _given, _as_of, _f)``, its globals) for one
    request type of ``policy``; ``shared`` holds the names every case shares (parameters...).

    ``metered=False``: the function charges no work per value and takes no budget (``_b``
    is None); a value whose size would be charged raises :class:`NeedsBudget`.  Made only
    where the code charges nothing else (no function's cost, no arithmetic under the
    budget; else :class:`Unmeterable`); ``globals["_work"]`` is then the most work the
    metered function can charge a case, every value it may work out worked out once.

    ``rows=True`` (metered): ``def _decide(_b, _cal, _given, _as_of, _f, _o, _n)`` puts in
    the dict ``_o`` every value it works out, in the order each is done, with the rows
    that gave it, as the generated functions of the values give them
    (:mod:`policykit.engine.codegen.generate`), and the work the budget had left when it
    was begun and when it was done: ``{value id: (value, rows, left, left after)}``, and
    in the list ``_n`` the facts with a default it reads; where it gives way, they hold
    what it did until then.

    ``partial=True`` (metered): ``def _decide(_b, _cal, _given, _as_of, _f, _o)`` gives
    ``(decisions, work lost)``; a decision that gives way is left :data:`OPEN` (a later
    one reading it gives way too), the values worked out within it are forgotten (worked
    out again where read), the work it was charged is counted lost, and the function goes
    on with the next.  Every value worked out for a decision that did not give way is put
    in the dict ``_o`` (``{value id: value}``): the full road keeps them, charged the work
    the budget was charged less the work lost, and works out only what is open."""
    request = _Request(policy, shared, metered, rows, partial)
    text = request.source(request_type)
    if not metered:
        if request.metering:
            raise Unmeterable(request_type)
        request.names["_work"] = sum(request.charges.values())
    return text, request.names


class Unmeterable(Exception):
    """A request type whose function charges work by what it reads: it has no unmetered form."""


def request_function(
    policy: Policy, request_type: str, shared: Callable[[Policy], Mapping[str, Any]]
) -> RequestFunction:
    """The generated function deciding every decision of ``request_type`` (made once per
    compiled policy and request type, on first use); ``shared`` gives the names every
    case of the policy shares."""
    made: dict[str, RequestFunction] | None = policy.memo.get("generated_requests")
    if made is None:
        made = policy.memo["generated_requests"] = {}
    function = made.get(request_type)
    if function is None:
        function = made[request_type] = compiled(*request_source(policy, request_type, shared(policy)), request_type)[0]
    return function


def compiled(text: str, names: dict[str, Any], request_type: str) -> tuple[RequestFunction, dict[str, Any]]:
    """(the function ``text`` defines, its globals): compiled and run only once its code is
    seen to name nothing but its own globals, its own attributes and the whitelist's."""
    code = compile(text, f"<policy request {request_type}>", "exec", dont_inherit=True)
    if not names_only(code, frozenset(names) | _OWN_ATTRIBUTES | _WHITELIST_ATTRIBUTES):
        raise AssertionError(f"the code generated for {request_type!r} names what it may not")
    exec(code, names)
    return names["_decide"], names


_OWN_ATTRIBUTES = frozenset({"left", "next_check", "charge", "size", "working_out", "append", "__class__"})
"""The attributes the generated code itself reads (of the budget, a limit's error, a list, a value)."""
_WHITELIST_ATTRIBUTES = frozenset(name for name in ALLOWED_NAMES if not name.startswith("_"))
"""The attributes a fast form may read (its functions are not among them: the generated
code calls them by its own globals)."""


def names_only(code: CodeType, allowed: frozenset[str]) -> bool:
    """Whether ``code`` (and every code object within it) names nothing but ``allowed``: the
    generated code's globals, its own attributes and the language's whitelist."""
    if not set(code.co_names) <= allowed:
        return False
    return all(names_only(const, allowed) for const in code.co_consts if isinstance(const, CodeType))
