"""A decided case in words: the :class:`Result` of a :class:`CaseRecord` in one language.

Titles, labels, reasons, step texts, questions and warnings are filled in here from the
policy's templates and the values the record kept; clauses get their verbatim text (and
their link on the docs site when ``docs_url`` is given).

The words are prepared once per policy and language (:class:`Wording`: the fixed words,
each cited clause, each "by default" note) and rendered lazily: a :class:`Result` renders
its parts when they are read, and its JSON form (``to_dict``) renders only what the JSON
shows, straight from the record (no titles or labels).
"""

from __future__ import annotations

from policykit.engine.record import (
    ActionRecord,
    AssumedRecord,
    CaseRecord,
    DecisionRecord,
    MissingRecord,
    Reason,
)
from policykit.lang.dates import date
from policykit.policy.model import Policy, Text
from policykit.present.catalogue import say, title
from policykit.present.result import (
    ActionResult,
    AssumedFact,
    CitedClause,
    DecisionResult,
    MissingFact,
    PolicyRef,
    Result,
    iso_day,
    jsonable,
)
from policykit.present.words import Filler, Positional, cited_clause, template

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

_AS_IS = frozenset({str, int, bool, float, type(None)})  # values whose JSON is the value itself
_MEMO_SIZE = 2_000  # texts kept per policy and language; past it, rendered each time
# The classes of the values a rendered text is kept for: values of these classes are equal
# only when they are shown alike (with the class in the key: 1, 1.0 and True are equal).
# Not floats (0.0 == -0.0), nor containers or unknowns (whose items may be 1 and True).
_PLAIN_CLASSES = frozenset({str, int, bool, date, type(None)})
_RENDERED_SIZE = 4_000  # rendered texts kept per policy and language
# A text that shows a day is not kept: most days shown are a case's own (its purchase, its
# deadline), and kept they would fill the memo with texts never shown again.
_DATED = date


class Wording:
    """The words of one policy in one language (with one docs address and date style),
    prepared once and kept on the policy."""

    def __init__(self, policy: Policy, lang: str, docs_url: str | None, days: bool) -> None:
        self.policy, self.lang, self.docs_url, self.days = policy, lang, docs_url, days
        self.sep = say(policy, "list_sep", lang)
        self.list_separator = policy.message("list_separator", lang)
        self._cited: dict[str, CitedClause] = {}
        self._cite_dicts: dict[str, dict[str, Any]] = {}
        self._notes: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
        self._undecided: dict[frozenset[str], str] = {}
        self._either_way: dict[tuple[str, ...], str] = {}
        # each text of the policy by identity: (the text, kept so that its id stays its own;
        # its template in this language, ready to fill; the words, when it has no placeholder)
        self._texts: dict[int, tuple[Text, Filler, str | None]] = {}
        self.constants: dict[int, str] = {}  # the words of each text kept with no placeholder
        # each text kept whose filler has a ``direct`` form, made ready to fill by position
        self._positional: dict[int, Positional] = {}
        # each text rendered with its values, by (the text's identity, the placeholders
        # given plain, the values, their classes); the text is kept beside its words
        self._rendered: dict[tuple[Any, ...], tuple[Text, str]] = {}
        self.cite_lists: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        # the JSON of each step with no values and no due day: every part of it is fixed
        # (by the step, equal to another only where shown alike: the same id, text and clauses)
        self.steps: dict[ActionRecord, dict[str, Any]] = {}
        self._refs: dict[str | None, PolicyRef] = {}

    def render(self, reason: Reason | None) -> str:
        """What :func:`policykit.present.words.render` gives: a text with the same values
        (of plain classes) is rendered once."""
        if reason is None:
            return ""
        text, values, plain = reason
        if not values:  # a text with no values (most): its words, once it has been rendered
            words = self.constants.get(id(text))
            return words if words is not None else self._render(reason)
        size = len(values)  # (the classes of one or two values taken without a loop: most texts)
        if size == 2:
            classes: tuple[type, ...] = (values[0][1].__class__, values[1][1].__class__)
        elif size == 1:
            classes = (values[0][1].__class__,)
        else:
            classes = tuple([v.__class__ for _, v in values])
        if not _PLAIN_CLASSES.issuperset(classes):
            return self._render(reason)
        if _DATED in classes:  # a day shown (mostly one of its own): rendered, never kept
            positional = None if plain else self._positional.get(id(text))
            if positional is not None and positional.shows.issuperset(classes):
                line = positional.fill(values)
                if line is not None:
                    return line
            return self._render(reason, classes)
        key = (id(text), plain, values, classes)
        found = self._rendered.get(key)
        if found is None:
            found = (text, self._render(reason, classes))
            if len(self._rendered) < _RENDERED_SIZE:
                self._rendered[key] = found
        return found[1]

    def _render(self, reason: Reason, classes: tuple[type, ...] | None = None) -> str:
        """A text rendered from the template prepared once (``classes``: of its values, when known)."""
        text = reason.text
        found = self._texts.get(id(text))
        if found is None:
            pieces = template(text.get(self.lang))
            constant = None if any(is_name for is_name, _ in pieces) else "".join(p for _, p in pieces)
            found = (text, Filler(self.policy, pieces, self.lang, self.days, self.render), constant)
            if len(self._texts) < _MEMO_SIZE:
                self._texts[id(text)] = found
                if constant is not None:  # kept while the text is kept (its id stays its own)
                    self.constants[id(text)] = constant
                elif found[1].direct is not None:
                    self._positional[id(text)] = Positional(found[1])
        if found[2] is not None:
            return found[2]
        return found[1](reason) if classes is None else found[1].known(reason, classes)

    # -- the parts every result shares -----------------------------------------------
    def cited(self, cid: str) -> CitedClause:
        found = self._cited.get(cid)
        if found is None:
            found = self._cited[cid] = cited_clause(self.policy, cid, self.docs_url)
        return found

    def cite_dict(self, cid: str) -> dict[str, Any]:
        """A cited clause's JSON form (a fresh copy: a caller may change its result)."""
        found = self._cite_dicts.get(cid)
        if found is None:
            found = self._cite_dicts[cid] = self.cited(cid).to_dict()
        return found.copy()

    def cite_list(self, cids: tuple[str, ...], fresh: bool = True) -> list[dict[str, Any]]:
        """The JSON form of clauses cited together: fresh copies (as :meth:`cite_dict`), or
        with ``fresh=False`` the list kept for them (for a caller that only writes it out)."""
        found = self.cite_lists.get(cids)
        if found is None:
            found = [self.cite_dict(cid) for cid in cids]
            if len(self.cite_lists) < _MEMO_SIZE:
                self.cite_lists[cids] = found
        return [*map(dict.copy, found)] if fresh else found

    def ref(self, file: str | None) -> PolicyRef:
        """The policy's :class:`PolicyRef` naming ``file`` (made once)."""
        found = self._refs.get(file)
        if found is None:
            policy = self.policy
            found = PolicyRef(policy.id, policy.version, policy.sha256, policy.status, file)
            if len(self._refs) < 64:
                self._refs[file] = found
        return found

    def notes(self, assumed_here: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        """(the "by default" note, the lines it adds to ``because``) for the defaulted facts a value's rows read."""
        found = self._notes.get(assumed_here)
        if found is None:
            policy, lang = self.policy, self.lang
            note = assumed_note(policy, assumed_here, lang)
            lines = [note] if note else []
            confirm = list(
                dict.fromkeys(t.get(lang) for f in assumed_here if (t := policy.facts[f].confirm_note) is not None)
            )
            if confirm:
                lines.append(policy.message("to_confirm", lang, notes=self.list_separator.join(confirm)))
            found = (note, tuple(lines))
            if len(self._notes) < _MEMO_SIZE:
                self._notes[assumed_here] = found
        return found

    def undecided(self, facts: frozenset[str]) -> str:
        found = self._undecided.get(facts)
        if found is None:
            named = self.sep.join(titles(self.policy, sorted(facts), self.lang)) or "?"
            found = self.policy.message("undecided", self.lang, facts=named)
            if len(self._undecided) < _MEMO_SIZE:
                self._undecided[facts] = found
        return found

    def either_way(self, facts: tuple[str, ...]) -> str:
        found = self._either_way.get(facts)
        if found is None:
            named = self.sep.join(titles(self.policy, facts, self.lang))
            found = self.policy.message("decided_either_way", self.lang, facts=named)
            if len(self._either_way) < _MEMO_SIZE:
                self._either_way[facts] = found
        return found

    # -- one case ----------------------------------------------------------------------
    def because(self, record: DecisionRecord) -> tuple[tuple[str, ...], str]:
        """(the lines of ``because``, the "by default" note among them) of a decided value."""
        lines: list[str] = []
        for reason in record.reasons:
            line = self.render(reason)
            if line not in lines:
                lines.append(line)
        if record.settled_on:
            lines.append(self.either_way(record.settled_on))
        if not record.assumed_here:
            return tuple(lines), ""
        note, more = self.notes(record.assumed_here)
        lines.extend(more)
        return tuple(lines), note

    def decision(self, record: DecisionRecord) -> DecisionResult:
        """One decision in full: its title, value and label, cited clauses and reasons."""
        value = record.definition
        name = value.title.get(self.lang) if value.title else value.id
        if not record.decided:
            because = (self.undecided(record.value.facts),)
            return DecisionResult(
                value.id,
                name,
                None,
                False,
                None,
                (),
                because,
                value.output,
                value.interpretations,
                record.trace,
                record.params,
            )
        lines, note = self.because(record)
        result = record.value
        label = value.label(result, self.lang) if value.labels and not isinstance(result, list) else None
        return DecisionResult(
            value.id,
            name,
            result,
            True,
            label,
            tuple([self.cited(cid) for cid in record.cites]),
            lines,
            value.output,
            value.interpretations,
            record.trace,
            record.params,
            note,
        )

    def action(self, record: ActionRecord) -> ActionResult:
        text = self.render(record.text)
        return ActionResult(record.id, text, record.due, tuple([self.cited(cid) for cid in record.cites]))

    def missing(self, record: MissingRecord) -> MissingFact:
        question = self.render(record.question) if record.question else record.fact
        return MissingFact(record.fact, record.needed_for, question)

    def warnings(self, record: CaseRecord) -> tuple[str, ...]:
        policy, lang = self.policy, self.lang
        warnings = [self.render(w) for w in record.warnings]
        if record.unpublished_years:
            through = policy.calendar.published_through()
            warnings.extend(
                policy.message("calendar_unpublished", lang, year=str(year), through=str(through))
                for year in record.unpublished_years
            )
        warnings.extend(notice(policy, n.key, dict(n.fields), lang) for n in record.notices)
        return tuple(warnings)

    def assumed(self, record: CaseRecord) -> tuple[AssumedFact, ...]:
        render = self.undated().render
        return tuple([AssumedFact(a.fact, a.value, render(a.reason), a.needed_for) for a in record.assumed])

    def assumed_dict(self, record: AssumedRecord) -> dict[str, Any]:
        """The JSON of one assumed fact (what :meth:`AssumedFact.to_dict` gives)."""
        return {
            "fact": record.fact,
            "value": jsonable(record.value),
            "reason": self.undated().render(record.reason),
            "needed_for": list(record.needed_for),
        }

    def missing_dict(self, record: MissingRecord) -> dict[str, Any]:
        """The JSON of one missing fact (what :meth:`MissingFact.to_dict` gives)."""
        return {
            "fact": record.fact,
            "needed_for": list(record.needed_for),
            "question": self.render(record.question) if record.question else record.fact,
        }

    def undated(self) -> Wording:
        """These words with dates shown bare (a default's reason is, in every view)."""
        return wording(self.policy, self.lang, self.docs_url) if self.days else self


def wording(policy: Policy, lang: str, docs_url: str | None = None, days: bool = False) -> Wording:
    """The :class:`Wording` of ``policy`` in ``lang`` (made once, kept on the policy)."""
    known: dict[tuple[str, str | None, bool], Wording] = policy.memo.setdefault("wording", {})
    key = (lang, docs_url, days)
    found = known.get(key)
    if found is None:
        found = Wording(policy, lang, docs_url, days)
        if len(known) < 64:
            known[key] = found
    return found


def titles(policy: Policy, names: Iterable[str], lang: str) -> list[str]:
    """What each fact or value is called, in ``lang``."""
    return [title(policy, name, lang) for name in names]


def notice(policy: Policy, key: str, fields: dict[str, str], lang: str) -> str:
    """A notice of the case reader in ``lang``, with "did you mean" when it names a ``suggestion``."""
    text = say(policy, key, lang, **fields)
    suggestion = fields.get("suggestion")
    return text + say(policy, "unknown_field_hint", lang, name=suggestion) if suggestion else text


def assumed_note(policy: Policy, facts: tuple[str, ...], lang: str) -> str:
    """ "By default: <each default's reason>" for the defaulted facts a value rests on ("" for none)."""
    reasons = list(dict.fromkeys(t.get(lang) for f in facts if (t := policy.facts[f].default_reason) is not None))
    if not reasons:
        return ""
    # (each reason a clause of its own: "Misuse not established; Repair ... not established")
    return policy.message("assumed_mark", lang, facts=say(policy, "clause_sep", lang).join(reasons))


class _Parts:
    """What a :class:`Result` renders when it is read: each part from the record, in its words."""

    __slots__ = ("record", "words")

    def __init__(self, record: CaseRecord, words: Wording) -> None:
        self.record, self.words = record, words

    def decisions(self) -> tuple[DecisionResult, ...]:
        return tuple([self.words.decision(d) for d in self.record.decisions])

    def actions(self) -> tuple[ActionResult, ...]:
        return tuple([self.words.action(a) for a in self.record.actions])

    def missing(self) -> tuple[MissingFact, ...]:
        return tuple([self.words.missing(m) for m in self.record.missing])

    def warnings(self) -> tuple[str, ...]:
        return self.words.warnings(self.record)

    def assumed(self) -> tuple[AssumedFact, ...]:
        return self.words.assumed(self.record)

    def trace(self) -> tuple[DecisionResult, ...]:
        return tuple([self.words.decision(d) for d in self.record.trace])

    def fired(self) -> tuple[tuple[str, int], ...]:
        return self.record.fired

    def json(self, fresh: bool = True) -> dict[str, Any]:
        """The parts of the JSON form that come from the record (``fresh=False``: the
        clauses' parts shared with other results, for a caller that only writes it out)."""
        return parts_json(self.words, self.record, fresh)


def parts_json(words: Wording, record: CaseRecord, fresh: bool = True) -> dict[str, Any]:
    """The parts of the JSON form that come from the record (CONTRACT section 2), built in
    one pass: what each part's ``to_dict`` gives, rendering only what the JSON shows.  One
    is built per case of a batch, so the common shapes (a decision with one reason, a text
    with no placeholder) are handled in the loop, not by a call each.  Every part is the
    caller's own; with ``fresh=False`` the clauses' parts are shared with other results
    (see :meth:`Wording.cite_list`), for a caller that only writes it out."""
    render, constants = words.render, words.constants
    shared = {} if fresh else words.cite_lists
    cite_list, notes = words.cite_list, words.notes
    decisions: dict[str, Any] = {}
    for d in record.decisions:
        if not d.decided:
            decisions[d.definition.id] = {"value": None, "cites": [], "because": [words.undecided(d.value.facts)]}
            continue
        reasons = d.reasons
        if len(reasons) == 1 and not d.settled_on:  # what ``words.because`` gives, in the loop
            reason = reasons[0]
            line = None if reason.values else constants.get(id(reason.text))
            because = [render(reason) if line is None else line]
            if d.assumed_here:
                because.extend(notes(d.assumed_here)[1])
        else:
            because = list(words.because(d)[0])
        value = d.value
        cites = shared.get(d.cites)
        kind = value.__class__
        decisions[d.definition.id] = {
            "value": value if kind in _AS_IS else iso_day(value) if kind is date else jsonable(value),
            "cites": cite_list(d.cites, fresh) if cites is None else cites,
            "because": because,
        }
    actions = []
    steps = words.steps
    for a in record.actions:
        # a step with no values and no due day, as shown before (one showing values is
        # never kept: they may be of a kind a key cannot hold, a list)
        found = steps.get(a) if a.due is None and not a.text.values else None
        if found is not None:
            actions.append({**found, "cites": cite_list(a.cites)} if fresh else found)
            continue
        text, due = a.text, a.due
        line = None if text.values else constants.get(id(text.text))
        cites = shared.get(a.cites)
        step = {
            "id": a.id,
            "text": render(text) if line is None else line,
            "due": None if due is None else iso_day(due) if due.__class__ is date else jsonable(due),
            "cites": cite_list(a.cites, fresh) if cites is None else cites,
        }
        if due is None and line is not None and len(steps) < _MEMO_SIZE:
            steps[a] = {**step, "cites": cite_list(a.cites, False)} if fresh else step
        actions.append(step)
    if record.notices or record.unpublished_years:
        warnings = list(words.warnings(record))
    else:
        warnings = [render(w) for w in record.warnings]
    return {
        "decisions": decisions,
        "actions": actions,
        "missing": [*map(words.missing_dict, record.missing)] if record.missing else [],
        "assumed": [*map(words.assumed_dict, record.assumed)] if record.assumed else [],
        "warnings": warnings,
    }


def build_result(
    record: CaseRecord,
    lang: str | None = None,
    docs_url: str | None = None,
    case_sha256: str | None = None,
    days: bool = False,
    policy_file: str | None = None,
) -> Result:
    """The whole result of ``record`` in ``lang`` (None: the policy's first language,
    :attr:`~policykit.policy.model.Policy.lang`): what ``--format json`` and the text view
    show (``days``: each date in a text with its weekday, for the text view; ``policy_file``:
    the policy file as the output names it).  Its parts are rendered when first read."""
    if lang is None:
        lang = record.policy.lang
    words = wording(record.policy, lang, docs_url, days)
    return Result.made(
        record.case_id,
        record.as_of,
        record.request_type,
        words.ref(policy_file),
        lang,
        case_sha256,
        _Parts(record, words),
    )
