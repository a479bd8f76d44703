"""A decided case in words: the :class:`Result` of a :class:`CaseRecord` in one language.

Titles, labels, reasons, step texts, questions and warnings are filled in here from the
policy's templates and the values the record kept; clauses get their verbatim text (and
their link on the docs site when ``docs_url`` is given).
"""

from __future__ import annotations

from collections.abc import Iterable

from policykit.engine.record import CaseRecord, DecisionRecord
from policykit.policy.model import Policy
from policykit.present.catalogue import say
from policykit.present.result import ActionResult, AssumedFact, DecisionResult, MissingFact, PolicyRef, Result
from policykit.present.sentence import title
from policykit.present.words import cited_clause, render


def decision_result(
    policy: Policy, record: DecisionRecord, lang: str, docs_url: str | None, days: bool = False
) -> DecisionResult:
    """One decision in ``lang``: its title, value and label, cited clauses and reasons."""
    value = record.definition
    title = value.title.get(lang) if value.title else value.id
    sep = say(policy, "list_sep", lang)
    if not record.decided:
        facts = sep.join(titles(policy, sorted(record.value.facts), lang)) or "?"
        because: tuple[str, ...] = (policy.message("undecided", lang, facts=facts),)
        return DecisionResult(
            value.id,
            title,
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
    lines: list[str] = []
    for reason in record.reasons:
        line = render(policy, reason, lang, days)
        if line not in lines:
            lines.append(line)
    if record.settled_on:
        lines.append(
            policy.message("decided_either_way", lang, facts=sep.join(titles(policy, record.settled_on, lang)))
        )
    note = assumed_note(policy, record.assumed_here, lang)
    if note:
        lines.append(note)
    notes = list(
        dict.fromkeys(t.get(lang) for f in record.assumed_here if (t := policy.facts[f].confirm_note) is not None)
    )
    if notes:
        lines.append(policy.message("to_confirm", lang, notes=policy.message("list_separator", lang).join(notes)))
    result = record.value
    label = value.label(result, lang) if value.labels and not isinstance(result, list) else None
    return DecisionResult(
        value.id,
        title,
        result,
        True,
        label,
        tuple(cited_clause(policy, cid, docs_url) for cid in record.cites),
        tuple(lines),
        value.output,
        value.interpretations,
        record.trace,
        record.params,
        note,
    )


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
    return policy.message("assumed_mark", lang, facts=policy.message("list_separator", lang).join(reasons))


def build_result(
    record: CaseRecord,
    lang: str = "zh",
    docs_url: str | None = None,
    case_sha256: str | None = None,
    days: bool = False,
) -> Result:
    """The whole result of ``record`` in ``lang``: what ``--format json`` and the text view
    show (``days``: each date in a text with its weekday, for the text view)."""
    policy = record.policy
    warnings = [render(policy, w, lang, days) for w in record.warnings]
    through = policy.calendar.published_through()
    warnings.extend(
        policy.message("calendar_unpublished", lang, year=str(year), through=str(through))
        for year in record.unpublished_years
    )
    warnings.extend(notice(policy, n.key, dict(n.fields), lang) for n in record.notices)
    return Result(
        record.case_id,
        record.as_of,
        record.request_type,
        PolicyRef(policy.id, policy.version, policy.sha256, policy.status),
        tuple(decision_result(policy, d, lang, docs_url, days) for d in record.decisions),
        tuple(
            ActionResult(
                a.id,
                render(policy, a.text, lang, days),
                a.due,
                tuple(cited_clause(policy, cid, docs_url) for cid in a.cites),
            )
            for a in record.actions
        ),
        tuple(
            MissingFact(m.fact, m.needed_for, render(policy, m.question, lang, days) if m.question else m.fact)
            for m in record.missing
        ),
        tuple(warnings),
        lang,
        case_sha256,
        tuple(decision_result(policy, d, lang, docs_url, days) for d in record.trace),
        record.fired,
        tuple(
            AssumedFact(a.fact, a.value, render(policy, a.reason, lang) if a.reason else "", a.needed_for)
            for a in record.assumed
        ),
    )
