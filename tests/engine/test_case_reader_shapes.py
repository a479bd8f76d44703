"""What the reader generator assumes of a field's format (``engine/case_reader/shapes.py``)
holds for every format: where it says null passes, JSON Schema lets null pass; where it
says null fails, JSON Schema refuses it; where it says a field holds the form of a day,
every text the generated check passes is ``YYYY-MM-DD`` in ASCII digits, and read as a day
it is the day :func:`~policykit.lang.dates.parse_date` reads."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case_reader.generate import FactSpec, Unsupported, _Source, reader_source
from policykit.engine.case_reader.shapes import accepts_null, day_form, rejects_null
from policykit.engine.case_schema import case_validator
from policykit.lang.dates import parse_date
from policykit.policy.contract_schema import DATE_PATTERN

from .test_case_reader import schemas, values

DAY = {"type": "string", "pattern": DATE_PATTERN}
ROOT: dict[str, Any] = {"$defs": {"day": DAY}}
days = st.sampled_from(["2026-01-05", "2026-02-30", "2026-01-05\n", "0000-01-01", "٢٠٢٦-٠١-٠١", "20260105"])
day_schemas = st.one_of(
    schemas,
    st.just({"$ref": "#/$defs/day"}),
    st.just({"anyOf": [{"$ref": "#/$defs/day"}, {"type": "null"}]}),
    st.just({**DAY, "maxLength": 3}),
)


def _valid(schema: Any, value: Any) -> bool:
    return not list(case_validator({**ROOT, "properties": {"x": schema}}).iter_errors({"x": value}))


@settings(max_examples=500, deadline=None)
@given(schema=day_schemas)
def test_what_it_says_of_null_json_schema_says(schema: Any) -> None:
    parts = _Source({**ROOT, "properties": {"x": schema}}, ()).parts
    try:
        nullable, refused = accepts_null(schema, parts), rejects_null(schema, parts)
    except Unsupported:
        return
    assert not (nullable and refused)
    if nullable:
        assert _valid(schema, None)
    if refused:
        assert not _valid(schema, None)


@settings(max_examples=500, deadline=None)
@given(schema=day_schemas, value=st.one_of(values, days))
def test_a_field_holding_the_form_of_a_day_is_read_as_parse_date_reads_it(schema: Any, value: Any) -> None:
    root = {**ROOT, "type": "object", "properties": {"x": schema}}
    try:
        sure = day_form(schema, _Source(root, ()).parts)
        text, names = reader_source(root, (FactSpec("x", "date", (), "unknown"),))
    except Unsupported:
        return
    exec(compile(text, "<test>", "exec"), names)
    got = names["_read"]({"x": value})
    if got is None or value is None:
        return
    assert _valid(schema, value)
    assert got[0]["x"] == parse_date(value) and got[0]["x"].__class__ is date
    if sure:
        assert re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value)


def test_the_form_of_a_day_is_seen_through_references_and_a_null_alternative() -> None:
    parts = _Source(ROOT, ()).parts
    assert day_form({"$ref": "#/$defs/day"}, parts)
    assert day_form({"anyOf": [{"$ref": "#/$defs/day"}, {"type": "null"}]}, parts)
    assert not day_form({"anyOf": [{"$ref": "#/$defs/day"}, {"type": "integer"}]}, parts)
    assert not day_form({"type": "string", "pattern": "^[0-9]{4}"}, parts)
    assert not day_form({"type": "null"}, parts)


def test_a_limit_is_any_finite_number_a_whole_one_of_any_size_too() -> None:
    """(math.isfinite raised OverflowError on an integer past the largest float: such a
    limit is a number JSON Schema compares exactly, and the reader takes it.)"""
    import pytest

    from policykit.engine.case_reader.shapes import Unsupported, limit

    assert limit(10**400) == 10**400 and limit(-2.5) == -2.5
    for bad in (float("inf"), float("-inf"), float("nan"), True, "1"):
        with pytest.raises(Unsupported):
            limit(bad)
