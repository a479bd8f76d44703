"""A pattern of the case format is matched in RE2's language, in time linear in the text
(``policy/pattern_match.py``): by ``re`` where the pattern has no part of varying width
(a plain pattern: then ``re`` and RE2 agree on every text), else by RE2."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from typing import Any

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.policy.pattern_match import MAX_PLAIN_DEPTH, MAX_PLAIN_WIDTH, plain, re2_problem, searcher

from ..conftest import ROOT

# -- plain patterns: re and RE2 agree ------------------------------------------------------

_LITERALS = ["a", "b", "0", "-", "中", "é", " ", ",", "/", "#", "'", "<", ">", "=", "!"]
_ESCAPED = ["\\.", "\\-", "\\$", "\\^", "\\\\", "\\[", "\\]", "\\(", "\\{", "\\|", "\\*", "\\+", "\\?", "\\/"]
_CLASSES = ["\\d", "\\D", "\\w", "\\W", "\\n", "\\t", "."]
_SETS = ["[ab]", "[^a]", "[a-c]", "[-a]", "[a-]", "[\\d.]", "[^\\n]", "[0-9a-f]", "[中-龥]", "[\\]a]", "[a^]", "[\\w-]"]

atoms = st.sampled_from(_LITERALS + _ESCAPED + _CLASSES + _SETS)


def _counted(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(inner, st.sampled_from(["", "", "{1}", "{2}", "{3}"])).map("".join)


bodies = st.recursive(
    _counted(atoms).map(str),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map("".join),
        _counted(st.tuples(st.sampled_from(["(", "(?:"]), inner, st.just(")")).map("".join)),
    ),
    max_leaves=6,
)
plain_patterns = st.tuples(st.sampled_from(["", "^"]), bodies, st.sampled_from(["", "$"])).map("".join)
texts = st.text(st.sampled_from("ab0-.$^\n中é ,٣_\\[]\ud800"), max_size=10)


@settings(max_examples=1500, deadline=None)
@given(pattern=plain_patterns, text=texts)
def test_a_plain_pattern_is_one_re2_compiles_and_both_agree_on_every_text(pattern: str, text: str) -> None:
    fixed = plain(pattern)
    assert fixed is not None
    by_re2 = re2.compile(pattern).search(text.encode("utf-8", "surrogatepass")) is not None
    assert (re.compile(fixed, re.ASCII).search(text) is not None) == by_re2
    assert (searcher(pattern)(text) is not None) == by_re2


pieces = st.sampled_from([*"ab-^$.\\[](){}?*+|:dwsDWnvb0123,中&~", "(?:", "{2}", "{1000}", "\\\\"])


@settings(max_examples=1500, deadline=None)
@given(pattern=st.lists(pieces, max_size=12).map("".join), text=texts)
def test_whatever_text_plain_takes_re2_compiles_and_both_agree_on(pattern: str, text: str) -> None:
    fixed = plain(pattern)
    if fixed is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (re warns of a set it may one day read otherwise: never plain)
        by_re = re.compile(fixed, re.ASCII).search(text) is not None
    assert by_re == (re2.compile(pattern).search(text.encode("utf-8", "surrogatepass")) is not None)
    assert (searcher(pattern)(text) is not None) == by_re  # the row of classes (policy/fixed_width.py) too


VARYING = [
    "^a*$",
    "^a+$",
    "a?",
    "a|b",
    "^a{1,2}$",
    "^a{2,}$",
    "a{,3}",
    "\\s",  # \v is a space to re, not to RE2
    "\\b",
    "(?i)a",
    "(?s).",
    "^a$b",  # $ not last
    "a^",
    "()",
    "[]a]",
    "[[:alpha:]]",
    "[a-c-e]",
    "[\\d-z]",
    "[z-a]",
    "[a&&b]",
    "\\pL",
    "\\x41",
    "a{1001}",
    "a{0}",
    "a{01}",
    "a{3}{2}",
    "(a",
    "a)",
    "a\x00",
    ".{1000}a",  # wider than MAX_PLAIN_WIDTH
    "(?:(?:a{10}){10}){11}",
    "(" * (MAX_PLAIN_DEPTH + 1) + "a" + ")" * (MAX_PLAIN_DEPTH + 1),
]


@pytest.mark.parametrize("pattern", VARYING)
def test_a_pattern_with_a_part_of_varying_width_or_another_syntax_is_left_to_re2(pattern: str) -> None:
    assert plain(pattern) is None


def test_the_limits_of_a_plain_pattern_are_its_edges() -> None:
    assert plain(f".{{{MAX_PLAIN_WIDTH}}}") is not None
    assert plain("(" * MAX_PLAIN_DEPTH + "a" + ")" * MAX_PLAIN_DEPTH) is not None
    assert plain("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") == "^[0-9]{4}-[0-9]{2}-[0-9]{2}\\Z"  # the bundled date
    assert plain("^a\\$") == "^a\\$"  # an escaped $ is a character
    assert plain("^a\\\\$") == "^a\\\\\\Z"  # an escaped backslash, then the end


# -- the language is RE2's --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("^a$", "a\n", False),  # $ only at the very end (plain: re with \Z)
        ("^a+$", "aa\n", False),  # (RE2)
        ("^a+$", "aa", True),
        ("^\\d{1}$", "٣", False),  # \d is ASCII, as in RE2 and ECMA 262
        ("^\\d+$", "٣", False),
        ("^\\w{2}$", "中文", False),
        ("^\\w+$", "中文", False),
        ("^\\pL+$", "中文", True),  # RE2's Unicode classes
        ("^\\p{Han}+\\z", "中文", True),
        ("^a.b$", "a\ud800b", True),  # a lone surrogate (from Python, not JSON) is one character
        ("^a.+b$", "a\ud800b", True),
    ],
)
def test_patterns_mean_what_re2_says(pattern: str, text: str, found: bool) -> None:
    assert re2_problem(pattern) is None
    assert (searcher(pattern)(text) is not None) == found


@pytest.mark.parametrize(
    ("pattern", "refused", "passed"),
    [
        ("^a*a*a*a*a*$", "a" * 400 + "!", "a" * 400),  # minutes in re
        ("^" + "(?:a|.)" * 40 + "$", "a" * 40 + "!", "a" * 40),  # hours in re
        ("^(a+)+$", "a" * 40 + "!", "a" * 40),  # (refused by the nesting check all the same)
        ("^(a|aa)*c$", "a" * 40, "a" * 40 + "c"),
    ],
)
def test_a_pattern_that_backtracks_in_re_answers_at_once(pattern: str, refused: str, passed: str) -> None:
    """Patterns that hold a case for seconds to hours in ``re`` (the reviewer's among them);
    RE2 answers (the test asserts the answer, never the time)."""
    assert plain(pattern) is None
    assert searcher(pattern)(refused) is None
    assert searcher(pattern)(passed) is not None


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("^(?=a)a$", "invalid perl operator: (?="),
        ("^(?<=a)b", "invalid perl operator: (?<"),
        ("^(a)\\1$", "invalid escape sequence: \\1"),
        ("^(?>a+)$", "invalid perl operator: (?>"),
        ("^a++$", "bad repetition operator: ++"),
        ("^[0-9", "missing ]"),
        ("a{1001}", "invalid repetition size"),
        ("\ud800", "lone surrogate"),
    ],
)
def test_what_re2_cannot_compile_is_named_in_re2s_words(pattern: str, words: str) -> None:
    problem = re2_problem(pattern)
    assert problem is not None and words in problem


def test_re2_is_imported_only_for_a_pattern_that_is_not_plain() -> None:
    probe = (
        "import sys\n"
        "from policykit.policy.pattern_match import searcher\n"
        "assert searcher('^[0-9]{4}-[0-9]{2}-[0-9]{2}$')('2026-01-05')\n"
        "print('re2' in sys.modules)\n"
        "assert searcher('^a+$')('aa')\n"
        "print('re2' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    assert run.stdout.split() == ["False", "True"]
    assert run.stderr == ""  # RE2 writes nothing of its own


@settings(max_examples=300, deadline=None)
@given(pattern=plain_patterns, text=st.text(st.sampled_from("ab0-.$^\n中é ,٣_\\[]"), min_size=40, max_size=120))
def test_a_long_text_is_searched_as_re_searches_it(pattern: str, text: str) -> None:
    """Past LONG characters the row of classes hands the text to re (the row compared at each
    place would be slow); either way the answer is re's."""
    from policykit.policy.fixed_width import LONG, fixed_search

    fixed = plain(pattern)
    assert fixed is not None
    expected = re.compile(fixed, re.ASCII).search(text) is not None
    assert (fixed_search(pattern, fixed)(text) is not None) == expected
    if len(text) <= LONG:  # (the row's own answer)
        assert (searcher(pattern)(text) is not None) == expected


def test_a_long_text_is_handed_to_re_not_compared_place_by_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case may give a string of a MiB: the row compared at each of its places would take
    minutes for a wide pattern, re takes milliseconds.  (Asserts the road, not a time.)"""
    from policykit.policy import fixed_width

    compared: list[int] = []
    real = fixed_width._at

    def counting(row: Any, text: str, offset: int) -> bool:
        compared.append(offset)
        return real(row, text, offset)

    monkeypatch.setattr(fixed_width, "_at", counting)
    search = fixed_width.fixed_search("[a-z]{50}", "[a-z]{50}")
    assert search(("a" * 49 + "!") * 2000) is None and search("x" + "a" * 50 + "!" * 200)
    assert compared == []
    assert search("a" * 50) and search("b" * 49) is None and compared  # a short text: the row
