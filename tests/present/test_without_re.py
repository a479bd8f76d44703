"""The text view reads its texts with str methods where it used regular expressions
(so a cold ``policykit evaluate FILE`` at a terminal loads no :mod:`re`): each piece
gives what the expression it replaces gives, for any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.present import layout, text

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
texts = st.text(st.sampled_from("ab 中。；;!?！？.,\u3000\u00a0\t\n\u2e80\u9fff\uff00\uffef\u2e7f_("), max_size=20)


@settings(max_examples=3000, deadline=None)
@given(value=texts)
def test_tokens_are_what_re_finds(value: str) -> None:
    assert layout.tokens(value) == re.findall(rf"\s+|[{_CJK}]|[^\s{_CJK}]+", value)


@settings(max_examples=3000, deadline=None)
@given(value=texts)
def test_odd_spacing_is_what_re_finds(value: str) -> None:
    assert layout._odd_space(value) == (re.search(r"[^\S ]|  |^ ", value) is not None)


@settings(max_examples=3000, deadline=None)
@given(value=texts)
def test_the_first_sentence_is_the_first_piece_re_splits_off(value: str) -> None:
    pieces = re.split(r"(?<=[。；;!?！？])|(?<=\. )", value)
    assert text.first_sentence(value) == next((s for s in pieces if s.strip()), value)
