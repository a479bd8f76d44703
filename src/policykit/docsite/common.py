"""What every page of the docs site shares: its language, bilingual headings, table cells,
citations, texts with placeholders and links to a decision."""

from __future__ import annotations

import html
from collections.abc import Iterable

from policykit.policy.model import Cite, Policy, Text, Value
from policykit.present.catalogue import say
from policykit.present.links import clause_page
from policykit.present.sentence import condition, with_names

LANG = "zh"  # the site's language; English stands beside it


def site_say(where: Policy, key: str, /, **fields: object) -> str:
    return say(where, key, LANG, **fields)


def both(where: Policy, key: str, /, **fields: object) -> str:
    """A heading in the site's language with the English beside it."""
    return f"{site_say(where, key, **fields)} · {say(where, key, 'en', **fields)}"


def both_lines(where: Policy, key: str, /, **fields: object) -> str:
    """A sentence of the page in the site's language with the English under it."""
    return beside(site_say(where, key, **fields), say(where, key, "en", **fields))


def header(where: Policy, *keys: str) -> str:
    """A table's head: each column in the site's language with the English beside it."""
    return "| " + " | ".join(both(where, key) for key in keys) + " |\n|" + "---|" * len(keys)


# the punctuation Markdown reads inside a line (emphasis, code, links, attribute lists) and
# the table's bar: each is shown as itself (a cell never starts a line, so # + - . do not count)
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]|"})


def cell(text: str) -> str:
    """``text`` (a clause, a title: written by an editor) in a Markdown table cell as it is:
    its HTML and its Markdown shown, not obeyed (``*a*`` stays ``*a*``, ``<img>`` is text)."""
    return html.escape(text, quote=False).translate(_MARKDOWN).replace("\n", " ")


def value_link(value: Value, depth: str = "../", name: str | None = None) -> str:
    text = name or value.id
    if value.output and value.applies_to:
        return f"[{text}]({depth}decisions/{value.applies_to[0]}.md#{value.id})"
    return f"[{text}]({depth}decisions/derived.md#{value.id})"


def cites_cell(policy: Policy, cites: Iterable[Cite]) -> str:
    """Each clause cited, linked to its place in the standard, with the condition under
    which it is cited (if any)."""
    out = []
    for cite in cites:
        link = f"[{cite.clause}](../{clause_page(cite.clause)}.md#{cite.clause})"
        if cite.when is not None:
            english = cell(condition(policy, cite.when.source, "en"))
            link += cell(f"（{condition(policy, cite.when.source, LANG)}）") + f' <small lang="en">({english})</small>'
        out.append(link)
    return ", ".join(out)


def placeheld(policy: Policy, text: Text | None, lang: str = LANG) -> str:
    """A reason or a step's text with each placeholder by what it shows (a parameter by its
    value, anything else by its title), for a table cell."""
    return cell(with_names(policy, text, lang)) if text is not None else ""


def beside(words: str, english: str) -> str:
    """A cell's words (made by :func:`cell`) with the English under them, smaller, where it
    says something else: a reader of either language reads the rules."""
    if not english or english == words:
        return words
    return f'{words}<br><small lang="en">{english}</small>'


def placeheld_both(policy: Policy, text: Text | None) -> str:
    """:func:`placeheld` in the site's language with the English under it."""
    return beside(placeheld(policy, text), placeheld(policy, text, "en"))
