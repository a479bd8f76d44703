"""What deciding a case gives: a record with no language in it.

Values, the rules that fired, the clause ids they cite, the facts still missing, the
steps now due, and for every text the policy will show (a reason, a step, a question, a
warning) the template and the values it shows, but never the words.  :mod:`policykit.present`
turns a record into a result in a language; the JSON, the text view, ``--explain``, the
docs and the server all render from the same record.
"""

from __future__ import annotations

from policykit.lang.dates import date
from policykit.policy.model import Policy, Rule, Text, Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple


class PartTrace(NamedTuple):
    """One part of a row's condition and its value (``--explain``)."""

    source: str
    value: Any


class RuleTrace:
    """One row considered for a value: its parts, whether it held, what it gave (``--explain``)."""

    __slots__ = ("any_of", "holds", "index", "line", "outcome", "parts")

    def __init__(
        self, index: int, line: int, parts: tuple[PartTrace, ...], any_of: bool, holds: Any, outcome: Any
    ) -> None:
        self.index = index
        self.line = line
        self.parts = parts
        self.any_of = any_of
        self.holds = holds
        self.outcome = outcome


class Reason(NamedTuple):
    """A text of the policy and the values its placeholders show: words are filled in
    only when it is presented.  Two reasons are the same when both are.  ``plain`` names
    the placeholders given by the caller (a step's due day), shown as plain values."""

    text: Text
    values: tuple[tuple[str, Any], ...]
    plain: frozenset[str] = frozenset()


class Notice(NamedTuple):
    """A fixed message of the policy by key, with its fields (a case's unknown field...)."""

    key: str
    fields: tuple[tuple[str, str], ...]


class DecisionRecord:
    """One value decided (or not): ``value`` is an :class:`~policykit.lang.values.Unknown`
    when undecided.  ``settled_on`` names the facts tried either way when every value of
    them gives the same result (CONTRACT 1.1).  A plain class with slots: one is made per
    decision of every case, and its type is defined at every start."""

    __slots__ = (
        "assumed",
        "assumed_here",
        "cites",
        "decided",
        "definition",
        "grounds",
        "open",
        "params",
        "reasons",
        "rules",
        "settled_on",
        "trace",
        "value",
    )

    def __init__(
        self,
        definition: Value,
        value: Any,
        decided: bool,
        rules: tuple[Rule, ...],
        cites: tuple[str, ...],
        reasons: tuple[Reason, ...],
        settled_on: tuple[str, ...] = (),
        trace: tuple[RuleTrace, ...] = (),
        params: tuple[tuple[str, Any], ...] = (),
        grounds: tuple[tuple[int, ...], ...] = (),
        open: frozenset[str] = frozenset(),
        assumed: tuple[str, ...] = (),
        assumed_here: tuple[str, ...] = (),
    ) -> None:
        self.definition = definition
        self.value = value
        self.decided = decided
        self.rules = rules
        self.cites = cites
        self.reasons = reasons
        self.settled_on = settled_on
        self.trace = trace
        self.params = params
        # for each rule, the parts of its ``when_any`` condition that held (the ground)
        self.grounds = grounds
        # names read by citation conditions or ``when_any`` parts that the unknowns left open
        self.open = open
        # the defaulted facts (assumptions) its value rests on, and those its own rows read
        self.assumed = assumed
        self.assumed_here = assumed_here

    @property
    def id(self) -> str:
        return self.definition.id

    def __repr__(self) -> str:
        return f"DecisionRecord({self.id!r}, value={self.value!r}, cites={self.cites!r})"


class ActionRecord(NamedTuple):
    """A procedure step whose condition holds, with its due day (if any) and clause ids."""

    id: str
    text: Reason
    due: date | None
    cites: tuple[str, ...]
    assumed: tuple[str, ...] = ()


class AssumedRecord(NamedTuple):
    """A fact the case did not give that took its default, and what rests on it."""

    fact: str
    value: Any
    reason: Reason | None
    needed_for: tuple[str, ...]
    confirm: Reason | None = None


class MissingRecord(NamedTuple):
    """A fact the case does not give, what it would decide, and the question that asks for it."""

    fact: str
    needed_for: tuple[str, ...]
    question: Reason | None


class CaseRecord(NamedTuple):
    """Everything deciding one case gave, language-free."""

    policy: Policy
    case_id: str | None
    as_of: date
    request_type: str
    decisions: tuple[DecisionRecord, ...]
    actions: tuple[ActionRecord, ...]
    missing: tuple[MissingRecord, ...]
    warnings: tuple[Reason, ...]
    notices: tuple[Notice, ...]
    trace: tuple[DecisionRecord, ...]
    fired: tuple[tuple[str, int], ...]
    assumed: tuple[AssumedRecord, ...] = ()
    # years without an official working-day schedule that a working-day deadline reached
    unpublished_years: tuple[int, ...] = ()


class Decided:
    """The lean result of :func:`~policykit.engine.decide.decide`: each decision's value
    (None when undecided or not applicable) and, for the undecided ones, the facts that
    would decide them."""

    __slots__ = ("missing", "values")

    def __init__(self, values: dict[str, Any], missing: dict[str, tuple[str, ...]]) -> None:
        self.values = values
        self.missing = missing

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decided) and other.values == self.values and other.missing == self.missing

    __hash__ = None  # type: ignore[assignment]  # compared by value, never a key

    def __repr__(self) -> str:
        return f"Decided(values={self.values!r}, missing={self.missing!r})"
