"""What every page of the docs site shares: its language, bilingual headings, table cells
and links to a decision."""

from __future__ import annotations

import html

from policykit.policy.model import Policy, Value
from policykit.present.catalogue import say

LANG = "zh"  # the site's language; English stands beside it


def site_say(where: Policy, key: str, /, **fields: object) -> str:
    return say(where, key, LANG, **fields)


def both(where: Policy, key: str, /, **fields: object) -> str:
    """A heading in the site's language with the English beside it."""
    return f"{site_say(where, key, **fields)} · {say(where, key, 'en', **fields)}"


# Markdown's escapable punctuation (and the table's bar): each is shown as itself
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|"})


def cell(text: str) -> str:
    """``text`` (a clause, a title: written by an editor) in a Markdown table cell as it is:
    its HTML and its Markdown shown, not obeyed (``*a*`` stays ``*a*``, ``<img>`` is text)."""
    return html.escape(text, quote=False).translate(_MARKDOWN).replace("\n", " ")


def value_link(value: Value, depth: str = "../", name: str | None = None) -> str:
    text = name or value.id
    if value.output and value.applies_to:
        return f"[{text}]({depth}decisions/{value.applies_to[0]}.md#{value.id})"
    return f"[{text}]({depth}decisions/derived.md#{value.id})"
