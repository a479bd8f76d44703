"""The light records: a ``NamedTuple`` class made without ``typing`` behaves as the
``typing`` one does, ``Frozen`` records as frozen dataclasses, and ``Diagnostic`` as the
frozen ordered dataclass it was (``severity`` aside)."""

from __future__ import annotations

import dataclasses
import pickle
import types
import typing
import weakref
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.errors import Diagnostic
from policykit.records import Frozen
from policykit.records import NamedTuple as LightNamedTuple


def _declare(base: Any) -> Any:
    class Point(base):  # type: ignore[misc]  # either base, as the test passes it
        """A point."""

        x: int
        y: tuple[int, ...] = ()
        label: str | None = None

        @property
        def size(self) -> int:
            return self.x + len(self.y)

        @classmethod
        def of(cls, x: int) -> Any:
            return cls(x, (x,))

        def shown(self) -> str:
            return f"{self.x}:{self.label}"

    return Point


TYPED, LIGHT = _declare(typing.NamedTuple), _declare(LightNamedTuple)
small = st.integers(-3, 3)
points = st.tuples(small, st.lists(small, max_size=3).map(tuple), st.sampled_from(["a", "b"]))


@given(points, points)
def test_a_light_named_tuple_behaves_as_the_typing_one(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
    for cls in (TYPED, LIGHT):
        assert cls.__name__ == "Point" and cls.__doc__ == "A point."
        assert cls._fields == ("x", "y", "label") and cls._field_defaults == {"y": (), "label": None}
    one, other = LIGHT(*a), LIGHT(*b)
    typed, typed_other = TYPED(*a), TYPED(*b)
    assert tuple(one) == tuple(typed) and repr(one) == repr(typed)
    assert (one == other) == (typed == typed_other) and (one < other) == (typed < typed_other)
    assert hash(one) == hash(typed)
    assert one.size == typed.size and one.shown() == typed.shown()
    assert LIGHT.of(a[0]) == TYPED.of(a[0]) and LIGHT(a[0]) == TYPED(a[0])
    assert one._replace(label="z") == typed._replace(label="z") and one._asdict() == typed._asdict()
    assert LIGHT.__qualname__ == TYPED.__qualname__ and LIGHT.__module__ == TYPED.__module__


def test_a_light_named_tuple_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="non-default"):

        class Bad(LightNamedTuple):  # type: ignore[misc,valid-type]  # the run-time form, which checkers never read
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="_replace"):

        class Worse(LightNamedTuple):  # type: ignore[misc,valid-type]  # the run-time form, which checkers never read
            a: int

            def _replace(self, **changes: Any) -> Any:
                return self

    with pytest.raises(TypeError):
        LightNamedTuple("Point", [("x", int)])  # the functional form is not offered


class _Pair(Frozen):
    _FIELDS = ("left", "right", "note")
    _COMPARED = ("left", "right")
    _SHOWN = ("left", "right")

    left: int
    right: int
    note: str

    def __init__(self, left: int, right: int, note: str = "") -> None:
        self.__dict__.update(left=left, right=right, note=note)


@dataclasses.dataclass(frozen=True)
class _DataPair:
    left: int
    right: int
    note: str = dataclasses.field(default="", compare=False, repr=False)


@given(small, small, small, small, st.sampled_from(["", "n"]))
def test_a_frozen_record_behaves_as_a_frozen_dataclass(a: int, b: int, c: int, d: int, note: str) -> None:
    one, other = _Pair(a, b, note), _Pair(c, d)
    data, data_other = _DataPair(a, b, note), _DataPair(c, d)
    assert (one == other) == (data == data_other)
    assert hash(one) == hash(data)
    assert repr(one).replace("_Pair", "_DataPair") == repr(data).rsplit(".", 1)[-1]
    assert one._replace(right=9) == _Pair(a, 9) and one._replace(right=9).note == note
    assert pickle.loads(pickle.dumps(one)) == one
    assert one != (a, b)
    with pytest.raises(AttributeError):
        one.left = 5  # refused: what the test checks
    with pytest.raises(TypeError, match="no field"):
        one._replace(middle=1)
    assert _Pair._fields == _Pair.__match_args__ == ("left", "right", "note")
    assert one._asdict() == {"left": a, "right": b, "note": note}
    match one:
        case _Pair(left, right):
            assert (left, right) == (a, b)
        case _:
            pytest.fail("not matched by position")


@dataclasses.dataclass(frozen=True, order=True)
class _DataDiagnostic:
    file: str
    line: int
    col: int
    code: str
    message: str
    path: str = ""
    severity: str = dataclasses.field(default="error", compare=False)


# a diagnostic's arguments, in order: file, line, col, code, message, path, severity
DiagnosticArgs = tuple[str, int, int, str, str, str, str]

diagnostics = st.tuples(
    st.sampled_from(["a.yaml", "b.json"]),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["x", "y"]),
    st.sampled_from(["m", "n"]),
    st.sampled_from(["", "$.a"]),
    st.sampled_from(["error", "warning"]),
)


@given(diagnostics, diagnostics)
def test_a_diagnostic_compares_as_the_ordered_dataclass_it_was(a: DiagnosticArgs, b: DiagnosticArgs) -> None:
    one, other = Diagnostic(*a), Diagnostic(*b)
    data, data_other = _DataDiagnostic(*a), _DataDiagnostic(*b)
    assert (one == other) == (data == data_other) and hash(one) == hash(data)
    assert (one < other, one <= other, one > other, one >= other) == (
        data < data_other,
        data <= data_other,
        data > data_other,
        data >= data_other,
    )
    assert repr(one) == repr(data).replace("_DataDiagnostic", "Diagnostic")
    assert pickle.loads(pickle.dumps(one)) == one and pickle.loads(pickle.dumps(one)).severity == one.severity
    assert one.replace(message="z") == one._replace(message="z") == Diagnostic(*a[:4], "z", *a[5:])
    assert one._asdict() == dataclasses.asdict(data) and Diagnostic._fields == data.__match_args__
    assert Diagnostic.__match_args__ == data.__match_args__
    match one:
        case Diagnostic(file, line, col, code, message):
            assert (file, line, col, code, message) == a[:5]
        case _:
            pytest.fail("not matched by position")
    assert weakref.ref(one)() is one
    with pytest.raises(AttributeError):
        one.code = "other"  # refused: what the test checks


def _both_made(fields: tuple[str, ...], defaults: tuple[Any, ...]) -> tuple[Any, Any]:
    """A class of ``fields`` made by collections and the same declared light (as a class)."""
    import collections

    made = collections.namedtuple("Rec", fields, defaults=defaults, module=__name__)  # type: ignore[misc]
    body = {"__annotations__": dict.fromkeys(fields, "int"), "__module__": __name__, "__qualname__": "Rec"}
    body.update(zip(fields[len(fields) - len(defaults) :], defaults, strict=True))
    light = types.new_class("Rec", (LightNamedTuple,), {}, lambda namespace: namespace.update(body))
    return made, light


@pytest.mark.parametrize("count", range(1, 19))  # up to 16 from templates, then collections' own
@pytest.mark.parametrize("defaulted", [0, 1, "all"])
def test_a_light_named_tuple_is_the_class_collections_makes(count: int, defaulted: int | str) -> None:
    fields = tuple(f"f{i}" for i in range(count))
    defaults = tuple(range(100, 100 + (count if defaulted == "all" else int(defaulted))))
    made, light = _both_made(fields, defaults)
    assert set(vars(light)) - {"__annotations__"} == set(vars(made))  # nothing added or missed (3.13: __replace__)
    for attribute in ("_fields", "_field_defaults", "__doc__", "__match_args__", "__slots__", "__module__"):
        assert getattr(light, attribute) == getattr(made, attribute), attribute
    for name in ("__new__", "_make", "_replace", "__repr__", "_asdict", "__getnewargs__"):
        ours, theirs = getattr(light, name), getattr(made, name)
        assert (ours.__name__, ours.__qualname__, ours.__doc__) == (
            theirs.__name__,
            theirs.__qualname__,
            theirs.__doc__,
        )
        assert _parameters(ours) == _parameters(theirs), name  # (ours are annotated)
    assert light.__new__.__defaults__ == made.__new__.__defaults__
    assert light.__new__.__module__ == made.__new__.__module__
    assert [getattr(light, f).__doc__ for f in fields] == [getattr(made, f).__doc__ for f in fields]
    values = tuple(range(count))
    ours, theirs = light(*values), made(*values)
    assert tuple(ours) == tuple(theirs) and repr(ours) == repr(theirs) and ours._asdict() == theirs._asdict()
    assert [getattr(ours, f) for f in fields] == list(values)
    assert tuple(ours._replace(f0=-1)) == tuple(theirs._replace(f0=-1))
    assert tuple(light(**dict(zip(fields, values, strict=True)))) == values  # by keyword
    assert ours.__getnewargs__() == theirs.__getnewargs__() and copy_of(ours) == ours
    for call in (
        lambda cls: cls(),  # too few
        lambda cls: cls(*values, 1),  # too many
        lambda cls: cls(*values, f0=1),  # twice
        lambda cls: cls._make(values[:-1]),
        lambda cls: cls(*values)._replace(nope=1),
        lambda cls: setattr(cls(*values), "f0", 1),
    ):
        assert _outcome(call, light) == _outcome(call, made)


def _outcome(call: Any, cls: Any) -> Any:
    """What ``call(cls)`` gives, or the class and message of what it raises."""
    try:
        return "ok", tuple(call(cls) or ())
    except (TypeError, ValueError, AttributeError) as exc:
        return type(exc), str(exc)


def _parameters(function: Any) -> list[tuple[str, Any, Any]]:
    import inspect

    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def copy_of(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)


def test_the_package_records_pickle_and_compare_as_named_tuples() -> None:
    from policykit.engine.case_reader.model import Case
    from policykit.engine.record import Notice, Reason
    from policykit.policy.model import Text

    text = Text((("zh", "{x}"), ("en", "{x}")))
    for record in (Notice("k", (("a", "b"),)), Reason(text, (("x", 1),)), Case(None, "fault", {}, (), {})):
        again = pickle.loads(pickle.dumps(record))
        assert again == record and type(again) is type(record) and again._fields == record._fields
        assert record._replace() == record and isinstance(record, tuple)


def test_the_keywords_are_pythons() -> None:
    """The keywords a field may not be (records.py keeps them, without importing keyword)
    are this Python's, where its class is copied."""
    import keyword

    from policykit import records

    if records._COPIED_VERSION:
        assert frozenset(keyword.kwlist) == records._KEYWORDS


def test_a_keyword_field_is_refused_as_collections_refuses_it() -> None:
    body = {"__annotations__": {"x": "int", "class": "int"}, "__module__": __name__, "__qualname__": "Rec"}
    with pytest.raises(ValueError, match="cannot be a keyword: 'class'"):
        types.new_class("Rec", (LightNamedTuple,), {}, lambda namespace: namespace.update(body))


def test_only_a_python_whose_class_is_copied_takes_the_light_road(monkeypatch: pytest.MonkeyPatch) -> None:
    """Elsewhere (3.13 added ``__replace__`` to collections' class) collections makes it."""
    import collections

    from policykit import records

    made: list[str] = []
    real = collections.namedtuple

    def spy(typename: str, *args: Any, **kwargs: Any) -> Any:
        made.append(typename)
        return real(typename, *args, **kwargs)

    monkeypatch.setattr(records, "_collections_named_tuple", lambda: spy)
    monkeypatch.setattr(records, "_COPIED_VERSION", False)
    assert records._named_tuple("Rec", ("a", "b"), (), __name__)(1, 2) == (1, 2) and made == ["Rec"]
    monkeypatch.setattr(records, "_COPIED_VERSION", True)
    assert records._named_tuple("Other", ("a", "b"), (), __name__)(1, 2) == (1, 2) and made == ["Rec"]
