"""A kept reader is named by the tool's version, ``kept.FORMAT``, Python's and the
calendar's, nothing of the generator: a change to what the generator (or the reader's
finish lines) writes that leaves ``kept.FORMAT`` as it was would let a cache written
before it serve a stale reader.  This test holds a digest of the generator's output for
fixed inputs beside each ``kept.FORMAT``: when the output changes, bump ``kept.FORMAT``
and add its digest (never edit an old one)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from policykit.engine.case_reader import kept
from policykit.engine.case_reader.generate import FactSpec, reader_kept
from policykit.engine.case_reader.reader import finish_lines

from ..conftest import ROOT

DIGESTS = {
    1: "3638e6533414dd8bf94f9e24fc5afc02f822f14e5ac6d99d7a18763f06db4a31",
}
"""``kept.FORMAT`` -> the digest of what the generator writes for :func:`_inputs`."""

_DAY = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_EVERY_KEYWORD = {  # a case format with every keyword the generator translates
    "type": "object",
    "additionalProperties": False,
    "required": ["a"],
    "$defs": {"day": _DAY},
    "properties": {
        "case_id": {"type": "string"},
        "a": {
            "type": "object",
            "required": ["n"],
            "properties": {
                "n": {"type": "integer", "minimum": -1, "maximum": 9},
                "x": {"type": ["number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 2.5},
                "t": {"type": "string", "minLength": 1, "maxLength": 5, "enum": ["p", "q", None]},
                "k": {"const": "k"},
                "s": {"type": "string", "pattern": "b"},
                "d": {"$ref": "#/$defs/day"},
                "l": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 4,
                    "items": {"type": "object", "properties": {"when": {"$ref": "#/$defs/day"}}},
                },
                "u": {"anyOf": [{"type": "null"}, {"type": "array", "items": {"type": "integer"}}]},
                "v": {"allOf": [{"type": "string"}, {"maxLength": 3}]},
            },
        },
        "b": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
    },
}
_FACTS = (
    FactSpec("a.n", "int", (), 0),
    FactSpec("a.x", "number", (), None),
    FactSpec("a.t", "string", (), None),
    FactSpec("a.d", "date", (), None),
    FactSpec("a.l", "list", (("when", "date"),), None),
    FactSpec("b", "bool", (), False),
    FactSpec("c.e", "string", (), None),  # a fact the format does not describe
)


def _inputs() -> list[tuple[Any, tuple[FactSpec, ...], tuple[str, ...] | None]]:
    probe = json.loads((ROOT / "tests" / "fixtures" / "case_reader_probe.json").read_text(encoding="utf-8"))
    facts = tuple(FactSpec(n, k, tuple((a, b) for a, b in item), None) for n, k, item in probe["facts"])
    return [
        (probe["format"], facts, finish_lines(True, True, True)),
        (_EVERY_KEYWORD, _FACTS, finish_lines(False, False, False)),
        (_EVERY_KEYWORD, _FACTS, None),
        ({"type": "object", "properties": {"a": {"not": {}}}}, _FACTS, None),  # (unsupported: no text)
    ]


def _output() -> str:
    texts = []
    for schema, facts, finish in _inputs():
        try:
            texts.append(reader_kept(schema, facts, finish).data())
        except Exception as exc:  # what it refuses is its output too
            texts.append({"refused": exc.__class__.__name__})
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()


def test_the_generators_output_is_the_one_its_format_number_names() -> None:
    assert list(DIGESTS) == list(range(1, kept.FORMAT + 1)), "each kept.FORMAT has its digest, in order"
    assert len(set(DIGESTS.values())) == len(DIGESTS), "a digest is a format's alone"
    assert _output() == DIGESTS[kept.FORMAT], (
        "the generator's output changed: bump kept.FORMAT and add this digest to DIGESTS "
        f"(tests/engine/test_case_reader_digest.py): {_output()}"
    )


def test_the_inputs_are_generated_and_the_digest_sees_a_change_of_one_character(monkeypatch: Any) -> None:
    from policykit.engine.case_reader import generate

    made = [reader_kept(schema, facts, finish) for schema, facts, finish in _inputs()[:3]]
    assert all(k.sections for k in made)  # sections, predicates and lists of facts included
    assert all("def _p0(v)" in k.text for k in made[1:]) and all("_c" in k.text for k in made)
    before = _output()
    monkeypatch.setitem(generate._TYPE_TEST, "string", "{v}.__class__ is  str")  # a space more
    assert _output() != before
