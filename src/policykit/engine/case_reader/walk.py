"""The generated reader's logic run from the case format as data: a case read in one walk
over the format, without generating or compiling any code.

A process that reads one case (a cold ``policykit evaluate FILE``) would spend more on
generating and compiling the reader (:mod:`~policykit.engine.case_reader.generate`, about
3 ms) than on reading the case with it; :class:`Walker` does what that code does, keyword by
keyword, in the same order: the same checks (sound, not complete: where in doubt it says
None, and the exact reader decides and words the problems), the same facts bound, typed
the same way, the same bits of the facts given.  A keyword the generator does not
translate gives None where the case reaches it (the generator refuses the whole format,
so every case goes to the exact reader: the same results, since it is the reference).
``tests/engine/test_case_reader_walk.py`` holds the two to the same answer.
"""

from __future__ import annotations

from _operator import ge, gt, le, lt  # (what operator re-exports, without loading it)

from policykit.engine.case_reader.runtime import ABSENT, JSON_CLASSES, list_reader, whole
from policykit.engine.case_reader.shapes import (
    ANNOTATIONS,
    CHECKS,
    HANDLED,
    MAX_DEPTH,
    Refs,
    Unsupported,
    accepts_null,
    count,
    day_form,
    limit,
    rejects_null,
)
from policykit.lang.dates import date, parse_date
from policykit.policy.pattern_match import re2_problem, searcher

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from policykit.engine.case_reader.model import FactSpec

__all__ = ["Unsupported", "Walker"]

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
    "string": lambda v: v.__class__ is str,
    "integer": lambda v: v.__class__ is int,  # 12.0: the exact reader words it
    "number": lambda v: v.__class__ is int or v.__class__ is float,
    "boolean": lambda v: v.__class__ is bool,
    "null": lambda v: v is None,
}
_NULL = {"type": "null"}
_OUT_OF = {"minimum": lt, "maximum": gt, "exclusiveMinimum": le, "exclusiveMaximum": ge}  # a number out of bounds


class Walker(Refs):
    """Reads cases under one case format and its facts: ``walker(d) -> (facts, bits)``, or
    None where the case is not plainly good (anything raised included)."""

    __slots__ = ("_bound", "_facts", "_lists", "_missing", "_searchers", "_specs")

    def __init__(self, root: Any, facts: tuple[FactSpec, ...]) -> None:
        super().__init__(root)
        self._specs = facts
        self._facts = {tuple(f.name.split(".")): i for i, f in enumerate(facts)}
        self._missing = {f.name: f.missing for f in facts}
        self._searchers: dict[str, Callable[[str], Any]] = {}
        self._lists: dict[int, Callable[[Any], Any]] = {}
        self._bound: frozenset[int] | None = None  # the facts the format describes, found on first use

    def __call__(self, d: Any) -> tuple[dict[str, Any], int] | None:
        if d.__class__ is not dict:
            return None
        try:
            found = _Case(self, self._missing.copy())
            if not found.valid(self.root, d, (), 0):
                return None
            bound = self._bound
            if bound is None:
                bound = self._bound = frozenset(self._described(self.root, (), 0))
            for i, fact in enumerate(self._specs):
                if i not in bound:  # read as the exact reader reads it
                    parts = fact.name.split(".")
                    x = d.get(parts[0])
                    for part in parts[1:]:
                        x = x.get(part) if x.__class__ is dict else None
                    found.bind(i, x, False, False)
            return found.facts, found.bits
        except Exception:
            return None

    def _described(self, schema: Any, path: tuple[str, ...], depth: int) -> set[int]:
        """The facts a field of the format binds (through properties, ``allOf`` and ``$ref``
        from the case itself), whether or not a case has them: the others are read apart."""
        if depth > MAX_DEPTH:
            raise Unsupported("a case format nested too deeply")
        found: set[int] = set()
        for p in self.parts(schema):
            if p is False:
                continue
            props = p.get("properties", {})
            for name, sub in props.items() if isinstance(props, dict) else ():
                where = (*path, name)
                fact = self._facts.get(where)
                if fact is not None:
                    found.add(fact)
                found |= self._described(sub, where, depth + 1)
            for sub in p.get("allOf", ()) if isinstance(p.get("allOf"), list) else ():
                found |= self._described(sub, path, depth + 1)
        return found

    def search(self, pattern: Any) -> Callable[[str], Any]:
        found = self._searchers.get(pattern) if isinstance(pattern, str) else None
        if found is None:
            if not isinstance(pattern, str) or re2_problem(pattern):
                raise Unsupported(f"the pattern {pattern!r}")
            found = self._searchers[pattern] = searcher(pattern)
        return found

    def typed(self, i: int, x: Any, day: bool) -> Any:
        """The value ``x`` as a value of fact ``i``'s kind."""
        fact = self._specs[i]
        if fact.kind == "date":
            return date.fromisoformat(x) if day else parse_date(x)
        if fact.kind == "int":
            return x if x.__class__ is not float else whole(x)
        if fact.kind == "list":
            read = self._lists.get(i)
            if read is None:
                read = self._lists[i] = list_reader({str(k): str(v) for k, v in fact.item})
            return read(x)
        return x


class _Case:
    """One case being walked: the facts bound so far and their bits."""

    __slots__ = ("bits", "facts", "walker")

    def __init__(self, walker: Walker, facts: dict[str, Any]) -> None:
        self.walker, self.facts, self.bits = walker, facts, 0

    def bind(self, i: int, x: Any, sure: bool, day: bool) -> None:
        """Take ``x`` as fact ``i``: given unless null (``sure``: null is refused before)."""
        if sure or x is not None:
            self.bits |= 1 << i
            self.facts[self.walker._specs[i].name] = self.walker.typed(i, x, day)

    def valid(self, schema: Any, v: Any, path: tuple[str, ...] | None, depth: int) -> bool:
        """Whether ``v`` is valid under ``schema`` (where ``path`` is given: binding the facts
        met on the way)."""
        if depth > MAX_DEPTH:
            raise Unsupported("a case format nested too deeply")
        parts = self.walker.parts(schema)
        typed = any(p is not False and ("type" in p or "enum" in p or "const" in p) for p in parts)
        if not typed and v.__class__ not in JSON_CLASSES and any(p is not False and CHECKS & set(p) for p in parts):
            return False  # a subclass: the exact reader
        for p in parts:
            if p is False:
                return False
            unknown = set(p) - HANDLED - ANNOTATIONS
            if unknown:
                raise Unsupported(f"the keyword {sorted(unknown)[0]}")
            if not self._part(p, v, path, depth):
                return False
        return True

    def _part(self, p: dict[str, Any], v: Any, path: tuple[str, ...] | None, depth: int) -> bool:
        if "type" in p:
            types = [p["type"]] if isinstance(p["type"], str) else p["type"]
            if not isinstance(types, list) or not types or any(t not in _TYPES for t in types):
                raise Unsupported(f"the type {p['type']!r}")
            if not any(_TYPES[t](v) for t in types):
                return False
        for key in ("enum", "const"):
            if key in p:
                values = p[key] if key == "enum" else [p[key]]
                if not isinstance(values, list) or any(x is not None and x.__class__ is not str for x in values):
                    raise Unsupported(f"{key} of values other than texts and null")
                if not ((v.__class__ is str and v in values) or (v is None and None in values)):
                    return False
        return (
            self._string(p, v)
            and self._number(p, v)
            and self._array(p, v, depth)
            and self._object(p, v, path, depth)
            and self._combined(p, v, path, depth)
        )

    def _string(self, p: dict[str, Any], v: Any) -> bool:
        limits = [key in p for key in ("maxLength", "minLength", "pattern")]
        if not any(limits):
            return True
        high = count(p["maxLength"]) if limits[0] else None
        low = count(p["minLength"]) if limits[1] else None
        search = self.walker.search(p["pattern"]) if limits[2] else None
        if v.__class__ is not str:
            return True
        return not (
            (high is not None and len(v) > high)
            or (low is not None and len(v) < low)
            or (search is not None and search(v) is None)
        )

    def _number(self, p: dict[str, Any], v: Any) -> bool:
        bounds = [(out, limit(p[key])) for key, out in _OUT_OF.items() if key in p]
        if not bounds or not (v.__class__ is int or v.__class__ is float):
            return True
        return not any(out(v, bound) for out, bound in bounds)

    def _array(self, p: dict[str, Any], v: Any, depth: int) -> bool:
        high = count(p["maxItems"]) if "maxItems" in p else None
        low = count(p["minItems"]) if "minItems" in p else None
        if "items" in p and not isinstance(p["items"], (dict, bool)):
            raise Unsupported("items given as a list")
        if v.__class__ is not list:
            return True
        if (high is not None and len(v) > high) or (low is not None and len(v) < low):
            return False
        if "items" in p:
            return all(self.valid(p["items"], item, None, depth + 1) for item in v)
        return True

    def _object(self, p: dict[str, Any], v: Any, path: tuple[str, ...] | None, depth: int) -> bool:
        props = p.get("properties", {})
        required = p.get("required", [])
        extra = p.get("additionalProperties", True)
        if not isinstance(props, dict) or not isinstance(required, list) or not isinstance(extra, bool):
            raise Unsupported("properties, required or additionalProperties of an unusual form")
        if any(not isinstance(k, str) for k in required):
            raise Unsupported("a required name that is not a text")
        if v.__class__ is not dict:
            return True
        if any(k not in v for k in required):
            return False
        if extra is False and not set(props).issuperset(v):
            return False
        parts = self.walker.parts
        for name, sub in props.items():
            if name in required:
                x, seen = v[name], False
            elif accepts_null(sub, parts):  # absent and null alike leave its fact unknown
                x = v.get(name)
                if x is None:
                    continue
                seen = True
            else:
                x = v.get(name, ABSENT)
                if x is ABSENT:
                    continue
                seen = False
            where = None if path is None else (*path, name)
            if not self.valid(sub, x, where, depth + 1):
                return False
            fact = None if where is None else self.walker._facts.get(where)
            if fact is not None:
                self.bind(fact, x, seen or rejects_null(sub, parts), day_form(sub, parts))
        return True

    def _combined(self, p: dict[str, Any], v: Any, path: tuple[str, ...] | None, depth: int) -> bool:
        for key in ("anyOf", "allOf", "oneOf"):
            if key in p and (not isinstance(p[key], list) or not p[key]):
                raise Unsupported(f"{key} that is not a list")
        if "oneOf" in p or "not" in p:
            raise Unsupported("oneOf and not")  # as the generator: a count or a negation is unsound
        for sub in p.get("allOf", ()):
            if not self.valid(sub, v, path, depth + 1):
                return False
        if "anyOf" in p:
            branches = p["anyOf"]
            if not (
                (_NULL in branches and v is None)
                or any(self.valid(s, v, None, depth + 1) for s in branches if s != _NULL)
            ):
                return False
        return True
