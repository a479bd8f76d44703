"""The facts a request type's decisions read, on its page of the docs site: each by what it
is called, its default and the default's reason, and the question asked when it is missing,
in the site's language with the English under it."""

from __future__ import annotations

from collections.abc import Iterable

from policykit.docsite.common import LANG, beside, both, cell, header
from policykit.policy.model import Policy, Value
from policykit.present.words import show


def facts_section(policy: Policy, decisions: Iterable[Value]) -> list[str]:
    """The section listing the facts ``decisions`` read (through the values they read)."""
    lines = [f"## {both(policy, 'site_facts')}\n"]
    lines.append(header(policy, "site_col_fact", "site_col_default", "site_col_why", "site_col_question"))
    for fname in _facts_read(policy, decisions):
        said = [_fact_words(policy, fname, lang) for lang in (LANG, "en")]
        called, default, reason, question = (beside(cell(a), cell(b)) for a, b in zip(*said, strict=True))
        lines.append(f"| {called} <small>`{fname}`</small> | {default} | {reason} | {question} |")
    return lines


def _facts_read(policy: Policy, values: Iterable[Value]) -> list[str]:
    seen: list[str] = []
    stack = list(values)
    visited: set[str] = set()
    while stack:
        value = stack.pop(0)
        if value.id in visited:
            continue
        visited.add(value.id)
        for rule in value.rules:
            for compiled in (*rule.parts, *([rule.outcome] if rule.outcome else [])):
                for name in sorted(compiled.names):
                    if name in policy.facts and name not in seen:
                        seen.append(name)
                    elif name in policy.values:
                        stack.append(policy.values[name])
    return [name for name in policy.facts if name in seen]


def _fact_words(policy: Policy, fname: str, lang: str) -> tuple[str, str, str, str]:
    """A fact's row in a language: what it is called, its default, the default's reason, its question."""
    fact = policy.facts[fname]
    default = show(policy, fname, fact.default, lang) if fact.has_default else policy.message("unknown_value", lang)
    if isinstance(fact.default, bool) and fact.label(fact.default, lang):
        default = fact.label(fact.default, lang) or default
    reason = fact.default_reason.get(lang) if fact.default_reason else ""
    question = fact.question.get(lang) if fact.question else ""
    return (fact.title.get(lang) if fact.title else fname), default, reason, question
