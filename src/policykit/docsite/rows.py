"""A row of a decision table on the docs site: its condition and outcome in words, in the
site's language with the English under them, and its expression for policy editors."""

from __future__ import annotations

import json

from policykit.docsite.common import LANG, beside, both, cell
from policykit.lang.values import Unknown
from policykit.policy.model import Policy, Rule, Value
from policykit.present.catalogue import say
from policykit.present.sentence import outcome_words, rule_condition, title
from policykit.present.words import show


def code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def rule_condition_cell(policy: Policy, rule: Rule, lang: str = LANG) -> str:
    """The row's condition in words; the expression is below the table."""
    words = cell(rule_condition(policy, rule, lang))
    if not rule.parts:
        return f"*{words}*"
    return words


def rule_condition_both(policy: Policy, rule: Rule) -> str:
    return beside(rule_condition_cell(policy, rule), rule_condition_cell(policy, rule, "en"))


def expression(rule: Rule) -> str:
    if not rule.parts:
        return "*(otherwise)*"
    joiner = " **or** " if rule.any_of else " **and** "
    return joiner.join(code(p.source) for p in rule.parts)


def rule_outcome_cell(policy: Policy, value: Value, rule: Rule, lang: str = LANG) -> str:
    if rule.outcome is not None:
        return cell(outcome_words(policy, rule.outcome.source, lang))
    if isinstance(rule.value, Unknown):
        asked = say(policy, "list_sep", lang).join(title(policy, name, lang) for name in sorted(rule.value.facts))
        return cell(policy.message("undecided", lang, facts=asked))
    if rule.value is None:
        return policy.message("not_applicable", lang)
    return cell(show(policy, value.id, rule.value, lang))


def rule_outcome_both(policy: Policy, value: Value, rule: Rule) -> str:
    return beside(rule_outcome_cell(policy, value, rule), rule_outcome_cell(policy, value, rule, "en"))


def expressions(policy: Policy, value: Value) -> list[str]:
    """Each row's expression, folded away: for policy editors."""
    lines = [f'??? note "{both(policy, "site_expressions")}"', ""]
    for rule in value.rules:
        if rule.outcome is not None:
            outcome = code(rule.outcome.source)
        elif isinstance(rule.value, Unknown):
            outcome = "ask " + ", ".join(code(name) for name in sorted(rule.value.facts))
        else:
            outcome = code(json.dumps(rule.value, ensure_ascii=False))
        lines.append(f"    {rule.index + 1}. {expression(rule)} → {outcome}")
    lines.append("")
    return lines
