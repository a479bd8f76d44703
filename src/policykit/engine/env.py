"""A case being decided: its facts, and every derived value and decision worked out on
first use and kept (first-hit tables, collected lists, Kleene logic over unknown facts),
and, for the texts the policy will show, the values they need: no words."""

from __future__ import annotations

from policykit.engine.reach import fact_deps, possible_values
from policykit.engine.record import PartTrace, Reason, RuleTrace
from policykit.lang.dates import WatchedCalendar, WorkCalendar, date
from policykit.lang.expr import Compiled, EvalError
from policykit.lang.fastpath import Known
from policykit.lang.values import Unknown, few_lists, merge, truth
from policykit.limits import DEFAULT, Budget, LimitError, Limits
from policykit.policy.model import Cite, Policy, Rule, Text, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from policykit.engine.codegen import Generated
    from policykit.engine.codegen.tristate import Tables

GIVE_UP: tuple[type[Exception], ...] = ()
"""What a generated function raises to give way (:data:`policykit.engine.codegen.GIVE_UP`),
taken with the three-valued tables' generator when a case is first given generated
functions: one case decided on the interpreter imports neither."""
_TRISTATE: Callable[[Policy], Tables] | None = None


def _generated_road() -> Callable[[Policy], Tables]:
    global GIVE_UP, _TRISTATE
    from policykit.engine.codegen import GIVE_UP as give_up
    from policykit.engine.codegen.tristate import tristate_functions

    GIVE_UP, _TRISTATE = give_up, tristate_functions
    return tristate_functions


def shared_names(policy: Policy) -> dict[str, Any]:
    """The names every case of ``policy`` shares: parameters and the policy's own id, version, status."""
    base: dict[str, Any] | None = policy.memo.get("base")
    if base is None:
        base = policy.memo["base"] = {"params." + name: param.value for name, param in policy.parameters.items()}
        base.update(
            {
                "policy.id": policy.id,
                "policy.version": policy.version,
                "policy.status": policy.status,
                "policy.sha256": policy.sha256,
            }
        )
    return base


class FactEnv:
    """Facts, parameters and built-in names only: what case checks may read."""

    def __init__(
        self,
        policy: Policy,
        facts: dict[str, Any],
        as_of: date | None = None,
        given: frozenset[str] = frozenset(),
        limits: Limits = DEFAULT,
        unknown: frozenset[str] | None = None,
    ) -> None:
        """``unknown``: the names of ``facts`` whose value is unknown, when the caller knows
        them already (else they are looked for)."""
        self.policy = policy
        self.given = given
        self.budget = Budget(limits)
        self.calendar: WorkCalendar | WatchedCalendar = policy.calendar
        self.cache: dict[str, Any] = {**shared_names(policy), **facts, "as_of": as_of}
        self.known = known = Known(self, self.cache)  # a copy
        if unknown is None:
            unknown = frozenset([n for n, v in facts.items() if v.__class__ is Unknown])
        for name in unknown:
            del known[name]
        self.unknown_facts = unknown  # the facts the case does not know

    def get(self, name: str) -> Any:
        return self.cache.get(name)

    def release(self) -> None:
        """Break the env <-> known-values cycle so that a case's memory goes at once, without the GC."""
        self.known.env = None


_NO_TRACE: list[RuleTrace] = []
# each text reasons were made of, by id (the text kept with it: its id stays its own):
# its placeholders' names, its one reason where it shows none (a reason is immutable),
# and how many times it shows each name (what a long value shown costs)
_TEXTS: dict[int, tuple[Text, tuple[str, ...], Reason, dict[str, int]]] = {}


def _text_names(text: Text) -> tuple[Text, tuple[str, ...], Reason, dict[str, int]]:
    names = text.names
    kept = (text, names, Reason(text, ()), text.uses if names else {})
    if len(_TEXTS) < 10_000:  # the policies' texts: few, kept
        _TEXTS[id(text)] = kept
    return kept


_ABSENT = object()


class Outcome:
    """How a value was worked out in a case: the value, the rows that gave it, the rows
    considered (``--explain``), and the clauses of the policy's own calendar days it counted over."""

    __slots__ = ("days", "rules", "trace", "value")

    def __init__(self, value: Any, rules: Sequence[Rule], trace: list[RuleTrace] = _NO_TRACE) -> None:
        self.value, self.rules, self.trace = value, rules, trace
        self.days: tuple[str, ...] = ()  # clauses of the policy's own calendar days it counted over


class CaseEnv(FactEnv):
    """Computes derived values and decisions on demand, remembering each.  With
    ``generated`` (the policy's generated functions, :mod:`policykit.engine.codegen`),
    each value is first worked out by its generated function, and by the three-valued
    tables here only where that cannot (it reads an unknown); without, by the tables
    alone (the reference, and ``--explain``).  The facts of ``watch`` that are read, by
    any value, condition or citation, go into ``watched``."""

    def __init__(
        self,
        policy: Policy,
        facts: dict[str, Any],
        as_of: date,
        trace: bool = False,
        given: frozenset[str] = frozenset(),
        limits: Limits = DEFAULT,
        generated: Mapping[str, Generated] | None = None,
        watch: frozenset[str] = frozenset(),
        unknown: frozenset[str] | None = None,
    ) -> None:
        super().__init__(policy, facts, as_of, given, limits, unknown)
        self.calendar: WorkCalendar | WatchedCalendar = WatchedCalendar(policy.calendar)
        self.outcomes: dict[str, Outcome] = {}
        self.tracing = trace
        self.generated = None if trace else generated
        # the three-valued tables as generated code, on the generated road
        self.tristate: Tables | None = None
        if self.generated is not None:
            self.tristate = (_TRISTATE or _generated_road())(policy)
        self.settled: dict[str, Any] = {}  # values the unknowns were found not to change
        # the rows that gave a value settled over its unknowns, in every branch (coverage)
        self.settled_rows: dict[str, tuple[Rule, ...]] = {}
        # the branches made to settle values, kept while the values settled stay as they
        # were (:func:`~policykit.engine.settle.branches_of`): by the names split on, how
        # many values were settled when they were made, and each branch by its values
        self.branched: dict[tuple[str, ...], tuple[int, dict[tuple[Any, ...], CaseEnv]]] = {}
        # a case made to settle a value or probe an assumption: the rows it fired are not
        # shown, so a table the generated road left goes straight to the three-valued tables
        self.lean = False
        self.deps = fact_deps(policy) if self.generated is not None else {}
        # facts whose reading is noted: the case's defaulted facts, for the assumption probes
        self.watch = watch
        self.watched: set[str] = set()
        for name in watch:
            self.known.pop(name, None)  # read through get(), once

    def probe(self, unknown: frozenset[str], stale: list[str]) -> CaseEnv:
        """This case with the facts of ``unknown`` made unknown (the probes of
        :mod:`policykit.engine.assume`), on the lean road, made from this case's own
        tables: its facts, names and the values it worked out, but those of ``stale``
        (which may read the facts made unknown), known at the start.  It shares this
        case's budget; its calendar and the rows it fires are its own."""
        sub = CaseEnv.__new__(CaseEnv)
        sub.policy, sub.budget, sub.given = self.policy, self.budget, self.given
        cache = self.cache.copy()
        known = dict.copy(self.known)
        for name in (*stale, *unknown):
            known.pop(name, None)
        for name in stale:
            del cache[name]
        for name in unknown:
            cache[name] = Unknown(frozenset([name]))
        sub.cache = cache
        sub.known = Known(sub, known)
        sub.calendar = WatchedCalendar(self.policy.calendar)
        sub.outcomes = {}
        sub.tracing = False
        sub.generated, sub.tristate, sub.deps = self.generated, self.tristate, self.deps
        sub.settled = {}
        sub.settled_rows = {}
        sub.branched = {}
        sub.lean = True
        sub.unknown_facts = self.unknown_facts | unknown
        sub.watch = frozenset()
        sub.watched = set()
        return sub

    def branch(self, facts: dict[str, Any], given: frozenset[str], unknown: frozenset[str]) -> CaseEnv:
        """A case made to settle a value over its unknowns (:mod:`policykit.engine.settle`):
        ``facts``, of which those of ``unknown`` are unknown, worked out anew on the lean
        road of this case (its generated functions, if any), sharing its budget, calendar
        and settled values.  What ``CaseEnv(policy, facts, as_of, given=given,
        generated=self.generated, unknown=unknown)`` is once given those, without making
        the budget, calendar and tables it would drop (a test holds the two alike)."""
        sub = CaseEnv.__new__(CaseEnv)
        policy = sub.policy = self.policy
        sub.given, sub.budget, sub.calendar = given, self.budget, self.calendar
        sub.cache = cache = {**shared_names(policy), **facts, "as_of": self.cache["as_of"]}
        sub.known = known = Known(sub, cache)  # a copy
        for name in unknown:
            del known[name]
        sub.unknown_facts = unknown
        sub.outcomes = {}
        sub.tracing = False
        sub.generated, sub.tristate, sub.deps = self.generated, self.tristate, self.deps
        sub.settled, sub.settled_rows = self.settled, self.settled_rows
        sub.branched = {}
        sub.lean = True
        sub.watch = frozenset()
        sub.watched = set()
        return sub

    def release(self) -> None:
        """Break the cycles of this case and of the branches it kept."""
        self.known.env = None
        for _, made in self.branched.values():
            for sub in made.values():
                sub.release()
        self.branched = {}

    def get(self, name: str) -> Any:
        found = self.cache.get(name, _ABSENT)
        if found is not _ABSENT:
            if name in self.watch:
                self.watched.add(name)
            return found
        value = self.policy.values.get(name)
        if value is None:
            raise EvalError(f"unknown name '{name}'")
        budget = self.budget
        try:
            budget.left -= len(value.rules) + 1  # a value worked out, each row it may read
            if budget.left < budget.next_check:
                budget.charge(0)  # out of work, or time to look at the clock
            calendar = self.calendar
            cited = calendar.cited if calendar.__class__ is WatchedCalendar else None
            mark = len(cited) if cited is not None else 0
            outcome = None
            generated = self.generated
            # the generated road, unless it may read an unknown fact (where it would give way)
            if generated is not None and (not self.unknown_facts or self.unknown_facts.isdisjoint(self.deps[name])):
                try:
                    result, rules = generated[name](self, self.known)
                    outcome = Outcome(result, rules, _NO_TRACE)
                except GIVE_UP:
                    pass
            if outcome is None:
                tristate = self.tristate
                if tristate is not None and (self.lean or value.kind == "collect"):
                    # the generated road found an unknown: no second try of the known rows
                    result, rules = tristate[name](self)
                    outcome = Outcome(result, rules, _NO_TRACE)
                elif value.kind == "collect":
                    outcome = self._collect(value)
                else:
                    outcome = self._table(value)
            if cited is not None and len(cited) > mark:
                outcome.days = tuple(dict.fromkeys(cited[mark:]))
            result = outcome.value
            if (result.__class__ is list or result.__class__ is str) and len(result) > 64:
                budget.size(result)  # a short one is paid for by its row
        except LimitError as exc:
            raise exc.working_out(name) from None
        self.outcomes[name] = outcome
        self.cache[name] = result
        return result

    def holds(
        self,
        parts: tuple[Compiled, ...],
        any_of: bool,
        trace: list[PartTrace] | None = None,
        run: Callable[[Compiled], Any] | None = None,
    ) -> Any:
        """Kleene AND (or OR) of the parts; every part is evaluated when tracing.  ``run``
        works a part out in its stead (a probe picks each part's form), else the part is called."""
        unknown = None
        decided: bool | None = None
        for part in parts:
            value = part(self) if run is None else run(part)
            if trace is not None:
                trace.append(PartTrace(part.source, value))
            if value.__class__ is Unknown and truth(value) is not None:
                value = truth(value)
            if value.__class__ is Unknown:
                unknown = value if unknown is None else merge(unknown, value)
            elif bool(value) is any_of:
                decided = any_of
                if trace is None:
                    break
        if decided is not None:
            return decided
        return unknown if unknown is not None else not any_of

    def _table(self, value: Value) -> Outcome:
        if not self.tracing:
            # the common road: rows known true or false until one holds
            for rule in value.rules:
                parts = rule.parts
                if not parts:
                    cond: Any = True
                elif len(parts) == 1:
                    cond = parts[0](self)
                else:
                    cond = self.holds(parts, rule.any_of)
                if cond.__class__ is Unknown:
                    break
                if cond:
                    outcome = rule.value if rule.outcome is None else rule.outcome(self)
                    return Outcome(outcome, [rule], _NO_TRACE)
            else:
                return Outcome(None, [], _NO_TRACE)
            if self.tristate is not None:
                result, rules = self.tristate[value.id](self)
                return Outcome(result, rules, _NO_TRACE)
        return self._table_in_full(value)

    def _table_in_full(self, value: Value) -> Outcome:
        possible: list[tuple[Rule | None, Any]] = []
        facts: frozenset[str] = frozenset()
        trace: list[RuleTrace] = []
        hit = False
        for rule in value.rules:
            parts: list[PartTrace] | None = [] if self.tracing else None
            cond = self.holds(rule.parts, rule.any_of, parts)
            outcome: Any = None
            if cond.__class__ is Unknown or cond:
                outcome = rule.value if rule.outcome is None else rule.outcome(self)
            if self.tracing:
                trace.append(RuleTrace(rule.index, rule.line, tuple(parts or ()), rule.any_of, cond, outcome))
            if cond.__class__ is Unknown:
                facts = facts | cond.facts
                possible.append((rule, outcome))
            elif cond:
                possible.append((rule, outcome))
                hit = True
                break
        if not hit:
            possible.append((None, None))
        first = possible[0][1]
        same = all(o.__class__ is not Unknown and o.__class__ is first.__class__ and o == first for _, o in possible)
        if same:
            return Outcome(first, [r for r, _ in possible if r is not None], trace)
        unknown = merge(Unknown(facts), *(o for _, o in possible))
        return Outcome(Unknown(unknown.facts, possible_values(o for _, o in possible)), [], trace)

    def _collect(self, value: Value) -> Outcome:
        items: list[Any] = []
        rules: list[Rule] = []
        trace: list[RuleTrace] = []
        unknown: Unknown | None = None
        maybe: list[tuple[int, Any]] = []  # the rows left open: where each item would go, the item
        for rule in value.rules:
            parts: list[PartTrace] | None = [] if self.tracing else None
            cond = self.holds(rule.parts, rule.any_of, parts)
            if self.tracing:
                trace.append(RuleTrace(rule.index, rule.line, tuple(parts or ()), rule.any_of, cond, rule.value))
            if cond.__class__ is Unknown:
                if not value.skip_unknown:
                    unknown = cond if unknown is None else merge(unknown, cond)
                    maybe.append((len(items), rule.value))
            elif cond:
                items.append(rule.value)
                rules.append(rule)
        if unknown is not None:
            return Outcome(Unknown(unknown.facts, few_lists(items, maybe)), [], trace)
        if not rules and value.otherwise is not None:
            rules = [value.otherwise]
        return Outcome(items, rules, trace)

    # -- what texts will show: values, never words --------------------------------------
    def reason(self, text: Text, extra: dict[str, Any] | None = None) -> Reason:
        """``text`` with the values of its placeholders, looked up now (words come later)."""
        kept = _TEXTS.get(id(text))
        if kept is None or kept[0] is not text:
            kept = _text_names(text)
        names = kept[1]
        if not names:
            return kept[2]  # a text showing no value: its one reason, made once
        cache = self.cache
        if not extra:
            values = tuple([(n, cache[n]) if n in cache else (n, self.lookup(n)) for n in names])
            self._charge_words(kept[3], values)
            return Reason(text, values)
        values = tuple([(n, extra[n]) if n in extra else (n, self.lookup(n)) for n in names])
        self._charge_words(kept[3], values)
        return Reason(text, values, frozenset([n for n in names if n in extra]))

    def _charge_words(self, uses: dict[str, int], values: tuple[tuple[str, Any], ...]) -> None:
        """A text costs what it will show: a long string or list shown many times adds up
        (``uses``: how many times the text shows each name)."""
        cost = len(values)
        for name, value in values:
            if value.__class__ is str or value.__class__ is list:
                cost += uses.get(name, 1) * (len(value) // 16)
        self.budget.charge(cost)

    def lookup(self, name: str) -> Any:
        """The value of a placeholder: a fact, a value (worked out if need be) or a field of one."""
        if name in self.cache:
            return self.cache[name]
        if name in self.policy.values:
            return self.get(name)
        parts = name.split(".")
        for k in range(len(parts) - 1, 0, -1):
            head = ".".join(parts[:k])
            if head in self.cache or head in self.policy.values:
                value = self.get(head)
                for field in parts[k:]:
                    value = (
                        value.get(field) if isinstance(value, dict) else value if isinstance(value, Unknown) else None
                    )
                return value
        return None

    def cited(self, cites: tuple[Cite, ...] | tuple[str, ...], open_: set[str] | None = None) -> list[str]:
        """The clause ids of ``cites`` whose condition (if any) holds.  The names read by a
        condition the unknowns leave open go into ``open_``."""
        out = []
        for cite in cites:
            if isinstance(cite, Cite):
                if cite.when is not None:
                    held = cite.when(self)
                    if held.__class__ is Unknown:
                        held = truth(held)
                        if held is None:
                            if open_ is not None:
                                open_ |= cite.when.names
                            continue
                    if held is not True:
                        continue
                out.append(cite.clause)
            else:
                out.append(cite)
        return out

    def grounds(self, rule: Rule, open_: set[str] | None = None) -> tuple[int, ...]:
        """The parts of a ``when_any`` row that hold: the ground on which it applied.  The
        names read by a part the unknowns leave open go into ``open_``."""
        out = []
        for i, part in enumerate(rule.parts):
            held = part(self)
            if held.__class__ is Unknown:
                held = truth(held)
                if held is None:
                    if open_ is not None:
                        open_ |= part.names
                    continue
            if held:
                out.append(i)
        return tuple(out)
