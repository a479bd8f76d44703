"""The three-valued tables as generated code: one plain Python function per value that
works it out as :class:`policykit.engine.env.CaseEnv` does where a value reads an unknown
(a first-hit table with every row it may reach, a collected list with every row), with
Kleene's logic written out row by row instead of looped over.

Each function gives ``(value, the rows that gave it)``, exactly what the tables give,
calling each condition part and outcome (the expressions' own objects, passed in as
globals) in the same order, so the same work is charged and the same days cited.  The
text holds only control flow: no expression source, no constant of the policy.  Built in
memory from the compiled policy, once per policy; never cached.
"""

from __future__ import annotations

from collections.abc import Callable

from policykit.engine.codegen.parts import quick_exact
from policykit.engine.reach import part_reads, possible_values
from policykit.lang.expr import Compiled
from policykit.lang.values import Unknown, few_lists, merge, truth
from policykit.policy.model import Policy, Rule, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    Any = object  # in the type aliases only, which nothing reads at run time

Tristate = Callable[[Any], tuple[Any, Any]]
"""``(env) -> (value, the rows that gave it)``: a value an unknown may leave undecided."""

_EMPTY: frozenset[str] = frozenset()


def finish(possible: list[tuple[Rule | None, Any]], facts: frozenset[str], hit: bool) -> tuple[Any, list[Rule]]:
    """A first-hit table's value from the rows it may reach (``hit``: the last one held)."""
    if not hit:
        possible.append(_NO_ROW)
    first = possible[0][1]
    cls = first.__class__
    if cls is not Unknown:
        for _, o in possible:
            if o.__class__ is not cls or o != first:
                break
        else:
            return first, [r for r, _ in possible if r is not None]
    outcomes = [o for _, o in possible]
    for o in outcomes:  # what merge() gives: the conditions' facts, then each unknown outcome's
        if o.__class__ is Unknown:
            facts = facts | o.facts
    return Unknown(facts, possible_values(outcomes)), []


_NO_ROW: tuple[None, None] = (None, None)


class _Source:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "__builtins__": {},
            "_U": Unknown,
            "_truth": truth,
            "_merge": merge,
            "_few": few_lists,
            "_len": len,
            "_finish": finish,
            "_E": _EMPTY,
        }

    def name(self, obj: Any) -> str:
        key = f"_g{len(self.names)}"
        self.names[key] = obj
        return key

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _part(src: _Source, part: Compiled, policy: Policy) -> str:
    """A call of a condition part: its exact form at once where it may read a fact the
    case does not know (its fast form would give way there), else the part itself (its
    fast form first)."""
    reads, exact = src.name(part_reads(policy, part)), src.name(exact_part(policy, part))
    return f"({exact}(_e) if not _e.unknown_facts.isdisjoint({reads}) else {src.name(part)}(_e))"


def _condition(src: _Source, rule: Rule, indent: int) -> None:
    """Lines that set ``_c`` to the row's condition as Kleene's AND (OR for ``when_any``)
    of its parts: each part in turn until one decides it."""
    any_of = rule.any_of
    if not rule.parts:
        src.add(indent, f"_c = {not any_of}")
        return
    src.add(indent, "while True:")
    i = indent + 1
    src.add(i, "_u = None")
    for part in rule.parts:
        src.add(i, f"_v = {_part(src, part, src.policy)}")
        src.add(i, "if _v.__class__ is _U:")
        src.add(i + 1, "_t = _truth(_v)")
        src.add(i + 1, "if _t is None:")
        src.add(i + 2, "_u = _v if _u is None else _merge(_u, _v)")
        src.add(i + 1, f"elif _t is {any_of}:")
        src.add(i + 2, f"_c = {any_of}")
        src.add(i + 2, "break")
        src.add(i, f"elif {'' if any_of else 'not '}_v:")
        src.add(i + 1, f"_c = {any_of}")
        src.add(i + 1, "break")
    src.add(i, f"_c = _u if _u is not None else {not any_of}")
    src.add(i, "break")


def _outcome(src: _Source, rule: Rule) -> str:
    return src.name(rule.value) if rule.outcome is None else f"{src.name(rule.outcome)}(_e)"


def _table(src: _Source, value: Value) -> None:
    src.add(1, "_p = []")
    src.add(1, "_f = _E")
    for rule in value.rules:
        row = src.name(rule)
        _condition(src, rule, 1)
        src.add(1, "if _c.__class__ is _U:")
        src.add(2, f"_o = {_outcome(src, rule)}")
        src.add(2, "_f = _f | _c.facts")
        src.add(2, f"_p.append(({row}, _o))")
        src.add(1, "elif _c:")
        src.add(2, f"_o = {_outcome(src, rule)}")
        src.add(2, "if not _p and _o.__class__ is not _U:")
        src.add(3, f"return _o, [{row}]")
        src.add(2, f"_p.append(({row}, _o))")
        src.add(2, "return _finish(_p, _f, True)")
    src.add(1, "return _finish(_p, _f, False)")


def _collect(src: _Source, value: Value) -> None:
    src.add(1, "_items = []")
    src.add(1, "_rows = []")
    src.add(1, "_w = None")
    src.add(1, "_m = []")
    for rule in value.rules:
        _condition(src, rule, 1)
        src.add(1, "if _c.__class__ is _U:")
        if value.skip_unknown:
            src.add(2, "pass")
        else:
            src.add(2, "_w = _c if _w is None else _merge(_w, _c)")
            src.add(2, f"_m.append((_len(_items), {src.name(rule.value)}))")
        src.add(1, "elif _c:")
        src.add(2, f"_items.append({src.name(rule.value)})")
        src.add(2, f"_rows.append({src.name(rule)})")
    src.add(1, "if _w is not None:")
    src.add(2, "return _U(_w.facts, _few(_items, _m)), []")
    if value.otherwise is not None:
        src.add(1, "if not _rows:")
        src.add(2, f"return _items, [{src.name(value.otherwise)}]")
    src.add(1, "return _items, _rows")


def exact_part(policy: Policy, part: Compiled) -> Callable[[Any], Any]:
    """``part``'s exact form, the quicker one where its shape allows
    (:mod:`policykit.engine.codegen.parts`), kept per part of the policy."""
    kept: dict[int, tuple[Compiled, Callable[[Any], Any]]] = policy.memo.get("exact_parts") or policy.memo.setdefault(
        "exact_parts", {}
    )
    found = kept.get(id(part))
    if found is None:
        found = (part, quick_exact(part))
        if len(kept) < 10_000:
            kept[id(part)] = found  # the part kept with it: its id stays its own
    return found[1]


def tristate_source(policy: Policy, value: Value) -> tuple[str, dict[str, Any]]:
    """(source of ``def _value(_e)``, its globals) for one value of ``policy``."""
    src = _Source(policy)
    (_collect if value.kind == "collect" else _table)(src, value)
    return "def _value(_e):\n" + "\n".join(src.lines) + "\n", src.names


def tristate_function(policy: Policy, value: Value) -> Tristate:
    text, names = tristate_source(policy, value)
    exec(compile(text, f"<policy value {value.id} (three-valued)>", "exec"), names)
    made: Tristate = names["_value"]
    return made


class Tables(dict[str, "Tristate"]):
    """Each value's function, made when it is first asked for (a case reaches a few)."""

    __slots__ = ("policy",)

    def __init__(self, policy: Policy) -> None:
        super().__init__()
        self.policy = policy

    def exact_part(self, part: Compiled) -> Callable[[Any], Any]:
        """A condition part's exact form (:func:`exact_part`)."""
        return exact_part(self.policy, part)

    def __missing__(self, name: str) -> Tristate:
        made = self[name] = tristate_function(self.policy, self.policy.values[name])
        return made


def tristate_functions(policy: Policy) -> Tables:
    """Every value's three-valued function (made once per compiled policy, on first use)."""
    made: Tables | None = policy.memo.get("tristate")
    if made is None:
        made = policy.memo["tristate"] = Tables(policy)
    return made
