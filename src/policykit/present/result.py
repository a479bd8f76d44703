"""A decision in words: the result of an evaluation as frozen dataclasses, and their JSON form
(CONTRACT.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policykit.engine.record import RuleTrace


@dataclass(frozen=True)
class CitedClause:
    clause: str
    text: str
    en: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clause": self.clause, "text": self.text, "en": self.en}
        if self.url:
            out["url"] = self.url
        return out


@dataclass(frozen=True)
class DecisionResult:
    id: str
    title: str
    value: Any
    decided: bool
    label: str | None
    cites: tuple[CitedClause, ...]
    because: tuple[str, ...]
    output: bool = True
    interpretations: tuple[str, ...] = ()
    rules: tuple[RuleTrace, ...] = ()
    params: tuple[tuple[str, Any], ...] = ()
    # the line of ``because`` that names the defaults its value rests on ("" when none)
    assumed_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": jsonable(self.value) if self.decided else None,
            "cites": [c.to_dict() for c in self.cites],
            "because": list(self.because),
        }


@dataclass(frozen=True)
class ActionResult:
    id: str
    text: str
    due: date | None
    cites: tuple[CitedClause, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "due": jsonable(self.due), "cites": [c.to_dict() for c in self.cites]}


@dataclass(frozen=True)
class MissingFact:
    fact: str
    needed_for: tuple[str, ...]
    question: str

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "needed_for": list(self.needed_for), "question": self.question}


@dataclass(frozen=True)
class AssumedFact:
    """A fact the case did not give, its default, the default's reason, and what rests on it."""

    fact: str
    value: Any
    reason: str
    needed_for: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "value": jsonable(self.value),
            "reason": self.reason,
            "needed_for": list(self.needed_for),
        }


@dataclass(frozen=True)
class PolicyRef:
    id: str
    version: str
    sha256: str
    status: str
    file: str | None = None  # the file that decided, as the command line names it (not the server)

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "version": self.version, "sha256": self.sha256, "status": self.status}
        if self.file is not None:
            out["file"] = self.file
        return out


@dataclass(frozen=True)
class Result:
    case_id: str | None
    as_of: date
    request_type: str
    policy: PolicyRef
    decisions: tuple[DecisionResult, ...]
    actions: tuple[ActionResult, ...]
    missing: tuple[MissingFact, ...]
    warnings: tuple[str, ...]
    lang: str = "zh"
    case_sha256: str | None = None
    trace: tuple[DecisionResult, ...] = field(default=(), compare=False)
    fired: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    assumed: tuple[AssumedFact, ...] = ()

    def decision(self, decision_id: str) -> DecisionResult:
        for d in self.decisions:
            if d.id == decision_id:
                return d
        raise KeyError(decision_id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "request_type": self.request_type,
            "policy": self.policy.to_dict(),
            "decisions": {d.id: d.to_dict() for d in self.decisions},
            "actions": [a.to_dict() for a in self.actions],
            "missing": [m.to_dict() for m in self.missing],
            "assumed": [a.to_dict() for a in self.assumed],
            "warnings": list(self.warnings),
        }
        if self.case_sha256:
            out["case_sha256"] = self.case_sha256
        return out


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, lists and mappings converted item by item."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value
