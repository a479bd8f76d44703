"""JSON by the interpreter's C accelerator (``policykit/json_accel.py``) is JSON as
:mod:`json` reads and writes it: the same data for every text it decodes, a refusal
wherever json raises, and the same text for every document it writes."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit import json_accel
from policykit.engine import case as case_module

from .strategies import nested

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
documents = nested(scalars, st.text(max_size=6), 20, 3)


@settings(max_examples=600, deadline=None)
@given(data=documents)
def test_a_document_is_written_as_json_writes_it(data: Any) -> None:
    assert json_accel.dumps_indented(data) == json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def test_what_json_writes_its_own_way_is_left_to_it() -> None:
    # a key that is no string, a number that is not finite, a value of another type,
    # a document holding itself
    looped: list[Any] = []
    looped.append(looped)
    for data in ({1: "a"}, {"a": [math.nan]}, [math.inf], {"a": {1, 2}}, looped, {None: 1}):
        assert json_accel.dumps_indented(data) is None
    assert json_accel.dumps_indented({"a": [1.5, True, None, "中\n\u2028"]}) == json.dumps(
        {"a": [1.5, True, None, "中\n\u2028"]}, ensure_ascii=False, indent=2
    )


def test_subclasses_are_written_as_json_writes_them() -> None:
    class Number(int):
        def __repr__(self) -> str:
            return "not this"

    class Text(str):
        pass

    data = {Text("k"): [Number(3), Text("v"), 2.5]}
    assert json_accel.dumps_indented(data) == json.dumps(data, ensure_ascii=False, indent=2)


white = st.text(st.sampled_from(" \t\n\r"), max_size=3)


@settings(max_examples=600, deadline=None)
@given(data=documents, before=white, after=white)
def test_a_text_is_read_as_the_decoder_of_a_case_reads_it(data: Any, before: str, after: str) -> None:
    text = before + json.dumps(data, ensure_ascii=False) + after
    assert case_module._scan(text) == case_module.decoder().decode(text)


mangled = st.text(st.sampled_from('{}[],:"\\ \t\n0123456789.eE+-truefalsnNaIiy中'), max_size=24)


@settings(max_examples=1500, deadline=None)
@given(text=mangled)
def test_any_text_is_read_alike_or_refused_where_the_decoder_raises(text: str) -> None:
    try:
        expected = case_module.decoder().decode(text)
    except (ValueError, RecursionError):
        assert case_module._scan(text) is json_accel.REFUSED
    else:
        assert case_module._scan(text) == expected


def test_what_the_hooks_of_a_case_refuse_is_refused() -> None:
    for text in (
        '{"a": 1, "a": 2}',
        "[NaN]",
        "[1e999]",
        "[-Infinity]",
        "1 2",
        "",
        "  ",
        "[1,]",
        '"\x01"',
        "[" * 100_000,
    ):
        assert case_module._scan(text) is json_accel.REFUSED, text


def test_the_hooks_are_those_of_the_decoder_of_a_case() -> None:
    decoder = case_module.decoder()
    for name in ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant"):
        assert getattr(case_module.HOOKS, name) == getattr(decoder, name), name
