"""Immutable records that cost next to nothing to define at every start: :class:`Frozen`
and named tuples declared as classes, as ``typing.NamedTuple`` declares them, without
importing :mod:`typing` at run time (a cold start that decides one case has no other use
for it).

Write ``class Point(NamedTuple): x: int; y: int = 0`` (with methods, properties and class
methods, as usual) and import ``NamedTuple`` from :mod:`typing` under ``TYPE_CHECKING``,
from here otherwise: type checkers read the ``typing`` form; at run time the class is the
:func:`collections.namedtuple` that ``typing`` would make, with the same fields, defaults,
methods, module and name.  The field annotations are not evaluated (with ``from __future__
import annotations`` they are strings, each of which ``typing`` compiles).
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# what class syntax puts in a namespace that is no attribute to copy onto the named tuple
_CLASS_ONLY = frozenset(("__module__", "__qualname__", "__annotations__", "__orig_bases__"))
# what a class may not redefine, as ``typing.NamedTuple`` forbids it
_PROTECTED = frozenset(
    ("__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make", "_replace", "_asdict")
)


class _Maker(type):
    """Makes each class declared with ``NamedTuple`` as its base."""

    def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if bases != (_Declared,):
            raise TypeError("a NamedTuple class has NamedTuple as its only base")
        annotations = namespace.get("__annotations__") or {}
        assert isinstance(annotations, dict)
        defaults: list[object] = []
        for field in annotations:
            if field in namespace:
                defaults.append(namespace[field])
            elif defaults:
                raise TypeError(f"non-default namedtuple field {field} cannot follow default field")
        module = str(namespace["__module__"])
        made: type = namedtuple(name, list(annotations), defaults=defaults, module=module)  # type: ignore[misc]
        made.__qualname__ = str(namespace.get("__qualname__", name))
        made.__annotations__ = dict(annotations)  # as written (strings), not evaluated
        for key, value in namespace.items():
            if key in _PROTECTED:
                raise AttributeError(f"cannot overwrite NamedTuple attribute {key}")
            if key not in _CLASS_ONLY and key not in annotations:
                setattr(made, key, value)
        return made


_Declared = type.__new__(_Maker, "NamedTuple", (), {})


def NamedTuple(*args: object, **kwargs: object) -> type:
    """Only the class form is supported: ``class Name(NamedTuple): ...``."""
    raise TypeError("declare a named tuple as a class: class Name(NamedTuple): ...")


def _mro_entries(bases: tuple[object, ...]) -> tuple[type, ...]:
    return (_Declared,)


NamedTuple.__mro_entries__ = _mro_entries  # type: ignore[attr-defined]


class Frozen:
    """A record equal to one of its class with equal ``_COMPARED`` fields, hashed by them,
    shown by its ``_SHOWN`` fields and immutable, as a frozen dataclass would be (its class
    sets the fields in ``__init__``, through ``object.__setattr__`` or its ``__dict__``).
    What a subclass without ``__slots__`` works out once (``cached_property``) goes in its
    ``__dict__``.

    In place of the functions of :mod:`dataclasses` (which take dataclasses only), every
    record has the named tuple's: ``_fields`` (the class's fields, in the order
    ``__init__`` takes them, also its ``__match_args__``), ``_replace(**changes)`` (a
    changed copy, which works out anew what the record works out once; also
    ``copy.replace`` from Python 3.13) and ``_asdict()`` (the fields as a dict, not
    recursive)."""

    __slots__ = ()
    _FIELDS: tuple[str, ...] = ()
    _COMPARED: tuple[str, ...] = ()
    _SHOWN: tuple[str, ...] = ()
    _fields: tuple[str, ...] = ()
    __match_args__: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = cls._FIELDS
        if "__match_args__" not in cls.__dict__:
            cls.__match_args__ = cls._FIELDS  # type: ignore[misc]  # ``case Record(a, b)``, as a dataclass matches

    def _replace(self, **changes: Any) -> Any:
        unknown = set(changes) - set(self._FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{**{f: getattr(self, f) for f in self._FIELDS}, **changes})

    __replace__ = _replace  # copy.replace (Python 3.13)

    def _asdict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self._FIELDS}

    def _compared(self) -> tuple[Any, ...]:
        return tuple([getattr(self, f) for f in self._COMPARED])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._SHOWN)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple([getattr(self, f) for f in self._FIELDS]))  # made anew from its fields
