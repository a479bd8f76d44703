"""The interview: from a partial case, the questions the standard still needs, in order.

One implementation for the web page and the terminal.  Nothing here is written per
request type: the questions are the facts the policy says are missing (with the
decisions each would decide), ordered by how many still-undecided decisions need them;
then the facts the result rests on by default (its ``assumed``), to confirm or change.
Each question carries its words, its choices, and the clauses behind it, all from the
policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from policykit.engine.case import Case, read_case
from policykit.engine.decide import decide_case
from policykit.engine.record import CaseRecord
from policykit.errors import PolicykitError
from policykit.interview.unknowns import set_answer, worth_asking
from policykit.policy.model import Fact, Policy, Text
from policykit.present.assemble import build_result
from policykit.present.result import CitedClause, Result
from policykit.present.words import cited_clause

__all__ = ["Question", "Step", "question", "set_answer", "step"]

START = ("request.type", "request.date")  # what every case needs before anything is decided


@dataclass(frozen=True)
class Question:
    fact: str
    kind: str  # the fact's type: date, bool, enum, int, number, string, list
    text: str
    choices: tuple[tuple[Any, str], ...]  # (value, words) for yes/no and choice facts
    item: tuple[tuple[str, str], ...]  # the fields of a list entry
    needed_for: tuple[str, ...]  # the decisions it decides, by title
    clauses: tuple[CitedClause, ...]  # the clauses behind it
    assumed: bool = False  # not given: a default stands in for it
    default: Any = None
    default_reason: str = ""
    # the values a field of a list entry may take, where the case format names them
    item_choices: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    # a field of a list entry in words, where the policy gives them: (field, title, {value: label})
    item_words: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    # the fields of a list entry the case format requires (an entry without one is refused)
    item_required: tuple[str, ...] = ()

    def field_words(self, field: str) -> tuple[str, dict[str, str]]:
        """(the field's title, or the field itself; its values' labels) in the interview's language."""
        for name, title, labels in self.item_words:
            if name == field:
                return title or field, dict(labels)
        return field, {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "kind": self.kind,
            "text": self.text,
            "choices": [{"value": v, "label": w} for v, w in self.choices],
            "item": [
                {
                    "field": f,
                    "kind": k,
                    "choices": list(dict(self.item_choices).get(f, ())),
                    "title": self.field_words(f)[0],
                    "labels": self.field_words(f)[1],
                }
                for f, k in self.item
            ],
            "needed_for": list(self.needed_for),
            "clauses": [c.to_dict() for c in self.clauses],
            "assumed": self.assumed,
            "default": self.default,
            "default_reason": self.default_reason,
        }


@dataclass
class Step:
    """Where an interview stands: the problems of the answers so far, the questions to
    ask (most needed first), the assumptions to confirm, and the decisions so far."""

    errors: list[dict[str, str]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    assumed: list[Question] = field(default_factory=list)
    result: Result | None = None
    record: CaseRecord | None = None

    @property
    def done(self) -> bool:
        return self.result is not None and not self.questions and not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "questions": [q.to_dict() for q in self.questions],
            "assumed": [q.to_dict() for q in self.assumed],
            "result": self.result.to_dict() if self.result else None,
            "done": self.done,
        }


def _choices(policy: Policy, fact: Fact, lang: str) -> tuple[tuple[Any, str], ...]:
    if fact.type == "bool":
        return ((True, policy.message("yes_word", lang)), (False, policy.message("no_word", lang)))
    if fact.type == "enum":
        return tuple((v, fact.label(v, lang) or v) for v in fact.values)
    return ()


def clauses_behind(policy: Policy, fact: str) -> tuple[str, ...]:
    """The clauses behind a fact: those cited by the rows and steps that read it, else
    (a fact read only through a derived value) those of the values that read it."""
    known: dict[str, tuple[str, ...]] | None = policy.memo.get("clauses_behind")
    if known is None:
        direct: dict[str, dict[str, None]] = {}
        readers: dict[str, dict[str, None]] = {}
        for value in policy.values.values():
            for rule in value.rules:
                read = [*rule.parts, *([rule.outcome] if rule.outcome is not None else [])]
                for name in {n for part in read for n in part.names}:
                    readers.setdefault(name, {})[value.id] = None
                    for cite in rule.cites:
                        direct.setdefault(name, {})[cite.clause] = None
        for step in (*policy.actions, *policy.warnings):
            read = [*step.parts, *([step.due] if step.due is not None else [])]
            for name in {n for part in read for n in part.names}:
                for cite in step.cites:
                    direct.setdefault(name, {})[cite.clause] = None
        known = {}
        for name in policy.facts:
            found = dict(direct.get(name, {}))
            if not found:
                for reader in readers.get(name, {}):
                    for rule in policy.values[reader].rules:
                        found.update((c.clause, None) for c in rule.cites)
            known[name] = tuple(found)
        policy.memo["clauses_behind"] = known
    return known.get(fact, ())


def _purpose(policy: Policy, name: str, lang: str) -> str:
    """What an answer decides, in words: a decision's title, or a step's text."""
    value = policy.values.get(name)
    if value is not None:
        return value.title.get(lang) if value.title else name
    step_ = next((s for s in (*policy.actions, *policy.warnings) if s.id == name), None)
    if step_ is not None:
        # its text up to the one value it ends on ("Tell the service type: {service.type}"),
        # else with each placeholder by the words of what it shows, as the docs site shows
        # it ("Ship the unit (<service type>)"; it was cut at the placeholder: "Ship the unit (")
        from policykit.present.sentence import with_names

        text = step_.text.get(lang)
        head = text.split("{")[0].rstrip()
        if head.endswith(("：", ":")) and text.count("{") == 1 and text.rstrip().endswith("}"):
            return head.rstrip("：: ")
        return with_names(policy, step_.text, lang)
    return name


def _for_type(policy: Policy, clauses: tuple[str, ...], request_type: str | None) -> tuple[str, ...]:
    """Those of ``clauses`` a case of ``request_type`` may be decided by: cited by a value or
    step of that type, or of every type (a repair's question cited the returns clause of a
    fact both read)."""
    if request_type is None:
        return clauses
    types: dict[str, set[str] | None] | None = policy.memo.get("clause_types")
    if types is None:
        types = {}
        reach = _value_types(policy)
        cited: list[tuple[set[str] | None, str]] = [
            (reach.get(value.id), cite.clause) for value in policy.values.values() for cite in _cites_of(value)
        ]
        cited += [(set(s.applies_to) or None, c.clause) for s in (*policy.actions, *policy.warnings) for c in s.cites]
        for applies, clause in cited:
            known = types.setdefault(clause, set())
            if known is not None:
                types[clause] = None if applies is None else known | applies
        policy.memo["clause_types"] = types
    kept = tuple(c for c in clauses if (t := types.get(c)) is None or request_type in t)
    return kept or clauses


def _value_types(policy: Policy) -> dict[str, set[str] | None]:
    """The request types each value is worked out for: a decision's own (None: every type),
    a derived value's those of the decisions that read it, however indirectly."""
    out: dict[str, set[str] | None] = {}
    for value in policy.values.values():
        if not value.output:
            continue
        applies: set[str] | None = set(value.applies_to) or None
        todo, seen = [value.id], set()
        while todo:
            name = todo.pop()
            if name in seen or name not in policy.values:
                continue
            seen.add(name)
            known = out.setdefault(name, set())
            if known is not None:
                out[name] = None if applies is None else known | applies
            todo.extend(policy.values[name].reads)
    return out


def _cites_of(item: Any) -> list[Any]:
    """The citations of a value's rows, or of a step."""
    rules = getattr(item, "rules", None)
    if rules is None:
        return list(item.cites)
    return [c for rule in rules for c in rule.every_cite]


def question(
    policy: Policy,
    name: str,
    lang: str,
    needed_for: tuple[str, ...] = (),
    docs_url: str | None = None,
    request_type: str | None = None,
) -> Question:
    fact = policy.facts[name]
    # what the answer decides: the decisions by title; steps only when it decides no decision
    decisions = [d for d in needed_for if d in policy.values]
    titles = tuple(_purpose(policy, d, lang) for d in (decisions or needed_for))
    default_reason = fact.default_reason.get(lang) if fact.default_reason else ""
    clauses = clauses_behind(policy, name)
    if not clauses:  # a fact asked for a step (registration): the step's clauses
        steps = {s.id: s for s in policy.actions}
        clauses = tuple(dict.fromkeys(c.clause for d in needed_for if d in steps for c in steps[d].cites))
    clauses = _for_type(policy, clauses, request_type)
    return Question(
        name,
        fact.type,
        words.get(lang) if (words := _asked_as(fact)) else name,
        _choices(policy, fact, lang),
        fact.item,
        tuple(dict.fromkeys(titles)),
        tuple(cited_clause(policy, cid, docs_url) for cid in clauses[:4]),
        default=fact.default if fact.has_default else None,
        default_reason=default_reason,
        item_choices=_item_choices(policy, name) if fact.item else (),
        item_required=_item_required(policy, name) if fact.item else (),
        item_words=tuple(
            (field, title.get(lang) or "" if title else "", tuple((v, t.get(lang) or v) for v, t in labels))
            for field, title, labels in fact.item_words
        ),
    )


def _items_schema(policy: Policy, name: str) -> dict[str, Any]:
    """The case format's schema of one entry of the list fact ``name`` (empty if none)."""
    node: Any = policy.case_schema
    for part in name.split("."):
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
    items = node.get("items") if isinstance(node, dict) else None
    return items if isinstance(items, dict) else {}


def _item_required(policy: Policy, name: str) -> tuple[str, ...]:
    required = _items_schema(policy, name).get("required")
    return tuple(f for f in required if isinstance(f, str)) if isinstance(required, list) else ()


def _item_choices(policy: Policy, name: str) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The fields of ``name``'s list entries that take one of a few values, with those
    values, as the case format (the contract) names them."""
    fields = _items_schema(policy, name).get("properties")
    if not isinstance(fields, dict):
        return ()
    from policykit.policy.contract_ext import resolved_spec

    defs = policy.case_schema.get("$defs") or {}
    found = []
    for field_, spec in fields.items():
        if isinstance(spec, dict):  # a type of the contract's own (a method) is a $ref
            spec = resolved_spec(spec, defs)
        if isinstance(spec, dict) and isinstance(spec.get("enum"), list):
            found.append((field_, tuple(v for v in spec["enum"] if v is not None)))
    return tuple(found)


def step(
    policy: Policy, data: dict[str, Any], as_of: date, lang: str | None = None, docs_url: str | None = None
) -> Step:
    """The interview after the answers in ``data`` (a case, possibly partial), in ``lang``
    (None: the policy's first language)."""
    lang = lang or policy.lang
    request = data.get("request") if isinstance(data.get("request"), dict) else {}
    unanswered = [n for n in START if not (request or {}).get(n.split(".")[1])]
    if unanswered:
        return Step(questions=[question(policy, n, lang, docs_url=docs_url) for n in unanswered])
    try:
        case: Case = read_case(policy, data, lang=lang)  # the problems in the page's language
        # a case that reads well but cannot be worked out (a date past the calendar's end, a
        # limit): its answers are refused as a bad one is, never an error of the interview
        record = decide_case(policy, case, as_of)
    except PolicykitError as exc:
        from policykit.interview.view import place

        errors = [  # ("where": the path as the interview asks it, by title)
            {
                "path": d.path,
                "code": d.code,
                "message": d.message,
                "where": place(policy, d.path, lang) if d.path else "",
            }
            for d in exc.diagnostics
        ]
        return Step(errors=errors)
    result = build_result(record, lang, docs_url)
    order = {name: i for i, name in enumerate(policy.facts)}
    # what decides the most undecided decisions first; a fact only a step needs (the
    # register's) after every fact a decision needs
    missing = sorted(
        record.missing,
        key=lambda m: (-sum(n in policy.values for n in m.needed_for), -len(m.needed_for), order[m.fact]),
    )
    kind = case.request_type
    questions = [question(policy, m.fact, lang, m.needed_for, docs_url, kind) for m in missing]
    asked = {q.fact for q in questions}
    assumed = [
        _assumed(question(policy, a.fact, lang, a.needed_for, docs_url, kind))
        for a in record.assumed
        if a.fact not in asked and _asked_as(policy.facts[a.fact])
    ]
    # facts read through coalesce/is_known: neither missing nor assumed, yet they may matter
    known = asked | {q.fact for q in assumed}
    for name, needed_for in worth_asking(policy, data, record, as_of, known):
        questions.append(question(policy, name, lang, needed_for, docs_url, kind))
    return Step(questions=questions, assumed=assumed, result=result, record=record)


def _asked_as(fact: Fact) -> Text | None:
    """The words that ask for a fact: its question, else its title (a fact the policy
    gives no question, such as a list of records, is still asked)."""
    return fact.question or fact.title


def _assumed(q: Question) -> Question:
    return replace(q, assumed=True)  # (every other field as it is: one added later is kept too)
