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

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

try:  # what collections.namedtuple makes each field with
    from _collections import _tuplegetter as _field  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - an interpreter without it: as collections does
    from operator import itemgetter

    def _field(index: int, doc: str) -> Any:
        return property(itemgetter(index), doc=doc)


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
        made: type = _named_tuple(name, tuple(annotations), tuple(defaults), module)
        made.__qualname__ = str(namespace.get("__qualname__", name))
        made.__annotations__ = dict(annotations)  # as written (strings), not evaluated
        for key, value in namespace.items():
            if key in _PROTECTED:
                raise AttributeError(f"cannot overwrite NamedTuple attribute {key}")
            if key not in _CLASS_ONLY and key not in annotations:
                setattr(made, key, value)
        return made


_Declared = type.__new__(_Maker, "NamedTuple", (), {})

_COPIED_VERSION = sys.version_info[:2] in ((3, 11), (3, 12))
"""Whether collections' named tuple class on this Python is the one :func:`_named_tuple` copies."""

# Python's keywords (``keyword.kwlist``) on the Pythons whose class is copied, 3.11 and 3.12
# alike (elsewhere collections makes the class and checks the names itself): ``keyword``,
# read from the standard library's folder, would cost a cold start some 0.1 ms for this
# one check (``tests/test_records.py`` holds the two alike)
_KEYWORDS = frozenset(
    [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
    ]
)


def _named_tuple(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...], module: str) -> type:
    """``collections.namedtuple(typename, fields, defaults=defaults, module=module)``: the
    same class, made without compiling its ``__new__`` (collections writes it as text and
    ``eval``s it, about half of the 0.1 ms a class costs, some 1 ms of a cold start): a
    constructor of as many fields is taken from :data:`_NEW` and given the field names
    (``tests/test_records.py`` holds the two alike, attribute by attribute).  Past that many
    fields, for a name collections refuses (its messages), and on a Python whose collections
    makes a class this does not copy (3.13 added ``__replace__``; checked on 3.11 and 3.12
    only), collections makes it."""
    template = _NEW[len(fields)] if 0 < len(fields) < len(_NEW) and _COPIED_VERSION else None
    if template is None or any(not f.isidentifier() or f.startswith("_") or f in _KEYWORDS for f in fields):
        return _collections_named_tuple()(typename, fields, defaults=defaults, module=module)  # (and its messages)
    if len(defaults) > len(fields):
        raise TypeError("Got more default values than field names")
    typename = sys.intern(typename)
    field_names = tuple(map(sys.intern, fields))
    num_fields = len(field_names)
    arg_list = ", ".join(field_names) + ("," if num_fields == 1 else "")
    field_defaults = dict(zip(field_names[num_fields - len(defaults) :], defaults, strict=True))
    repr_fmt = "(" + ", ".join(f"{name}=%r" for name in field_names) + ")"
    tuple_new = tuple.__new__
    _dict, _tuple, _len, _map, _zip = dict, tuple, len, map, zip

    code = template.__code__
    code = code.replace(co_varnames=("_cls", *field_names, *code.co_varnames[num_fields + 1 :]))
    namespace = {"_tuple_new": tuple_new, "__builtins__": {}, "__name__": f"namedtuple_{typename}"}
    __new__ = FunctionType(code, namespace, "__new__", defaults)
    __new__.__doc__ = f"Create new instance of {typename}({arg_list})"

    def _make(cls: Any, iterable: Any) -> Any:
        result = tuple_new(cls, iterable)
        if _len(result) != num_fields:
            raise TypeError(f"Expected {num_fields} arguments, got {len(result)}")
        return result

    _make.__doc__ = f"Make a new {typename} object from a sequence or iterable"

    def _replace(self: Any, /, **kwds: Any) -> Any:
        result = self._make(_map(kwds.pop, field_names, self))
        if kwds:
            raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
        return result

    _replace.__doc__ = f"Return a new {typename} object replacing specified fields with new values"

    def __repr__(self: Any) -> str:
        "Return a nicely formatted representation string"
        return str(self.__class__.__name__ + repr_fmt % self)

    def _asdict(self: Any) -> dict[str, Any]:
        "Return a new dict which maps field names to their values."
        return _dict(_zip(self._fields, self))

    def __getnewargs__(self: Any) -> tuple[Any, ...]:
        "Return self as a plain tuple.  Used by copy and pickle."
        return _tuple(self)

    for method in (__new__, _make, _replace, __repr__, _asdict, __getnewargs__):
        method.__qualname__ = f"{typename}.{method.__name__}"

    class_namespace: dict[str, Any] = {
        "__doc__": f"{typename}({arg_list})",
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__new__": __new__,
        "_make": classmethod(_make),
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
        "__match_args__": field_names,
    }
    for index, name in enumerate(field_names):
        class_namespace[name] = _field(index, sys.intern(f"Alias for field number {index}"))
    result = type(typename, (tuple,), class_namespace)
    result.__module__ = module
    return result


_tuple_new = tuple.__new__


def _collections_named_tuple() -> Callable[..., type]:
    """:func:`collections.namedtuple`, imported when first needed (a cold start has no other
    use for :mod:`collections`)."""
    from collections import namedtuple

    return namedtuple


if TYPE_CHECKING:
    from types import FunctionType
else:
    FunctionType = type(_named_tuple)  # types.FunctionType, as the types module takes it (without loading it)


# The constructors of named tuples of 1 to 16 fields, as collections writes them (its
# text, compiled with this module: never at run time), their fields renamed for each class.
_NEW: tuple[Callable[..., Any] | None, ...] = (
    None,
    lambda _cls, a: _tuple_new(_cls, (a,)),
    lambda _cls, a, b: _tuple_new(_cls, (a, b)),
    lambda _cls, a, b, c: _tuple_new(_cls, (a, b, c)),
    lambda _cls, a, b, c, d: _tuple_new(_cls, (a, b, c, d)),
    lambda _cls, a, b, c, d, e: _tuple_new(_cls, (a, b, c, d, e)),
    lambda _cls, a, b, c, d, e, f: _tuple_new(_cls, (a, b, c, d, e, f)),
    lambda _cls, a, b, c, d, e, f, g: _tuple_new(_cls, (a, b, c, d, e, f, g)),
    lambda _cls, a, b, c, d, e, f, g, h: _tuple_new(_cls, (a, b, c, d, e, f, g, h)),
    lambda _cls, a, b, c, d, e, f, g, h, i: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, m: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, m, n: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o: _tuple_new(_cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o)),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p: _tuple_new(
        _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p)
    ),
    lambda _cls, a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q: _tuple_new(
        _cls, (a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q)
    ),
)


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
