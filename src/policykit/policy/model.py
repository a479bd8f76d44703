"""The compiled policy, built once by the compiler, read by the evaluator.

Its parts are immutable: named tuples where a part is plain data (``collections``'
named tuples: a class of them costs a twentieth of a frozen dataclass to define, and
every cold start defines them), plain classes where a part keeps what it works out once
(``Rule``, ``Value``, ``Policy``), equal and hashed by their fields as frozen dataclasses were.
Each has ``_replace(**changes)``."""

from __future__ import annotations

from policykit.lang.dates import date, datetime, timedelta, timezone
from policykit.memo import cached_property
from policykit.policy.catalogue import catalogue
from policykit.policy.placeholders import names as placeholder_names
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    from policykit.lang.dates import WorkCalendar
    from policykit.lang.expr import Compiled
else:
    from policykit.records import NamedTuple

_tuple_new = tuple.__new__
_NAMES: dict[tuple[tuple[str, str], ...], tuple[str, ...]] = {}  # a text's placeholders, found once


class Text(NamedTuple):
    """A text in every language the policy speaks."""

    by_lang: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, data: dict[str, str] | None) -> Text | None:
        # (what ``cls(tuple(data.items()))`` makes, without the call of the named tuple's
        # __new__: a policy built from the compile cache makes some five hundred texts)
        return None if not data else _tuple_new(cls, (tuple(data.items()),))

    @property
    def names(self) -> tuple[str, ...]:
        """The names its ``{placeholders}`` show, in every language, each once, in order."""
        found = _NAMES.get(self.by_lang)
        if found is None:
            found = _NAMES[self.by_lang] = tuple(
                dict.fromkeys(m for _, text in self.by_lang for m in placeholder_names(text))
            )
        return found

    @property
    def uses(self) -> dict[str, int]:
        """How many times each name is shown, in the language that shows it most."""
        counts: dict[str, int] = {}
        for _, text in self.by_lang:
            found = placeholder_names(text)
            for name in set(found):
                counts[name] = max(counts.get(name, 0), found.count(name))
        return counts

    def get(self, lang: str) -> str:
        fallback = ""
        for key, text in self.by_lang:
            if key == lang:
                return text
            if key == "en" or not fallback:
                fallback = text
        return fallback


def _label(labels: dict[str, Text], value: Any, lang: str) -> str | None:
    """``value`` in words from ``labels`` (a bool by its key ``"true"`` or ``"false"``)."""
    key = ("true" if value else "false") if isinstance(value, bool) else value
    text = labels.get(key) if isinstance(key, str) else None
    return text.get(lang) if text is not None else None


class Clause(NamedTuple):
    id: str
    section: str
    zh: str
    en: str
    informational: bool
    line: int
    # the decision values whose situation this clause governs ({"service.type": ("paid_repair",)})
    governs: tuple[tuple[str, tuple[Any, ...]], ...] = ()


class Cite(NamedTuple):
    clause: str
    when: Compiled | None = None


class Parameter(NamedTuple):
    name: str
    value: Any
    unit: str
    cites: tuple[str, ...]
    description: Text | None


class Fact(NamedTuple):
    name: str
    type: str
    values: tuple[str, ...] = ()
    has_default: bool = False
    default: Any = None
    default_reason: Text | None = None
    question: Text | None = None
    item: tuple[tuple[str, str], ...] = ()
    required: bool = False
    personal: bool = False
    title: Text | None = None
    labels: tuple[tuple[str, Text], ...] = ()
    # an assumption staff must still check: the step that checks it, and what a reason resting on it adds
    confirm_step: str | None = None
    confirm_note: Text | None = None
    # a list fact's entries: each field's words, where the policy gives them (its title, its values' labels)
    item_words: tuple[tuple[str, Text | None, tuple[tuple[str, Text], ...]], ...] = ()

    def label(self, value: Any, lang: str) -> str | None:
        """The words for one value of a choice (or yes/no) fact, if the policy gives them."""
        return _label(dict(self.labels), value, lang)

    def field_words(self, field: str) -> tuple[Text | None, dict[str, Text]]:
        """(the title, the labels of its values) of a field of this list fact's entries."""
        for name, title, labels in self.item_words:
            if name == field:
                return title, dict(labels)
        return None, {}


class Rule(Frozen):
    """One row of a first-hit table (or one item of a collected list)."""

    _FIELDS = (
        "index",
        "line",
        "parts",
        "any_of",
        "outcome",
        "cites",
        "because",
        "value",
        "interpretations",
        "part_cites",
        "part_because",
    )
    _COMPARED = _FIELDS
    _SHOWN = _FIELDS

    index: int
    line: int
    parts: tuple[Compiled, ...]
    any_of: bool
    outcome: Compiled | None
    cites: tuple[Cite, ...]
    because: Text | None
    value: Any
    interpretations: tuple[str, ...]
    # a ``when_any`` row: each part's own clauses and words, named when that part held
    part_cites: tuple[tuple[Cite, ...], ...]
    part_because: tuple[Text | None, ...]

    def __init__(
        self,
        index: int,
        line: int,
        parts: tuple[Compiled, ...],
        any_of: bool,
        outcome: Compiled | None,
        cites: tuple[Cite, ...],
        because: Text | None,
        value: Any = None,
        interpretations: tuple[str, ...] = (),
        part_cites: tuple[tuple[Cite, ...], ...] = (),
        part_because: tuple[Text | None, ...] = (),
    ) -> None:
        self.__dict__.update(
            index=index,
            line=line,
            parts=parts,
            any_of=any_of,
            outcome=outcome,
            cites=cites,
            because=because,
            value=value,
            interpretations=interpretations,
            part_cites=part_cites,
            part_because=part_because,
        )

    @property
    def every_cite(self) -> tuple[Cite, ...]:
        """Its own citations and those of each part of a ``when_any`` condition."""
        return (*self.cites, *(c for group in self.part_cites for c in group))


class Value(Frozen):
    """A derived value or a decision: a first-hit table of rules, or a collected list."""

    _FIELDS = (
        "id",
        "title",
        "type",
        "values",
        "labels",
        "applies_to",
        "output",
        "kind",
        "rules",
        "interpretations",
        "line",
        "skip_unknown",
        "otherwise",
        "deadline",
    )
    _COMPARED = _FIELDS
    _SHOWN = _FIELDS

    id: str
    title: Text | None
    type: str
    values: tuple[str, ...]
    labels: tuple[tuple[str, Text], ...]
    applies_to: tuple[str, ...]
    output: bool
    kind: str  # "rules" or "collect"
    rules: tuple[Rule, ...]
    interpretations: tuple[str, ...]
    line: int
    skip_unknown: bool
    otherwise: Rule | None
    deadline: bool

    def __init__(
        self,
        id: str,
        title: Text | None,
        type: str,
        values: tuple[str, ...],
        labels: tuple[tuple[str, Text], ...],
        applies_to: tuple[str, ...],
        output: bool,
        kind: str,
        rules: tuple[Rule, ...],
        interpretations: tuple[str, ...],
        line: int,
        skip_unknown: bool = False,
        otherwise: Rule | None = None,
        deadline: bool = False,
    ) -> None:
        self.__dict__.update(
            id=id,
            title=title,
            type=type,
            values=values,
            labels=labels,
            applies_to=applies_to,
            output=output,
            kind=kind,
            rules=rules,
            interpretations=interpretations,
            line=line,
            skip_unknown=skip_unknown,
            otherwise=otherwise,
            deadline=deadline,
        )

    def label(self, value: Any, lang: str) -> str | None:
        return _label(self.label_texts, value, lang)

    @cached_property
    def label_texts(self) -> dict[str, Text]:
        return dict(self.labels)

    @cached_property
    def reads(self) -> frozenset[str]:
        """The names its rows read to decide it (conditions and outcomes, not citations)."""
        names: set[str] = set()
        for rule in self.rules:
            for part in rule.parts:
                names |= part.names
            if rule.outcome is not None:
                names |= rule.outcome.names
        return frozenset(names)


class Step(NamedTuple):
    """An action (a procedure step) or a warning."""

    id: str
    applies_to: tuple[str, ...]
    parts: tuple[Compiled, ...]
    text: Text
    due: Compiled | None
    cites: tuple[Cite, ...]
    line: int
    on_assumption: bool = False  # listed only while a decision rests on a fact it confirms


class CaseCheck(NamedTuple):
    field: str
    applies_to: tuple[str, ...]
    require: Compiled
    message: Text


class Registration(NamedTuple):
    applies_to: tuple[str, ...]
    facts: tuple[str, ...]
    needed_for: str


class Interpretation(NamedTuple):
    id: str
    title: Text
    text: Text


class Policy(Frozen):
    """A compiled policy: equal to another of the same file, digest and parts (its
    calendar, source data, row lines and case schema aside)."""

    _FIELDS = (
        "file",
        "sha256",
        "metadata",
        "clauses",
        "parameters",
        "facts",
        "values",
        "actions",
        "warnings",
        "case_checks",
        "registration",
        "interpretations",
        "messages",
        "calendar",
        "raw",
        "utc_offset_minutes",
        "lines",
        "case_schema",
        "summary",
    )
    _COMPARED = tuple(f for f in _FIELDS if f not in ("calendar", "raw", "lines", "case_schema"))
    _SHOWN = tuple(f for f in _FIELDS if f not in ("raw", "lines", "case_schema"))

    file: str
    sha256: str
    metadata: dict[str, Any]
    clauses: dict[str, Clause]
    parameters: dict[str, Parameter]
    facts: dict[str, Fact]
    values: dict[str, Value]
    actions: tuple[Step, ...]
    warnings: tuple[Step, ...]
    case_checks: tuple[CaseCheck, ...]
    registration: tuple[Registration, ...]
    interpretations: dict[str, Interpretation]
    messages: dict[str, Text]
    calendar: WorkCalendar
    raw: dict[str, Any]
    utc_offset_minutes: int
    lines: dict[str, int]
    case_schema: dict[str, Any]
    summary: tuple[tuple[Text, tuple[str, ...]], ...]

    def __init__(
        self,
        file: str,
        sha256: str,
        metadata: dict[str, Any],
        clauses: dict[str, Clause],
        parameters: dict[str, Parameter],
        facts: dict[str, Fact],
        values: dict[str, Value],
        actions: tuple[Step, ...],
        warnings: tuple[Step, ...],
        case_checks: tuple[CaseCheck, ...],
        registration: tuple[Registration, ...],
        interpretations: dict[str, Interpretation],
        messages: dict[str, Text],
        calendar: WorkCalendar,
        raw: dict[str, Any] | None = None,
        utc_offset_minutes: int = 0,
        lines: dict[str, int] | None = None,
        case_schema: dict[str, Any] | None = None,
        summary: tuple[tuple[Text, tuple[str, ...]], ...] = (),
    ) -> None:
        self.__dict__.update(
            file=file,
            sha256=sha256,
            metadata=metadata,
            clauses=clauses,
            parameters=parameters,
            facts=facts,
            values=values,
            actions=actions,
            warnings=warnings,
            case_checks=case_checks,
            registration=registration,
            interpretations=interpretations,
            messages=messages,
            calendar=calendar,
            raw={} if raw is None else raw,
            utc_offset_minutes=utc_offset_minutes,
            lines={} if lines is None else lines,
            case_schema={} if case_schema is None else case_schema,
            summary=summary,
        )

    def today(self) -> date:
        """Today in the company's time zone (``calendar.timezone``, summer time included),
        else at its UTC offset: the default evaluation day."""
        zone = (self.raw.get("calendar") or {}).get("timezone")
        if zone:
            import zoneinfo  # (only a policy that names its zone: not on the bundled one's road)

            return datetime.now(zoneinfo.ZoneInfo(zone)).date()
        now = datetime.now(timezone(timedelta(minutes=self.utc_offset_minutes)))
        return now.date()

    @property
    def id(self) -> str:
        return str(self.metadata["id"])

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def status(self) -> str:
        return str(self.metadata["status"])

    @property
    def lang(self) -> str:
        """The language a person reads where none is asked for: the first the policy speaks
        (its title's first), so that an English-only standard is never shown in another."""
        return self.languages[0]

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the policy speaks: its title's, in order (``en`` for one without)."""
        title = self.metadata.get("title")
        return tuple(title) if isinstance(title, dict) and title else ("en",)

    def not_spoken(self, lang: str) -> str | None:
        """Why ``lang`` cannot be asked for (None where the policy speaks it)."""
        if lang in self.languages:
            return None
        return f"'{lang}' is not a language of policy {self.id} {self.version} (it speaks {', '.join(self.languages)})"

    def message(self, key: str, lang: str, /, **fields: object) -> str:
        """The fixed text ``key`` in ``lang`` (the policy's ``messages:``, else policykit's
        own catalogue) with its ``{fields}`` filled in."""
        text = self.messages.get(key)
        if text is None:
            own = catalogue().get(key)
            text = Text(own) if own else None
        template = text.get(lang) if text else key
        for name, value in fields.items():
            template = template.replace("{" + name + "}", str(value))
        return template

    def decisions_for(self, request_type: str) -> list[Value]:
        return list(self.plan(request_type)[0])

    def plan(self, request_type: str) -> tuple[tuple[Value, ...], tuple[Step, ...], tuple[Step, ...]]:
        """The decisions, actions and warnings of one request type (worked out once)."""
        cached = self._plans.get(request_type)
        if cached is None:
            cached = (
                tuple(
                    v for v in self.values.values() if v.output and (not v.applies_to or request_type in v.applies_to)
                ),
                tuple(s for s in self.actions if not s.applies_to or request_type in s.applies_to),
                tuple(s for s in self.warnings if not s.applies_to or request_type in s.applies_to),
            )
            self._plans[request_type] = cached
        return cached

    @cached_property
    def _plans(self) -> dict[str, tuple[tuple[Value, ...], tuple[Step, ...], tuple[Step, ...]]]:
        return {}

    @cached_property
    def memo(self) -> dict[str, Any]:
        """Things worked out once per compiled policy (fact readers, shared names, cited
        clauses...), kept on the policy so that they go when it goes."""
        return {}
