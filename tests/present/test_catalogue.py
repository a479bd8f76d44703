"""Every fixed text says the same thing in each language: the same placeholders, none missing."""

from __future__ import annotations

import re

import pytest

from policykit.policy.catalogue import catalogue
from policykit.policy.model import Policy, Text

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _texts(policy: Policy) -> dict[str, Text]:
    out = {f"catalogue:{k}": Text(t) for k, t in catalogue().items()}
    out.update({f"messages:{k}": t for k, t in policy.messages.items()})
    out.update({f"warnings:{s.id}": s.text for s in policy.warnings})
    out.update({f"actions:{s.id}": s.text for s in policy.actions})
    for name, fact in policy.facts.items():
        for what, text in (("title", fact.title), ("question", fact.question), ("default_reason", fact.default_reason)):
            if text is not None:
                out[f"facts:{name}.{what}"] = text
        out.update({f"facts:{name}.labels.{k}": t for k, t in fact.labels})
    for value in policy.values.values():
        if value.title is not None:
            out[f"values:{value.id}.title"] = value.title
        out.update({f"values:{value.id}.labels.{k}": t for k, t in value.labels})
        for rule in (*value.rules, *([value.otherwise] if value.otherwise else [])):
            if rule.because is not None:
                out[f"values:{value.id}.row{rule.index + 1}.because"] = rule.because
    for title, _ in policy.summary:
        out[f"summary:{title.get('en')}"] = title
    return out


def test_every_text_has_both_languages_with_the_same_placeholders(policy: Policy) -> None:
    problems = []
    for key, text in _texts(policy).items():
        langs = dict(text.by_lang)
        if set(langs) != {"zh", "en"}:
            problems.append(f"{key}: languages {sorted(langs)}")
            continue
        names = {lang: sorted(set(_PLACEHOLDER.findall(t))) for lang, t in langs.items()}
        if names["zh"] != names["en"]:
            problems.append(f"{key}: {names}")
    assert not problems, problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facts_read_by_conditions_have_titles(policy: Policy, lang: str) -> None:
    untitled = [name for name, fact in policy.facts.items() if fact.title is None or not fact.title.get(lang)]
    assert not untitled


def test_bool_facts_say_both_ways(policy: Policy) -> None:
    for name, fact in policy.facts.items():
        if fact.type == "bool":
            assert {"true", "false"} <= {k for k, _ in fact.labels}, name
