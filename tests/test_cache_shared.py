"""The compile cache writes an entry with equal strings and tuples made one object
(:func:`policykit.policy.cache.shared`): read back, it is the data written, type for type."""

from __future__ import annotations

import marshal
import struct
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from policykit.policy.cache import shared

from .strategies import nested

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, float("nan"), -float("nan")]),
    st.text(max_size=3),
    st.binary(max_size=2),
)
_DATA = nested(
    _SCALARS,
    st.text(max_size=3),
    30,
    4,
    st.frozensets(st.one_of(st.integers(0, 2), st.booleans(), st.text(max_size=2)), max_size=3),
)


def _typed(value: Any) -> Any:
    """``value`` with the type of each part written beside it, floats by their bits: equal
    only where the data is the same, type for type."""
    kind = value.__class__
    if kind is float:
        return ("float", struct.pack("<d", value))  # its bits: a NaN's sign too
    if kind in (list, tuple):
        return (kind.__name__, [_typed(x) for x in value])
    if kind is dict:
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if kind is frozenset:
        return ("frozenset", sorted(repr(_typed(x)) for x in value))
    return (kind.__name__, value)


@given(_DATA)
def test_what_is_read_back_is_what_was_written(value: Any) -> None:
    back = marshal.loads(marshal.dumps(shared(value)))
    assert _typed(back) == _typed(value)


def test_equal_strings_and_tuples_become_one_object_and_nothing_else_does() -> None:
    a, b = "clause", "".join(["cla", "use"])
    assert a is not b
    made = shared({"x": [a, (1, a)], "y": [b, (1, b)], "z": [(True, b)], "f": [(0.0,), (-0.0,)], "l": [[1], [1]]})
    assert made["x"][0] is made["y"][0]
    assert made["x"][1] is made["y"][1]
    assert made["z"][0] is not made["x"][1]  # (True, ...) is not (1, ...)
    assert made["f"][0] is not made["f"][1]
    nans = marshal.loads(marshal.dumps(shared([(float("nan"),), (-float("nan"),)])))
    assert [struct.pack("<d", t[0])[-1] >> 7 for t in nans] == [0, 1]  # each NaN's sign kept
    assert made["l"][0] is not made["l"][1]  # lists are never shared
    back = marshal.loads(marshal.dumps(made))
    assert back["x"][1] is back["y"][1]  # marshal kept them one object
    many = ["".join(["a long ", "clause text"]) for _ in range(50)]  # equal, each its own object
    assert len(marshal.dumps(shared(many))) < len(marshal.dumps(many)) / 3  # a reference is 5 bytes
