"""The placeholders of a text (``policy/placeholders.py``) are what the regular
expressions they replace find, for any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.policy.placeholders import has_word, names, simple, spans

texts = st.text(st.sampled_from("{}{}ab_.-中 x0\n"), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(text=texts)
def test_the_placeholders_of_a_text_are_those_re_finds(text: str) -> None:
    found = [(m.start(), m.end(), m.group(1)) for m in re.finditer(r"\{([^{}]+)\}", text)]
    assert list(spans(text)) == found
    assert names(text) == re.findall(r"\{([^{}]+)\}", text)


@settings(max_examples=3000, deadline=None)
@given(name=st.text(st.sampled_from("aZ_9.-中٣ \n{é"), max_size=6))
def test_a_simple_name_is_one_re_takes_whole(name: str) -> None:
    assert simple(name) == (re.fullmatch(r"[A-Za-z_][\w.\-]*", name) is not None)


def test_examples() -> None:
    assert list(spans("{a} and {b.c}")) == [(0, 3, "a"), (8, 13, "b.c")]
    assert names("{{a}} {} {x{y}} }{z}") == ["a", "y", "z"]


@settings(max_examples=3000, deadline=None)
@given(
    text=st.lists(st.sampled_from(["_e", "add_working_days(", "x", "_", " ", "(", "a", "中", "٣"]), max_size=8).map(
        "".join
    ),
    word=st.sampled_from(["_e", "add_working_days(", "a"]),
    start=st.integers(0, 6),
)
def test_a_word_is_found_where_re_finds_it(text: str, word: str, start: int) -> None:
    """(a fast form naming its environment, ``_e``; a rule counting working days)"""
    closing = r"\b" if re.fullmatch(r"\w", word[-1]) else ""
    assert has_word(text, word, start) == (
        re.compile(r"\b" + re.escape(word) + closing).search(text, start) is not None
    )
