"""A table cell of the docs site shows an editor's text as it is: the text of the cell, as
Markdown renders it, is the text given (whitespace aside), whatever Markdown or HTML it holds."""

from __future__ import annotations

import html
import re

import markdown
from hypothesis import given
from hypothesis import strategies as st

from policykit.docsite.common import cell

# the site's own extensions (mkdocs.yml)
_EXTENSIONS = ["tables", "admonition", "attr_list", "md_in_html"]
_PUNCTUATION = "\\`*_{}[]()<>#+-.!|&;:'\"=/~^@$%"


def _shown(text: str) -> str:
    page = markdown.markdown(f"| a | b |\n|---|---|\n| {cell(text)} | x |\n", extensions=_EXTENSIONS)
    found = re.search(r"<td>(.*?)</td>", page, re.S)
    assert found, page
    assert "<" not in found.group(1), page  # no element made of the text
    return html.unescape(found.group(1))


def _words(text: str) -> str:
    return " ".join(text.split())


@given(st.text(alphabet=st.sampled_from([*_PUNCTUATION, "a", "1", " ", "\n", "质", "保", "“", "”"]), max_size=40))
def test_any_text_is_shown_as_it_is(text: str) -> None:
    assert _words(_shown(text)) == _words(text)


def test_markdown_and_html_in_a_clause_are_shown_not_obeyed() -> None:
    assert _shown("1、真诚*认真*负责") == "1、真诚*认真*负责"
    assert _shown("see <img src=x onerror=alert(1)>") == "see <img src=x onerror=alert(1)>"
    assert _shown("a | b `c` [d](e) {: .x}") == "a | b `c` [d](e) {: .x}"
