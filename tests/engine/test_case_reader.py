"""The generated case reader against the exact reader, its reference.

For cases made by mutating the acceptance cases and the examples (wrong types, impossible
dates, extra fields, duplicate keys, a missing request, long numbers, nesting...), the
fast road (orjson where it must agree, then the generated reader) and the exact road
(the exact parser, JSON Schema, the reader loop, the case checks) give the same facts or
the same diagnostics.  A good case takes one pass: the exact reader is never called."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policykit.engine.case as case_module
from policykit.engine.case import parse_json, parse_json_exact, read_case, read_case_exact
from policykit.engine.case_reader import json_fast
from policykit.engine.case_reader.generate import FactSpec, Unsupported, reader_source
from policykit.engine.case_reader.json_fast import loads
from policykit.engine.case_reader.reader import fact_specs, reader
from policykit.engine.case_schema import case_validator
from policykit.errors import CaseError
from policykit.policy.model import Policy

from ..conftest import ROOT, SHARED


def _seeds() -> list[dict[str, Any]]:
    found = []
    for folder in ("cases", "invalid"):
        for path in sorted((SHARED / "acceptance" / folder).glob("*.json")):
            found.append(json.loads(path.read_text(encoding="utf-8"))["case"])
    for path in sorted((ROOT / "examples").glob("*.json")):
        found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


SEEDS = _seeds()
GOOD = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in sorted((SHARED / "acceptance/cases").glob("*.json"))]
GOOD += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]


def _typed(value: Any) -> Any:
    """``value`` with every leaf's class beside it (so that 1, 1.0 and True differ)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


def outcome(policy: Policy, raw: bytes, fast: bool) -> Any:
    """What reading ``raw`` gives: the case's facts and what it says, or every diagnostic."""
    parse, read = (parse_json, read_case) if fast else (parse_json_exact, read_case_exact)
    try:
        data = parse(raw, "case.json")
        case = read(policy, data, "case.json", raw, "en")
    except CaseError as exc:
        return "error", [d.format() for d in exc.diagnostics]
    return "ok", _typed(case.facts), sorted(case.given), case.notices, case.case_id, case.request_type, repr(case.raw)


def _same(policy: Policy, raw: bytes) -> None:
    assert outcome(policy, raw, True) == outcome(policy, raw, False), raw


FACT_PATHS = [
    "case_id",
    "request",
    "request.type",
    "request.date",
    "sale",
    "sale.ship_date",
    "sale.shipping_method",
    "sale.warranty_months",
    "sale.return_days",
    "sale.delivered_on",
    "customer.name",
    "product.has_warranty_card",
    "fault",
    "fault.misuse",
    "fault.code",
    "received_on",
    "complaint.topic",
    "transport.damage",
    "shipment.options",
    "history",
    "follow_up.last_on",
    "nonsense",
    "sale.ship_dat",
]
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -3,
    12,
    12.0,
    12.5,
    10**30,
    -(10**25),
    1e300,
    "",
    "yes",
    "fault",
    "express",
    "air",
    "2026-02-30",
    "2026-02-28",
    "2026/01/05",
    "2026-01-01\n",
    "٢٠٢٦-٠١-٠١",
    "x" * 600,
    "a: colon",
    [],
    [{"date": "2025-03-01", "kind": "repair"}],
    [{"date": "2025-13-01", "kind": "repair"}],
    [{"date": "2025-03-01", "kind": "repair", "extra": 1}],
    [{"method": "express", "carrier": "SF", "cost": 10, "transit_days": 2.0}],
    [{"method": "express", "carrier": "SF", "cost": 10, "transit_days": 2}],
    {},
    {"type": "fault", "date": "2026-05-01"},
    {"ship_date": "2026-01-05", "shipping_method": "express"},
    [[[]]],
]


def _put(data: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        if not isinstance(node, dict):
            return
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if isinstance(node, dict):
        node[parts[-1]] = copy.deepcopy(value)


def _drop(data: Any, path: str) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(parts[-1], None)


TEXT_EDITS = [
    lambda t: t,
    lambda t: t.replace("{", '{"case_id": "dup", ', 1),  # a duplicate key where case_id is set
    lambda t: t.replace('"request": {', '"request": {"type": "return", ', 1),  # a duplicate type
    lambda t: "\ufeff" + t,
    lambda t: t + " x",
    lambda t: t.replace('"request"', '"re\\u0071uest"', 1),
    lambda t: t.replace("{", '{"case_id": "a\\u003ab", ', 1),
    lambda t: t.replace("{", '{"customer": {"name": "\\ud800"}, ', 1),
    lambda t: t.replace("{", '{"z": ' + "[" * 600 + "]" * 600 + ", ", 1),
    lambda t: t.replace("{", '{"sale": {"warranty_months": 123456789012345678901234}, ', 1),
    lambda t: t.replace("{", '{"sale": {"warranty_months": 1e400}, ', 1),
    lambda t: t.replace("{", '{"sale": {"warranty_months": NaN}, ', 1),
    lambda t: "[" + t + "]",
    lambda t: t[: len(t) // 2],
]

mutation = st.one_of(
    st.tuples(st.just("put"), st.sampled_from(FACT_PATHS), st.sampled_from(ODD_VALUES)),
    st.tuples(st.just("drop"), st.sampled_from(FACT_PATHS), st.none()),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(mutation, max_size=4),
    text=st.one_of(st.just(0), st.sampled_from(range(len(TEXT_EDITS)))),
    indent=st.sampled_from([None, 2]),
)
def test_mutated_cases_read_the_same_on_both_roads(
    policy: Policy, seed: dict[str, Any], edits: list[tuple[str, str, Any]], text: int, indent: int | None
) -> None:
    data = copy.deepcopy(seed)
    for action, path, value in edits:
        (_put(data, path, value) if action == "put" else _drop(data, path))
    raw = TEXT_EDITS[text](json.dumps(data, ensure_ascii=False, indent=indent)).encode("utf-8")
    _same(policy, raw)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(p.name for p in (SHARED / "acceptance" / "invalid").glob("*.json")))
def test_every_invalid_acceptance_case_is_worded_by_the_exact_reader(policy: Policy, name: str, lang: str) -> None:
    case = json.loads((SHARED / "acceptance" / "invalid" / name).read_text(encoding="utf-8"))["case"]
    raw = json.dumps(case, indent=2).encode()
    with pytest.raises(CaseError) as fast:
        read_case(policy, parse_json(raw, "c.json"), "c.json", raw, lang)
    with pytest.raises(CaseError) as exact:
        read_case_exact(policy, parse_json_exact(raw, "c.json"), "c.json", raw, lang)
    assert [d.format() for d in fast.value.diagnostics] == [d.format() for d in exact.value.diagnostics]


@pytest.mark.parametrize("index", range(len(GOOD)))
def test_a_good_case_takes_one_pass(policy: Policy, index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.dumps(GOOD[index], ensure_ascii=False).encode("utf-8")
    expected = outcome(policy, raw, False)
    loads(b"{}")  # the first document of a process is the exact parser's (see below): not this one
    monkeypatch.setattr(case_module, "read_case_exact", _never)
    monkeypatch.setattr(case_module, "parse_json_exact", _never)
    assert outcome(policy, raw, True) == expected


def test_the_first_document_of_a_process_is_parsed_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """One case is not worth orjson's import: the first document goes to the exact parser,
    and orjson answers from the second on."""
    monkeypatch.setattr(json_fast, "_ORJSON", [])  # as a process starts
    raw = json.dumps(GOOD[0], ensure_ascii=False).encode("utf-8")
    assert loads(raw) is None
    assert loads(raw) == parse_json_exact(raw, "c.json") == loads(raw)


def _never(*args: Any) -> Any:
    raise AssertionError("the exact road was taken")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 2}',
        b'{"a": {"b": 1, "b": 1}}',
        b'{"a": "x:y", "a": 2}',
        b'{"a\\u003a": 1, "a\\u003a": 2}',
        b'{"a": 18446744073709551615}',
        b'{"a": 18446744073709551616}',
        b'{"a": -9223372036854775809}',
        b'{"a": 1e400}',
        b'{"a": 5e-400}',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": "\\ud800"}',
        b'{"a": "\\ud83d\\ude00"}',
        b'{"a": "\xff"}',
        b"[" * 990 + b"]" * 990,
        b'{"a": 1}\n',
        b'{"a": 1} x',
        b'{"a": NaN}',
        b'"just a text"',
    ],
)
def test_the_fast_parser_agrees_or_gives_way(raw: bytes) -> None:
    fast = loads(raw)
    try:
        exact: Any = repr(parse_json_exact(raw, "f"))
    except CaseError as exc:
        exact = [d.format() for d in exc.diagnostics]
        assert fast is None
        return
    assert fast is None or repr(fast) == exact


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(value=json_values, dup=st.booleans(), colon=st.booleans())
def test_any_json_parses_the_same_on_both_roads(value: Any, dup: bool, colon: bool) -> None:
    text = json.dumps(value, ensure_ascii=colon)
    if dup and text.startswith("{") and len(text) > 2:
        text = text.replace("{", '{"k": 1, "k": 2, ', 1)
    raw = text.encode("utf-8")
    fast = loads(raw)
    try:
        exact: Any = parse_json_exact(raw, "f")
    except CaseError:
        assert fast is None
        return
    assert fast is None or _typed(fast) == _typed(exact)


# The generator alone: whatever it accepts, JSON Schema accepts.

# plain patterns (matched by re) and others (by RE2); texts ending in a newline, digits not ASCII
PATTERNS = ["^[0-9]{2}$", "a", "^$", "^a+$", "b$", "^a*a*a*a*a*$", "^\\d+$", "^\\d{2}$", "(?i)^A"]
pattern_texts = st.text(st.sampled_from("aAb12٣\n"), max_size=5)


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), text=pattern_texts)
def test_the_generated_check_and_json_schema_agree_on_every_text_of_a_pattern(pattern: str, text: str) -> None:
    """Both search as RE2 does (``$`` only at the very end, ``\\d`` ASCII), by one function
    (policy/pattern_match.py), whether ``re`` or RE2 matches the pattern."""
    root = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}
    text_of, names = reader_source(root, ())
    exec(compile(text_of, "<test>", "exec"), names)
    accepted = names["_read"]({"x": text}) is not None
    assert accepted == (not list(case_validator(root).iter_errors({"x": text})))
    if text.endswith("\n") and pattern.endswith("$"):
        assert not accepted


leaf_schemas = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean", "null", "array", "object"])}
    ),
    st.fixed_dictionaries(
        {"type": st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=2, unique=True)}
    ),
    st.fixed_dictionaries({"enum": st.lists(st.sampled_from(["a", "b", None]), min_size=1, unique=True)}),
    st.fixed_dictionaries({"const": st.sampled_from(["a", None])}),
    st.fixed_dictionaries({"minimum": st.integers(-2, 2)}),
    st.fixed_dictionaries({"maximum": st.floats(-2, 2)}),
    st.fixed_dictionaries({"exclusiveMinimum": st.integers(-2, 2), "exclusiveMaximum": st.integers(-2, 5)}),
    st.fixed_dictionaries({"maxLength": st.integers(0, 3), "minLength": st.integers(0, 2)}),
    st.fixed_dictionaries({"pattern": st.sampled_from(PATTERNS)}),
    st.fixed_dictionaries({"minItems": st.integers(0, 2), "maxItems": st.integers(0, 3)}),
    st.just({"$ref": "#/$defs/day"}),
    st.just(True),
    st.just(False),
)
schemas = st.recursive(
    leaf_schemas,
    lambda inner: st.one_of(
        st.fixed_dictionaries({"anyOf": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"oneOf": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"allOf": st.lists(inner, min_size=1, max_size=2)}),
        st.fixed_dictionaries({"not": inner}),
        st.fixed_dictionaries({"items": inner}),
        st.fixed_dictionaries(
            {
                "properties": st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
                "required": st.lists(st.sampled_from(["a", "b"]), unique=True, max_size=2),
                "additionalProperties": st.booleans(),
            }
        ),
    ),
    max_leaves=6,
)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([1.0, 2.5, -0.5])
    | st.sampled_from(["", "a", "b", "12", "2026-01-05", "abcd", "aa", "a\n", "12\n", "٣٤"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=600, deadline=None)
@given(schema=schemas, value=values)
def test_what_the_generated_check_accepts_json_schema_accepts(schema: Any, value: Any) -> None:
    root = {
        "type": "object",
        "properties": {"x": schema},
        "$defs": {"day": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
    }
    try:
        text, names = reader_source(root, ())
    except Unsupported:  # oneOf, not: every case goes to the exact reader
        accepted = False
    else:
        exec(compile(text, "<test>", "exec"), names)
        accepted = names["_read"]({"x": value}) is not None
    valid = not list(case_validator(root).iter_errors({"x": value}))
    assert not accepted or valid
    if valid and schema is True:
        assert accepted


@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {"^a": {}}},
        {"type": "object", "properties": {"a": {"multipleOf": 2}}},
        {"$ref": "https://example.com/elsewhere.json"},
        {"enum": [1, 2]},
        {"additionalProperties": {"type": "string"}},
        {"not": {"type": "integer"}},  # 12.0: unsure, so not sure of the negation either
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
    ],
)
def test_a_keyword_it_does_not_translate_sends_every_case_to_the_exact_reader(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        reader_source(schema, (FactSpec("a", "string", (), None),))


def test_a_policy_whose_format_it_cannot_translate_is_read_exactly(policy: Policy) -> None:
    odd = policy._replace(case_schema={**policy.case_schema, "patternProperties": {"^x": {}}})
    assert reader(odd) is None
    raw = json.dumps(GOOD[0]).encode()
    assert outcome(odd, raw, True) == outcome(policy, raw, False)


def test_the_generated_reader_runs_without_builtins() -> None:
    text, names = reader_source({"type": "object"}, (FactSpec("a", "string", (), None),))
    assert names["__builtins__"] == {}
    assert "import" not in text and "open(" not in text


def test_the_generated_reader_is_made_once_per_policy(policy: Policy) -> None:
    assert reader(policy) is reader(policy) is not None


def test_a_fact_the_format_does_not_describe_is_read_as_the_exact_reader_reads_it() -> None:
    facts = (FactSpec("a.b", "date", (), "unknown"), FactSpec("c", "int", (), 7))
    text, names = reader_source({"type": "object"}, facts)
    exec(compile(text, "<r>", "exec"), names)
    read = names["_read"]
    facts_read, bits = read({"a": {"b": "2026-01-05"}})
    assert facts_read["a.b"].isoformat() == "2026-01-05" and bits == 0b01  # a.b given, c not
    assert read({"a": 5}) == ({"a.b": "unknown", "c": 7}, 0)
    assert read({"c": 3}) == ({"a.b": "unknown", "c": 3}, 0b10)
    for bad in ({"c": 2.0}, {"a": {"b": "2026-02-30"}}):  # the exact reader words these
        assert read(bad) is None


def test_a_top_level_field_is_read_by_code_compiled_when_a_case_first_has_it(policy: Policy) -> None:
    """The reader's text holds the short fields and a call for each long one (``customer``,
    ``shipment``...), whose code is compiled the first time a case has that field."""
    text, names = reader_source(policy.case_schema, fact_specs(policy))
    stubs = {name: names[name] for name in names if name.startswith("_s")}
    assert len(stubs) >= 5 and all(f"{name}(" in text for name in stubs)
    exec(compile(text, "<r>", "exec"), names)
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    got = names["_read"](case)
    compiled = {name for name, stub in stubs.items() if names[name] is not stub}
    assert got is not None and compiled and compiled != set(stubs)  # fault.json has no shipment
    assert all(names[name].__code__.co_filename == "<case reader>" for name in compiled)
    assert names["_read"](case) == got  # the code itself now
    read = reader(policy)
    assert read is not None and (made := read(case)) is not None and made.facts == got[0]


# Another format: the small peer decision's (flat, required fields, optional ones that may
# be null, days), read on both roads alike.


def _small_policy() -> Policy:
    from benchmarks.run import ROOT as BENCH_ROOT
    from policykit.policy.compiler import load_policy

    small, _ = load_policy(BENCH_ROOT / "benchmarks" / "peer" / "small_policy.yaml")
    return small


SMALL = _small_policy()
SMALL_FIELDS = [*SMALL.case_schema["properties"], "case_id", "ship_dat"]


SMALL_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from(SMALL_FIELDS), st.sampled_from(ODD_VALUES)),
        st.tuples(st.just("drop"), st.sampled_from(SMALL_FIELDS), st.none()),
    ),
    max_size=3,
)


def edited_small_case(seed: int, edits: list[tuple[str, str, Any]]) -> Any:
    """A case of the small format (seeded ``seed``) with ``edits`` made to it."""
    from benchmarks.run import small_cases

    data: Any = small_cases(1, seed)[0]
    for action, path, value in edits:
        (_put(data, path, value) if action == "put" else _drop(data, path))
    return data


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**16), edits=SMALL_EDITS)
def test_another_format_reads_the_same_on_both_roads(seed: int, edits: list[tuple[str, str, Any]]) -> None:
    data = edited_small_case(seed, edits)
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    loads(b"{}")  # not the process's first document: orjson's road
    _same(SMALL, raw)


def test_a_good_case_of_another_format_takes_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.run import small_cases

    monkeypatch.setattr(case_module, "read_case_exact", _never)
    for data in small_cases(50, 9):
        case = read_case(SMALL, data)
        assert case.given == frozenset(k for k, v in data.items() if v is not None)
        assert case.request_type == "" and case.case_id is None and case.notices == ()


def test_the_sets_of_facts_given_are_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykit.engine.case_reader import reader as reader_module

    monkeypatch.setattr(reader_module, "MAX_GIVEN_SETS", 3)
    sets = reader_module.GivenSets(("a", "b", "c"))
    made = [sets.make(bits) for bits in range(8)]
    assert made == [frozenset(n for i, n in enumerate("abc") if bits >> i & 1) for bits in range(8)]
    assert list(sets.memo) == [0, 1, 2]  # the first three kept; the others made anew each time
    assert sets.memo.get(1) is made[1]


def test_a_predicate_knows_nothing_of_its_callers_variables() -> None:
    """A predicate made while the code around it knew its own ``v`` to be a dict (an object
    test passed) tests its ``v`` afresh: a list where an object is required is refused, as
    JSON Schema refuses it (a review's counter-example; no contract makes such a format today)."""
    import jsonschema

    from policykit.engine.case_reader.generate import reader_source

    inner = {"type": "object", "required": ["a"], "items": {"type": "string"}}
    outer = {"type": "object", "required": ["y"], "properties": {"y": {"anyOf": [inner, {"type": "integer"}]}}}
    schema = {
        "type": "object",
        "properties": {"x": {"anyOf": [{**outer, "items": {"type": "string"}}, {"type": "null"}]}},
    }
    text, names = reader_source(schema, ())
    exec(compile(text, "<test reader>", "exec"), names)
    validator = jsonschema.Draft202012Validator(schema)
    for case in ({"x": {"y": ["a"]}}, {"x": {"y": {"a": 1}}}, {"x": {"y": 3}}, {"x": None}, {"x": {"y": "a"}}):
        assert (names["_read"](case) is not None) == validator.is_valid(case), case


@settings(max_examples=400, deadline=None)
@given(
    body=st.binary(max_size=12) | st.text(max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")),
    bom=st.booleans(),
)
def test_the_exact_parser_decodes_bytes_as_the_utf_8_sig_codec_does(body: bytes, bom: bool) -> None:
    """A byte order mark is dropped (and only at the start), and a byte that is not UTF-8 is
    named at the place the codec names it, though the codec is not imported."""
    raw = (b"\xef\xbb\xbf" if bom else b"") + b'"' + body + b'"'
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        with pytest.raises(CaseError) as refused:
            parse_json_exact(raw, "f")
        found = refused.value.diagnostics[0]
        after = raw[3:] if bom else raw
        assert (found.code, found.message) == (
            "encoding",
            f"not valid UTF-8 (byte {exc.start}: 0x{after[exc.start]:02x})",
        )
        before = after[: exc.start].decode("utf-8")  # placed as an editor places it: line and column
        assert (found.line, found.col) == (before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1)
        return
    try:
        want = json.loads(text)
    except ValueError:
        return  # decoded, but not JSON: the parser's business, not the decoding's
    if isinstance(want, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in want):
        return  # a lone surrogate: refused on its own grounds
    assert parse_json_exact(raw, "f") == want


@pytest.mark.parametrize(
    ("escape", "lone"),
    [("\\ud55c", False), ("\\uD7FF", False), ("\\ud83d\\ude00", False), ("\\ud800", True), ("\\uDFFF", True)],
)
def test_only_a_lone_surrogate_escape_is_refused(escape: str, lone: bool) -> None:
    """An escape of U+D000 to U+D7FF (Hangul...) or a pair is a character; ``\\ud800`` to
    ``\\udfff`` alone is not, wherever it is (a key, a value)."""
    for text in (f'{{"a": "x{escape}"}}', f'{{"k{escape}": 1}}'):
        if lone:
            with pytest.raises(CaseError, match="lone surrogate"):
                parse_json_exact(text, "c.json")
        else:
            assert parse_json_exact(text, "c.json") == json.loads(text)


@pytest.mark.parametrize(
    "text,where,says",
    [
        (
            '{"request": {"type": "fault",\n "date": "2026-02-10", "type": "x"}}',
            (2, 24, "request.type"),
            "duplicate key 'type'",
        ),
        ('{"request": {"type": "fault"},\n "sale": {"x": [1, NaN]}}', (2, 20, "sale.x[1]"), "NaN is not a number"),
        ('{"a": {"b": 1e999}}', (1, 13, "a.b"), "1e999 is too large a number"),
        ('[{"a": 1}, {"b": [2, {"c": -1e999}]}]', (1, 28, "[1].b[1].c"), "-1e999 is too large a number"),
        ('{"a\\"b": 1, "a\\"b": 2}', (1, 13, 'a"b'), "duplicate key 'a\"b'"),
        ("  \n NaN", (2, 2, ""), "NaN is not a number"),
    ],
)
def test_a_value_json_refuses_is_placed_where_it_stands(text: str, where: tuple[int, int, str], says: str) -> None:
    """A duplicate key, NaN or a number too large is named with its own line and column
    (the second of two keys alike: the key) and the path of its field, though the
    parser's hooks know no place of their own."""
    line, col, path = where
    with pytest.raises(CaseError) as caught:
        parse_json(text.encode(), "c.json")
    (diag,) = caught.value.diagnostics
    assert (diag.line, diag.col, diag.code, diag.path) == (line, col, "json", path)
    assert diag.message == says
