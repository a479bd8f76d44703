"""Text laid out for a terminal: the wrapper keeps each line's width as it grows (and keeps
the paragraphs it has laid out), and lays out exactly what measuring every line afresh does."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.present import layout
from policykit.present.layout import hang, pad, wrap


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKENS = rf"\s+|[{_CJK}]|[^\s{_CJK}]+"


def _reference_wrap(text: str, columns: int) -> list[str]:
    """The wrapper as first written: every line measured afresh at every word."""
    columns = max(columns, 8)
    lines: list[str] = []
    line = ""
    for token in re.findall(_TOKENS, text):  # (the tokens as first written)
        if token.isspace():
            if line:
                line += " "
            continue
        while _width(token) > columns:
            room = columns - _width(line)
            cut = layout._fit(token, room) if room > 0 else 0
            if cut == 0:
                lines.append(line.rstrip())
                line = ""
                cut = layout._fit(token, columns)
            lines.append(line + token[:cut])
            line, token = "", token[cut:]
        if _width(line) + _width(token) > columns:
            if token in layout._NO_LINE_START and line:
                lines.append(line[:-1].rstrip())
                line = line[-1] + token
                continue
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


# Chinese, Latin words, full-width and closing punctuation, spaces, combining and wide symbols
_ALPHABET = list("质保期内加电不能正常工作，。；：）」abcXYZ019 .,;:!?)-/\t\u3000\uff01\u0301🙂é")
_TEXT = st.one_of(
    st.text(st.sampled_from(_ALPHABET), max_size=120),
    st.text(st.characters(codec="utf-8"), max_size=60),
)


@settings(max_examples=1000, deadline=None)
@given(text=_TEXT, columns=st.integers(0, 40))
def test_wrapping_is_what_measuring_afresh_gives(text: str, columns: int) -> None:
    assert wrap(text, columns) == _reference_wrap(text, columns)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_width_is_each_characters_columns(text: str) -> None:
    assert layout.width(text) == _width(text)
    assert _width(pad(text, 30)) == max(30, _width(text))


def test_a_kept_layout_is_the_callers_own() -> None:
    """The kept paragraphs are handed out as new lists: a caller may change its own."""
    first = hang("  · ", "保修期内由公司免费更换或修理，不收人工费" * 3, 4, 30)
    first.append("changed")
    assert hang("  · ", "保修期内由公司免费更换或修理，不收人工费" * 3, 4, 30)[-1] != "changed"
    lines = wrap("a b c", 8)
    lines.clear()
    assert wrap("a b c", 8) == ["a b c"]
