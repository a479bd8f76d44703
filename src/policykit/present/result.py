"""A decision in words: the result of an evaluation as immutable records (:class:`Frozen`:
equal, hashed and shown as frozen dataclasses are, never equal to a tuple), and their JSON
form (CONTRACT.md section 2).  The structure of the result is here, in one place.

Each part keeps its fields in its ``__dict__``, set item by item: a part is made at about
1.6 times a named tuple's cost (0.3 µs for a decision's twelve fields), where setting each
through ``object.__setattr__`` (what a frozen dataclass does) costs twice that again."""

from __future__ import annotations

from policykit.lang.dates import date
from policykit.memo import cached_property
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from policykit.engine.record import RuleTrace


class CitedClause(Frozen):
    _FIELDS = _COMPARED = _SHOWN = ("clause", "text", "en", "url")

    clause: str
    text: str
    en: str
    url: str | None

    def __init__(self, clause: str, text: str, en: str, url: str | None = None) -> None:
        kept = self.__dict__
        kept["clause"] = clause
        kept["text"] = text
        kept["en"] = en
        kept["url"] = url

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clause": self.clause, "text": self.text, "en": self.en}
        if self.url:
            out["url"] = self.url
        return out


class DecisionResult(Frozen):
    _FIELDS = _COMPARED = _SHOWN = (
        "id",
        "title",
        "value",
        "decided",
        "label",
        "cites",
        "because",
        "output",
        "interpretations",
        "rules",
        "params",
        "assumed_note",
    )

    id: str
    title: str
    value: Any
    decided: bool
    label: str | None
    cites: tuple[CitedClause, ...]
    because: tuple[str, ...]
    output: bool
    interpretations: tuple[str, ...]
    rules: tuple[RuleTrace, ...]
    params: tuple[tuple[str, Any], ...]
    # the line of ``because`` that names the defaults its value rests on ("" when none)
    assumed_note: str

    def __init__(
        self,
        id: str,
        title: str,
        value: Any,
        decided: bool,
        label: str | None,
        cites: tuple[CitedClause, ...],
        because: tuple[str, ...],
        output: bool = True,
        interpretations: tuple[str, ...] = (),
        rules: tuple[RuleTrace, ...] = (),
        params: tuple[tuple[str, Any], ...] = (),
        assumed_note: str = "",
    ) -> None:
        kept = self.__dict__
        kept["id"] = id
        kept["title"] = title
        kept["value"] = value
        kept["decided"] = decided
        kept["label"] = label
        kept["cites"] = cites
        kept["because"] = because
        kept["output"] = output
        kept["interpretations"] = interpretations
        kept["rules"] = rules
        kept["params"] = params
        kept["assumed_note"] = assumed_note

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": jsonable(self.value) if self.decided else None,
            "cites": [c.to_dict() for c in self.cites],
            "because": list(self.because),
        }


class ActionResult(Frozen):
    _FIELDS = _COMPARED = _SHOWN = ("id", "text", "due", "cites")

    id: str
    text: str
    due: date | None
    cites: tuple[CitedClause, ...]

    def __init__(self, id: str, text: str, due: date | None, cites: tuple[CitedClause, ...]) -> None:
        kept = self.__dict__
        kept["id"] = id
        kept["text"] = text
        kept["due"] = due
        kept["cites"] = cites

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "due": jsonable(self.due), "cites": [c.to_dict() for c in self.cites]}


class MissingFact(Frozen):
    _FIELDS = _COMPARED = _SHOWN = ("fact", "needed_for", "question")

    fact: str
    needed_for: tuple[str, ...]
    question: str

    def __init__(self, fact: str, needed_for: tuple[str, ...], question: str) -> None:
        kept = self.__dict__
        kept["fact"] = fact
        kept["needed_for"] = needed_for
        kept["question"] = question

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "needed_for": list(self.needed_for), "question": self.question}


class AssumedFact(Frozen):
    """A fact the case did not give, its default, the default's reason, and what rests on it."""

    _FIELDS = _COMPARED = _SHOWN = ("fact", "value", "reason", "needed_for")

    fact: str
    value: Any
    reason: str
    needed_for: tuple[str, ...]

    def __init__(self, fact: str, value: Any, reason: str, needed_for: tuple[str, ...]) -> None:
        kept = self.__dict__
        kept["fact"] = fact
        kept["value"] = value
        kept["reason"] = reason
        kept["needed_for"] = needed_for

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "value": jsonable(self.value),
            "reason": self.reason,
            "needed_for": list(self.needed_for),
        }


class PolicyRef(Frozen):
    _FIELDS = _COMPARED = _SHOWN = ("id", "version", "sha256", "status", "file")

    id: str
    version: str
    sha256: str
    status: str
    file: str | None  # the file that decided, as the command line names it (not the server)

    def __init__(self, id: str, version: str, sha256: str, status: str, file: str | None = None) -> None:
        self.__dict__.update(id=id, version=version, sha256=sha256, status=status, file=file)

    def to_dict(self, fresh: bool = True) -> dict[str, Any]:
        """The JSON form: a fresh copy (a caller may change it), or with ``fresh=False``
        the one kept (for a caller that only writes it out)."""
        return self._dict.copy() if fresh else self._dict

    @cached_property
    def _dict(self) -> dict[str, Any]:
        out = {"id": self.id, "version": self.version, "sha256": self.sha256, "status": self.status}
        if self.file is not None:
            out["file"] = self.file
        return out


if TYPE_CHECKING:

    class Parts(Protocol):
        """What a :class:`Result` renders from its record when a part is first read
        (:mod:`policykit.present.assemble`)."""

        def decisions(self) -> tuple[DecisionResult, ...]: ...
        def actions(self) -> tuple[ActionResult, ...]: ...
        def missing(self) -> tuple[MissingFact, ...]: ...
        def warnings(self) -> tuple[str, ...]: ...
        def assumed(self) -> tuple[AssumedFact, ...]: ...
        def trace(self) -> tuple[DecisionResult, ...]: ...
        def fired(self) -> tuple[tuple[str, int], ...]: ...
        def json(self, fresh: bool = True) -> dict[str, Any]: ...


class Result(Frozen):
    """The result of one case in one language.  Its decisions, steps, missing and assumed
    facts and warnings are rendered when first read; :meth:`to_dict` renders only what the
    JSON shows."""

    _FIELDS = ("case_id", "as_of", "request_type", "policy", "lang", "case_sha256", "parts")
    _SHOWN = _FIELDS[:-1]

    case_id: str | None
    as_of: date
    request_type: str
    policy: PolicyRef
    lang: str
    case_sha256: str | None
    parts: Parts | None

    def __init__(
        self,
        case_id: str | None,
        as_of: date,
        request_type: str,
        policy: PolicyRef,
        lang: str = "zh",
        case_sha256: str | None = None,
        parts: Parts | None = None,
    ) -> None:
        self.__dict__.update(
            case_id=case_id,
            as_of=as_of,
            request_type=request_type,
            policy=policy,
            lang=lang,
            case_sha256=case_sha256,
            parts=parts,
        )

    @classmethod
    def made(
        cls,
        case_id: str | None,
        as_of: date,
        request_type: str,
        policy: PolicyRef,
        lang: str,
        case_sha256: str | None,
        parts: Parts | None,
    ) -> Result:
        """``Result(...)`` with every field given, made without the frozen class's checks
        on each field (one is made per case)."""
        made = cls.__new__(cls)
        Result.__init__(made, case_id, as_of, request_type, policy, lang, case_sha256, parts)
        return made

    @cached_property
    def decisions(self) -> tuple[DecisionResult, ...]:
        return self.parts.decisions() if self.parts else ()

    @cached_property
    def actions(self) -> tuple[ActionResult, ...]:
        return self.parts.actions() if self.parts else ()

    @cached_property
    def missing(self) -> tuple[MissingFact, ...]:
        return self.parts.missing() if self.parts else ()

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        return self.parts.warnings() if self.parts else ()

    @cached_property
    def assumed(self) -> tuple[AssumedFact, ...]:
        return self.parts.assumed() if self.parts else ()

    @cached_property
    def trace(self) -> tuple[DecisionResult, ...]:
        return self.parts.trace() if self.parts else ()

    @property
    def fired(self) -> tuple[tuple[str, int], ...]:
        return self.parts.fired() if self.parts else ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.case_id, self.as_of, self.request_type, self.lang))

    def _key(self) -> tuple[Any, ...]:
        return (
            self.case_id,
            self.as_of,
            self.request_type,
            self.policy,
            self.lang,
            self.case_sha256,
            self.decisions,
            self.actions,
            self.missing,
            self.warnings,
            self.assumed,
        )

    def decision(self, decision_id: str) -> DecisionResult:
        for d in self.decisions:
            if d.id == decision_id:
                return d
        raise KeyError(decision_id)

    def to_dict(self, fresh: bool = True) -> dict[str, Any]:
        """The JSON form (CONTRACT section 2): rendered from the record where the parts
        were not read, else from the parts (the same).  Every part of it is the caller's
        own; with ``fresh=False``, the parts that every result citing the same clauses
        shows alike (the policy, the cited clauses) are shared, for a caller that only
        writes it out and never changes it."""
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "as_of": jsonable(self.as_of),
            "lang": self.lang,
            "request_type": self.request_type,
            "policy": self.policy.to_dict(fresh),
        }
        out.update(self.parts.json(fresh) if self.parts else self.parts_dict())
        if self.case_sha256:
            out["case_sha256"] = self.case_sha256
        return out

    def parts_dict(self) -> dict[str, Any]:
        """The JSON of the rendered parts, each by its own ``to_dict``: what :meth:`to_dict`
        gives, the long way (the tests hold the two to each other)."""
        return {
            "decisions": {d.id: d.to_dict() for d in self.decisions},
            "actions": [a.to_dict() for a in self.actions],
            "missing": [m.to_dict() for m in self.missing],
            "assumed": [a.to_dict() for a in self.assumed],
            "warnings": list(self.warnings),
        }


class _Days(dict[date, str]):
    """The ISO text of each day shown, made once: ``date.isoformat`` goes through a C
    ``printf`` (about 0.3 µs), a look-up here about a tenth of it; a result shows some ten
    days.  Bounded (some eleven years of days); past it, made each time."""

    def __missing__(self, day: date) -> str:
        text = day.isoformat()
        if len(self) < 4096:
            self[day] = text
        return text


iso_day = _Days().__getitem__  # only for a ``date`` itself (a datetime is not one of its keys)


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, lists and mappings converted item by item."""
    if value.__class__ is date:
        return iso_day(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value
