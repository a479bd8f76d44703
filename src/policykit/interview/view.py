"""The interview's words: its own fixed texts (``ui.json``) and the decisions so far as a
person reads them (values by their labels, dates with their weekday)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from policykit.policy.model import Fact, Policy
from policykit.present.result import Result
from policykit.present.text import late
from policykit.present.words import show


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    text = resources.files("policykit.interview").joinpath("ui.json").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


def ui(lang: str) -> dict[str, Any]:
    table = catalogue()
    return table.get(lang) or table["en"]


def lang_name(lang: str) -> str:
    """A language by its own name (as ui.json gives it: English...), else its code."""
    return str(catalogue().get(lang, {}).get("lang_name", lang))


def day(value: date, lang: str) -> str:
    return f"{value.isoformat()} ({ui(lang)['weekdays'][value.weekday()]})"


def words(policy: Policy, decision_id: str, value: Any, lang: str) -> str:
    """A decided value in words."""
    if isinstance(value, date):
        return day(value, lang)
    if value is None:
        return policy.message("not_applicable", lang)
    if isinstance(value, list) and not value:
        return str(ui(lang)["none"])
    return show(policy, decision_id, value, lang)


def decisions(policy: Policy, result: Result, lang: str) -> list[dict[str, Any]]:
    """Each decision of ``result`` for a person: title, value in words (a deadline passed
    said so), reasons, clauses."""
    out = []
    for d in result.decisions:
        shown = words(policy, d.id, d.value, lang) if d.decided else str(ui(lang)["undecided"])
        definition = policy.values.get(d.id)
        if d.decided and isinstance(d.value, date) and definition is not None and definition.deadline:
            shown += late(policy, d.value, result.as_of, lang)
        out.append(
            {
                "id": d.id,
                "title": d.title,
                "decided": d.decided,
                "words": shown,
                "because": list(d.because),
                "cites": [c.to_dict() for c in d.cites],
            }
        )
    return out


def steps(policy: Policy, result: Result, lang: str) -> list[dict[str, Any]]:
    """Each step now due, with the day it is due by (and how late, where it is)."""
    return [
        {
            "id": a.id,
            "text": a.text,
            "due": day(a.due, lang) + late(policy, a.due, result.as_of, lang) if a.due else None,
            "cites": [c.to_dict() for c in a.cites],
        }
        for a in result.actions
    ]


def given(policy: Policy, case: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The facts a case gives, in the policy's order: the question that asks for each and
    its value in words."""
    values = dict(_flatten(case))
    out = []
    for name, fact in policy.facts.items():
        if name not in values or name == "case_id":
            continue
        value = values[name]
        if isinstance(value, bool):
            shown = policy.message("yes_word" if value else "no_word", lang)
        elif fact.type == "enum":
            shown = fact.label(value, lang) or str(value)
        elif isinstance(value, list):
            shown = "; ".join(_entry(fact, e, lang) if isinstance(e, dict) else str(e) for e in value)
        else:
            shown = str(value)
        words = fact.title or fact.question
        out.append({"fact": name, "text": words.get(lang) if words else name, "value": shown})
    return out


def _entry(fact: Fact, entry: dict[str, Any], lang: str) -> str:
    """One entry of a list fact: each field and its value by the words the policy gives them."""
    said = []
    for field, value in entry.items():
        title, labels = fact.field_words(str(field))
        label = labels.get(value) if isinstance(value, str) else None
        said.append(f"{(title.get(lang) if title else None) or field} {(label.get(lang) if label else None) or value}")
    return ", ".join(said)


def assumed_words(question: dict[str, Any], lang: str) -> str:
    """The default an assumed fact stands at, in words (its choice's label, "none" for an
    empty list), as the page shows it."""
    default = question["default"]
    label = next((c["label"] for c in question["choices"] if c["value"] == default), None)
    if label is None:
        label = str(ui(lang)["none"]) if isinstance(default, list) and not default else str(default)
    return label


def place(policy: Policy, path: str, lang: str) -> str:
    """Where a problem of the case is, as the interview asks it: a fact by its title, an
    entry of a list by its number and field (``shipment.options[0].method`` -> "the method
    of entry 1 of carrier quotes"); a path that names no fact, as it is."""
    from policykit.present.catalogue import title

    name, _, rest = path.partition("[")
    fact = policy.facts.get(name)
    if fact is None:
        return path
    if not rest:
        return title(policy, name, lang)
    number, _, field = rest.partition("]")
    field = field.lstrip(".")
    if not number.isdigit() or not field:
        return path
    worded = fact.field_words(field)[0]
    field_title = (worded.get(lang) if worded is not None else None) or field
    return str(ui(lang)["entry_field"]).format(list=title(policy, name, lang), n=int(number) + 1, field=field_title)


def head(policy: Policy, given_: list[dict[str, Any]], lang: str) -> tuple[str, list[dict[str, Any]]]:
    """The facts a person sees first, from the policy's ``summary``: its titles, and the given
    facts of each group of the case format (the object a fact sits in) that a summary lists."""
    groups = {name.rpartition(".")[0] or name for _, names in policy.summary for name in names}
    title = " · ".join(t.get(lang) for t, _ in policy.summary)
    return title, [g for g in given_ if (g["fact"].rpartition(".")[0] or g["fact"]) in groups]


def _flatten(case: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in case.items():
        if isinstance(value, dict):
            out.extend(_flatten(value, prefix + key + "."))
        elif value is not None:
            out.append((prefix + key, value))
    return out
