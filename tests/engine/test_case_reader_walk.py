"""The case format walked (``read_case(..., generated=False)``, one case in a process)
against the generated reader it stands in for: the same answer for every case, the facts
typed alike (1, 1.0 and True apart), the same bits of the facts given, None where the
generated reader says None; and no code generated or compiled on the way."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policykit.engine.case as case_module
from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import read_case
from policykit.engine.case_reader import generate as generate_module
from policykit.engine.case_reader import reader as reader_module
from policykit.engine.case_reader.generate import FactSpec, Unsupported, reader_source
from policykit.engine.case_reader.reader import fact_specs, reader, walked
from policykit.engine.case_reader.walk import Walker
from policykit.engine.case_schema import case_validator
from policykit.policy.model import Policy

from .test_case_reader import (
    GOOD,
    SEEDS,
    SMALL,
    SMALL_EDITS,
    _drop,
    _put,
    _typed,
    edited_small_case,
    mutation,
    schemas,
    values,
)


def _both(policy: Policy, data: Any) -> tuple[Any, Any]:
    """What the generated reader and the walked one give for ``data`` (None or the case,
    its facts typed)."""
    made = reader(policy)
    assert made is not None
    answers: list[Any] = []
    for read in (made, walked(policy)):
        case = read(copy.deepcopy(data))
        answers.append(None if case is None else (*case._replace(facts=_typed(case.facts)),))
    return answers[0], answers[1]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), edits=st.lists(mutation, max_size=4))
def test_mutated_cases_read_the_same_walked(policy: Policy, seed: dict[str, Any], edits: list[Any]) -> None:
    data = copy.deepcopy(seed)
    for action, path, value in edits:
        (_put(data, path, value) if action == "put" else _drop(data, path))
    generated, walked_case = _both(policy, data)
    assert walked_case == generated


def test_every_case_of_the_corpus_reads_the_same_walked(policy: Policy) -> None:
    """The acceptance cases, the examples, and generated and edge cases (most of them good)."""
    corpus = [*SEEDS, *generate(1500, seed=18), *generate_edges(500, seed=19)]
    accepted = 0
    for data in corpus:
        generated, walked_case = _both(policy, data)
        assert walked_case == generated, data
        accepted += generated is not None
    assert accepted > len(corpus) // 2  # the comparison is of cases read, not of Nones


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**16), edits=SMALL_EDITS)
def test_another_format_reads_the_same_walked(seed: int, edits: list[Any]) -> None:
    data = edited_small_case(seed, edits)
    generated, walked_case = _both(SMALL, data)
    assert walked_case == generated


KINDS = ["string", "int", "date", "bool", "list"]


@settings(max_examples=800, deadline=None)
@given(schema=schemas, value=values, kind=st.sampled_from(KINDS), other=values)
def test_any_format_reads_as_its_generated_reader(schema: Any, value: Any, kind: str, other: Any) -> None:
    """For formats the generator translates, the walk gives what its code gives (fact ``x``
    described by the format, ``y.z`` not); for the others, what it accepts JSON Schema
    accepts."""
    root = {
        "type": "object",
        "properties": {"x": schema},
        "$defs": {"day": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
    }
    facts = (FactSpec("x", kind, (("date", "date"),), "unknown"), FactSpec("y.z", kind, (), 7))
    data = {"x": value, "y": {"z": other}}
    walked_answer = Walker(root, facts)(copy.deepcopy(data))
    try:
        text, names = reader_source(root, facts)
    except Unsupported:  # oneOf, not: the generated reader sends every case to the exact one
        if walked_answer is not None:
            assert not list(case_validator(root).iter_errors(data))
        return
    exec(compile(text, "<test>", "exec"), names)
    answer = names["_read"](copy.deepcopy(data))
    typed = [None if a is None else (_typed(a[0]), a[1]) for a in (walked_answer, answer)]
    assert typed[0] == typed[1]


LEAVES: list[Any] = [
    *({"type": t} for t in ("string", "integer", "number", "boolean", "null", "array", "object")),
    {"type": ["string", "null"]},
    {"type": ["integer", "number"]},
    {"enum": ["a", "b"]},
    {"enum": ["a", None]},
    {"const": "a"},
    {"const": None},
    *({key: bound} for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") for bound in (0, 1.5)),
    {"minLength": 1, "maxLength": 2},
    {"minItems": 1, "maxItems": 2},
    {"items": {"type": "integer"}},
    {"items": {"type": "object", "properties": {"date": {"$ref": "#/$defs/day"}}, "required": ["date"]}},
    {"pattern": "^[0-9]+$"},
    {"$ref": "#/$defs/day"},
    {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/day"}]},
    {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "maxLength": 1}]},
    {"allOf": [{"type": "number"}, {"maximum": 2}]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": False},
    {"type": "object", "properties": {"a": {"type": ["integer", "null"]}}},
    True,
    False,
]
LEAF_VALUES: list[Any] = [
    *(None, True, False, 0, 1, -1, 2, 1.0, 1.5, 0.0, -0.5, 10**20),
    *("", "a", "b", "ab", "abc", "12", "2026-01-05", "2026-02-30", "2026-1-5", "12\n"),
    *([], [1], [1, 2, 3], [1.0], [{"date": "2026-01-05"}], [{"date": "x"}], [{}]),
    *({}, {"a": "x"}, {"a": 1}, {"a": None}, {"a": "x", "b": 1}, {"b": 1}),
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_keyword_on_every_kind_of_value_reads_as_its_generated_reader(kind: str) -> None:
    """Each keyword at its bounds, on values either side of them: the walk and the
    generated code accept the same and bind the same (``x`` a fact of ``kind``)."""
    facts = (FactSpec("x", kind, (("date", "date"),), "unknown"),)
    compared = accepted = 0
    for schema in LEAVES:
        root = {"type": "object", "properties": {"x": schema}, "$defs": {"day": LEAVES_DAY}}
        text, names = reader_source(root, facts)
        exec(compile(text, "<test>", "exec"), names)
        walk = Walker(root, facts)
        for value in LEAF_VALUES:
            answers = [read({"x": copy.deepcopy(value)}) for read in (walk, names["_read"])]
            typed = [None if a is None else (_typed(a[0]), a[1]) for a in answers]
            assert typed[0] == typed[1], (schema, value)
            compared += 1
            accepted += answers[0] is not None
    assert compared == len(LEAVES) * len(LEAF_VALUES) and 0 < accepted < compared


LEAVES_DAY = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def test_a_fact_the_format_does_not_describe_is_read_as_the_exact_reader_reads_it() -> None:
    facts = (FactSpec("a.b", "date", (), "unknown"), FactSpec("c", "int", (), 7))
    read = Walker({"type": "object"}, facts)
    found = read({"a": {"b": "2026-01-05"}})
    assert found is not None and found[0]["a.b"].isoformat() == "2026-01-05" and found[1] == 0b01
    assert read({"a": 5}) == ({"a.b": "unknown", "c": 7}, 0)
    assert read({"c": 3}) == ({"a.b": "unknown", "c": 3}, 0b10)
    bad: Any
    for bad in ({"c": 2.0}, {"a": {"b": "2026-02-30"}}, [], "x"):  # the exact reader words these
        assert read(bad) is None


@pytest.mark.parametrize(
    ("schema", "without"),
    [
        ({"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}, ({"a": None}, 0)),
        ({"type": "object", "properties": {"a": {"multipleOf": 2}}}, ({"a": None}, 0)),
        ({"type": "object", "properties": {"a": {"enum": [1, 2]}}}, ({"a": None}, 0)),
        # which facts the format describes is found through its references: none is read
        ({"type": "object", "properties": {"a": {"$ref": "https://example.com/elsewhere.json"}}}, None),
        ({"type": "object", "properties": {"a": {"$ref": "#/properties/a"}}}, None),  # a cycle
    ],
)
def test_a_keyword_the_generator_does_not_translate_gives_way_where_a_case_has_it(
    schema: dict[str, Any], without: Any
) -> None:
    with pytest.raises((Unsupported, RecursionError)):  # (reader() takes both for "not translated")
        reader_source(schema, (FactSpec("a", "string", (), None),))
    read = Walker(schema, (FactSpec("a", "string", (), None),))
    assert read({"a": 1}) is None  # the exact reader decides
    assert read({}) == without


def test_one_case_is_read_without_generating_or_compiling_code(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = policy._replace()  # a copy: its own memo, no reader made yet
    expected = read_case(policy, copy.deepcopy(GOOD[0]))

    def never(*args: Any) -> Any:
        raise AssertionError("no code is generated or compiled for one case")

    monkeypatch.setattr(generate_module, "reader_parts", never)
    monkeypatch.setattr(reader_module, "_make", never)
    monkeypatch.setattr(case_module, "read_case_exact", never)
    got = read_case(fresh, copy.deepcopy(GOOD[0]), generated=False)
    assert got == expected and "case_reader" not in fresh.memo
    assert walked(fresh) is walked(fresh)  # made once per policy


def test_a_reader_made_already_is_used_walked_or_not(policy: Policy) -> None:
    """Where the generated reader was made (a batch before), ``generated=False`` uses it."""
    assert reader(policy) is not None
    case = read_case(policy, copy.deepcopy(GOOD[1]), generated=False)
    assert case == read_case(policy, copy.deepcopy(GOOD[1]))


def test_the_specs_of_the_bundled_policy_are_all_walked(policy: Policy) -> None:
    """Every fact of the bundled format is described by it or read apart, and a good case
    gives the same set of facts on both roads."""
    specs = fact_specs(policy)
    data = json.loads(json.dumps(GOOD[0]))
    generated, walked_case = _both(policy, data)
    assert generated is not None and walked_case == generated and len(specs) > 10
