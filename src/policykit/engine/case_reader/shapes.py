"""What a case format surely says of a field's value, as the reader generator asks it:
that null passes, that null fails, that a text passing it has the form of a day.  Each
answers yes only where that is sure; "no" may also mean "not sure", and the generated
code then checks the value as it would any other.

``parts`` turns a schema into the schemas that must all hold (itself and what its
``$ref`` names), as :class:`Refs` resolves them.  Here too: the keywords the readers
translate (the generated one, :mod:`~policykit.engine.case_reader.generate`, and the walk
that stands for it, :mod:`~policykit.engine.case_reader.walk`) and what they refuse.
"""

from __future__ import annotations

from policykit.lang.values import finite
from policykit.policy.fixed_width import DATE_PATTERN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Parts = Callable[[Any], list[Any]]
else:
    Any = object  # in the type alias only, which nothing reads at run time


MAX_DEPTH = 64
"""How deep the readers follow a format (deeper: :class:`Unsupported`)."""
_MAX_DEPTH = MAX_DEPTH
_NULL = {"type": "null"}


class Unsupported(Exception):
    """A part of the case format the readers do not translate (the exact reader reads it)."""


ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "format",  # an annotation in 2020-12 unless a format checker is asked for: none is
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
"""Keywords that check nothing."""
CHECKS = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    }
)
"""Keywords that check the value itself (a value of a class JSON does not make: not sure)."""
HANDLED = CHECKS | {"$ref", "anyOf", "allOf", "oneOf", "not"}
"""Every keyword the readers translate (``oneOf`` and ``not`` by refusing the format)."""


def limit(value: Any) -> Any:
    """A bound of ``minimum``...: a finite number (else :class:`Unsupported`)."""
    if value.__class__ not in (int, float) or not finite(value):
        raise Unsupported(f"a limit of {value!r}")
    return value


def count(value: Any) -> int:
    """A bound of ``minItems``...: a whole number, not negative (else :class:`Unsupported`)."""
    if value.__class__ is not int or value < 0:
        raise Unsupported(f"a count of {value!r}")
    return int(value)


class Refs:
    """The schemas a schema of the format ``root`` stands for: :meth:`parts`, a :data:`Parts`."""

    __slots__ = ("root",)

    def __init__(self, root: Any) -> None:
        self.root = root

    def resolve(self, ref: Any) -> Any:
        """A local ``$ref`` (``#/$defs/date``)."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise Unsupported(f"the reference {ref!r}")
        node = self.root
        for token in [t for t in ref[1:].split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or token not in node:
                raise Unsupported(f"the reference {ref!r}")
            node = node[token]
        return node

    def parts(self, schema: Any) -> list[Any]:
        """``schema`` as the schemas that must all hold: itself and what its ``$ref`` names."""
        if schema is True:
            return []
        if schema is False:
            return [False]
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object")
        out: list[Any] = [schema]
        if "$ref" in schema:
            out.extend(self.parts(self.resolve(schema["$ref"])))
        return out


def _types(p: dict[str, Any]) -> list[Any] | None:
    """The types a schema object names (None: it names none, or not as a text or list)."""
    if "type" not in p:
        return None
    named = p["type"]
    return [named] if isinstance(named, str) else named if isinstance(named, list) else None


def accepts_null(schema: Any, parts: Parts, depth: int = 0) -> bool:
    """Whether null surely passes ``schema``."""
    if depth > _MAX_DEPTH:
        return False
    return all(p is not False and _part_accepts_null(p, parts, depth + 1) for p in parts(schema))


def _part_accepts_null(p: dict[str, Any], parts: Parts, depth: int) -> bool:
    if "oneOf" in p or "not" in p or ("type" in p and "null" not in (_types(p) or ())):
        return False
    if "enum" in p and (not isinstance(p["enum"], list) or None not in p["enum"]):
        return False
    if "const" in p and p["const"] is not None:
        return False
    any_of, all_of = p.get("anyOf", [None]), p.get("allOf", [])
    if not isinstance(any_of, list) or not isinstance(all_of, list):
        return False
    if "anyOf" in p and not any(accepts_null(s, parts, depth) for s in any_of):
        return False
    return all(accepts_null(s, parts, depth) for s in all_of)


def rejects_null(schema: Any, parts: Parts) -> bool:
    """Whether null surely fails ``schema`` (a part of it names types without null, or
    values without it): the generated checks then refuse null themselves."""
    for p in parts(schema):
        if p is False:
            return True
        types = _types(p)
        if types is not None and types and "null" not in types:
            return True
        if isinstance(p.get("enum"), list) and None not in p["enum"]:
            return True
        if "const" in p and p["const"] is not None:
            return True
    return False


def day_form(schema: Any, parts: Parts, depth: int = 0) -> bool:
    """Whether every value ``schema`` accepts, null aside, is a text its own ``pattern``
    holds to the form of a day, ``YYYY-MM-DD`` in ASCII digits (the generated check
    matches an anchored pattern whole: no final newline passes).  Such a text is a day
    exactly where ``date.fromisoformat`` reads it as one, as
    :func:`~policykit.lang.dates.parse_date` would."""
    if depth > _MAX_DEPTH:
        return False
    for p in parts(schema):
        if p is False:
            return False
        if p.get("type") == "string" and p.get("pattern") == DATE_PATTERN:
            return True
        branches = p.get("anyOf")
        if (
            isinstance(branches, list)
            and any(s != _NULL for s in branches)
            and all(s == _NULL or day_form(s, parts, depth + 1) for s in branches)
        ):
            return True
    return False
