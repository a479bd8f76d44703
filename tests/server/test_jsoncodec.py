"""JSON for answers and the log: orjson's bytes where it works, any integer kept where not."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.server.jsoncodec import dumps, loads

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_what_is_written_reads_back_the_same(value: Any) -> None:
    assert loads(dumps(value)) == value
    assert loads(dumps(value).decode("utf-8")) == value


@given(json_values)
def test_the_bytes_are_orjsons_where_orjson_can_write_them(value: Any) -> None:
    try:
        expected = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return  # what orjson refuses (an integer past 64 bits) is pinned by the next test
    assert dumps(value) == expected


def test_an_integer_outside_64_bits_is_written_compact_and_read_as_an_integer() -> None:
    data = {"x": 10**30, "y": -(2**64), "名": "中文"}
    assert dumps(data) == '{"x":1000000000000000000000000000000,"y":-18446744073709551616,"名":"中文"}'.encode()
    assert loads(dumps(data)) == data and isinstance(loads(dumps(data))["x"], int)


def test_what_is_not_json_is_refused() -> None:
    with pytest.raises((TypeError, ValueError)):
        dumps({"x": object()})
