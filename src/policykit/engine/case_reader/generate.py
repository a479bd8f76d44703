"""The source of a case reader: one function ``_read(d)`` generated from the case format
(a JSON Schema, draft 2020-12) and the facts of a policy.

``_read`` checks the parsed case against every keyword of the format and binds each fact
on the way (a field the format describes is read where it is checked), then types and
defaults the facts: ``(facts, given)``, or None where the case is not plainly good.  It
never says why: the exact reader does (:mod:`policykit.engine.case`).  It is sound, not
complete: whatever it accepts the JSON Schema accepts and the exact reader reads to the
same facts; where in doubt (a value of an unusual class, a float where a whole number is
expected, an unknown field) it says None, which only costs time.

A long field of the case's top level (``customer``, ``shipment``...) is read by a function
of its own, ``_sN``, whose text is compiled on its first call: one case (a cold
``policykit evaluate FILE``) compiles only the parts of the format it has, for the cost of
a call per such field in every case (well under a microsecond).

The text holds no value of the policy: keys and small numbers only; sets, patterns,
defaults and helpers are globals named ``_cN``.  A keyword it does not translate raises
:class:`Unsupported` at generation time, and every case then takes the exact reader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from policykit.lang.dates import parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple


class Unsupported(Exception):
    """A part of the case format the generator does not translate."""


class FactSpec(NamedTuple):
    """How one fact is read: its dotted name, kind, item kinds (a list's) and its value when
    the case does not give it (the default, or unknown)."""

    name: str
    kind: str
    item: tuple[tuple[str, str], ...]
    missing: Any


ABSENT = object()
"""What ``dict.get`` gives for a key the case does not have (null is not absent)."""

_ANNOTATIONS = frozenset(
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
_HANDLED = frozenset(
    {
        "$ref",
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
        "anyOf",
        "allOf",
        "oneOf",
        "not",
    }
)
_TYPE_TEST = {
    "object": "{v}.__class__ is dict",
    "array": "{v}.__class__ is list",
    "string": "{v}.__class__ is str",
    "integer": "{v}.__class__ is int",  # 12.0 is an integer to JSON Schema: the exact reader words it
    "number": "({v}.__class__ is int or {v}.__class__ is float)",
    "boolean": "{v}.__class__ is bool",
    "null": "{v} is None",
}
_STRING_KEYS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYS = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}
_MAX_DEPTH = 64
_INLINE_LINES = 8  # a top-level field read in no more lines than this is read inline, not by a function


def _number(value: Any) -> str:
    if value.__class__ not in (int, float) or not math.isfinite(value):
        raise Unsupported(f"a limit of {value!r}")
    return repr(value)


def _count(value: Any) -> int:
    if value.__class__ is not int or value < 0:
        raise Unsupported(f"a count of {value!r}")
    return int(value)


class _Source:
    """The functions being written and the globals they name."""

    def __init__(self, root: Any, facts: tuple[FactSpec, ...]) -> None:
        self.root = root
        self.names: dict[str, Any] = {}
        self.functions: list[str] = []
        self.sections: dict[str, str] = {}  # name -> the text of a top-level field's reader
        self.count = 0
        self.depth = 0
        self.facts = {tuple(f.name.split(".")): i for i, f in enumerate(facts)}
        self.fact_list = facts
        self.bound: set[int] = set()

    def const(self, obj: Any) -> str:
        key = f"_c{len(self.names)}"
        self.names[key] = obj
        return key

    def var(self) -> str:
        self.count += 1
        return f"_v{self.count}"

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

    def emit(self, schema: Any, v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        """Lines that run ``fail`` unless the value in ``v`` is valid under ``schema``; where
        ``path`` is given, the facts met on the way are bound."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unsupported("a case format nested too deeply")
        parts = self.parts(schema)
        lines: list[str] = []
        typed = any(p is not False and ("type" in p or "enum" in p or "const" in p) for p in parts)
        if not typed and any(
            p is not False and set(p) & (_HANDLED - {"$ref", "anyOf", "allOf", "oneOf", "not"}) for p in parts
        ):
            lines.append(f"{ind}if {v}.__class__ not in _JSON: {fail}")  # a subclass: the exact reader
        for part in parts:
            if part is False:
                lines.append(f"{ind}{fail}")
                continue
            unknown = set(part) - _HANDLED - _ANNOTATIONS
            if unknown:
                raise Unsupported(f"the keyword {sorted(unknown)[0]}")
            lines += self._part(part, v, path, ind, fail)
        self.depth -= 1
        return lines

    def _part(self, p: dict[str, Any], v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        lines: list[str] = []
        if "type" in p:
            types = [p["type"]] if isinstance(p["type"], str) else p["type"]
            if not isinstance(types, list) or not types or any(t not in _TYPE_TEST for t in types):
                raise Unsupported(f"the type {p['type']!r}")
            lines.append(f"{ind}if not ({' or '.join(_TYPE_TEST[t].format(v=v) for t in types)}): {fail}")
        for key in ("enum", "const"):
            if key in p:
                values = p[key] if key == "enum" else [p[key]]
                if not isinstance(values, list) or any(x is not None and x.__class__ is not str for x in values):
                    raise Unsupported(f"{key} of values other than texts and null")
                test = f"({v}.__class__ is str and {v} in {self.const(frozenset(x for x in values if x is not None))})"
                lines.append(f"{ind}if not ({test}{f' or {v} is None' if None in values else ''}): {fail}")
        lines += self._strings(p, v, ind, fail) + self._numbers(p, v, ind, fail)
        lines += self._arrays(p, v, ind, fail) + self._objects(p, v, path, ind, fail)
        lines += self._combined(p, v, path, ind, fail)
        return lines

    def _strings(self, p: dict[str, Any], v: str, ind: str, fail: str) -> list[str]:
        tests = []
        if "maxLength" in p:
            tests.append(f"len({v}) > {_count(p['maxLength'])}")
        if "minLength" in p:
            tests.append(f"len({v}) < {_count(p['minLength'])}")
        if "pattern" in p:
            try:
                pattern = re.compile(p["pattern"])  # JSON Schema's pattern is re.search, as jsonschema runs it
            except (re.error, TypeError):
                raise Unsupported(f"the pattern {p['pattern']!r}") from None
            tests.append(f"{self.const(pattern.search)}({v}) is None")
        return [f"{ind}if {v}.__class__ is str and ({' or '.join(tests)}): {fail}"] if tests else []

    def _numbers(self, p: dict[str, Any], v: str, ind: str, fail: str) -> list[str]:
        tests = [f"{v} {op} {_number(p[key])}" for key, op in _NUMBER_KEYS.items() if key in p]
        if not tests:
            return []
        return [f"{ind}if ({v}.__class__ is int or {v}.__class__ is float) and ({' or '.join(tests)}): {fail}"]

    def _arrays(self, p: dict[str, Any], v: str, ind: str, fail: str) -> list[str]:
        lines = []
        tests = []
        if "maxItems" in p:
            tests.append(f"len({v}) > {_count(p['maxItems'])}")
        if "minItems" in p:
            tests.append(f"len({v}) < {_count(p['minItems'])}")
        if tests:
            lines.append(f"{ind}if {v}.__class__ is list and ({' or '.join(tests)}): {fail}")
        if "items" in p:
            if not isinstance(p["items"], (dict, bool)):
                raise Unsupported("items given as a list")
            item = self.var()
            body = self.emit(p["items"], item, None, ind + "        ", fail)
            if body:
                lines += [f"{ind}if {v}.__class__ is list:", f"{ind}    for {item} in {v}:", *body]
        return lines

    def _objects(self, p: dict[str, Any], v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        props = p.get("properties", {})
        required = p.get("required", [])
        extra = p.get("additionalProperties", True)
        if not isinstance(props, dict) or not isinstance(required, list) or not isinstance(extra, bool):
            raise Unsupported("properties, required or additionalProperties of an unusual form")
        if any(not isinstance(k, str) for k in required):
            raise Unsupported("a required name that is not a text")
        body: list[str] = []
        inner = ind + "    "
        if required:
            test = " and ".join(f"{k!r} in {v}" for k in required)
            body.append(f"{inner}if not ({test}): {fail}")
        if extra is False:
            body.append(f"{inner}if not {self.const(frozenset(props))}.issuperset({v}): {fail}")
        for name, sub in props.items():
            x = self.var()
            where = None if path is None else (*path, name)
            if where is not None and len(where) == 1 and fail == "return None":
                block = self.section(sub, x, where, inner + "    ")
            else:
                block = self._field(sub, x, where, inner + "    ", fail)
            if block:
                body += [f"{inner}{x} = {v}.get({name!r}, _A)", f"{inner}if {x} is not _A:", *block]
        return [f"{ind}if {v}.__class__ is dict:", *body] if body else []

    def _field(self, sub: Any, x: str, where: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        block = self.emit(sub, x, where, ind, fail)
        fact = self.facts.get(where) if where is not None else None
        if fact is not None:
            block += self.bind(fact, x, ind)
        return block

    def section(self, sub: Any, x: str, where: tuple[str, ...], ind: str) -> list[str]:
        """A field of the case's top level read by a function of its own, ``_sN(x, _g)``,
        which gives the facts it binds (None: not plainly good).  Its text is compiled on
        its first call: a case compiles only the parts of the format it has."""
        before = set(self.bound)
        body = self._field(sub, x, where, "    ", "return None")
        if len(body) <= _INLINE_LINES:  # a short one stays in the reader (the same fail: return None)
            return [ind + line[4:] for line in body]
        bound = sorted(self.bound - before)
        facts = "".join(f"_f{i}, " for i in bound)
        name = f"_s{len(self.sections)}"
        start = ["    " + " = ".join(f"_f{i}" for i in bound) + " = None"] if bound else []
        self.sections[name] = "\n".join([f"def {name}({x}, _g):", *start, *body, f"    return ({facts})"]) + "\n"
        if not bound:
            return [f"{ind}if {name}({x}, _g) is None: return None"]
        return [f"{ind}_t = {name}({x}, _g)", f"{ind}if _t is None: return None", f"{ind}({facts}) = _t"]

    def _combined(self, p: dict[str, Any], v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        lines = []
        for key in ("anyOf", "allOf", "oneOf"):
            if key in p and (not isinstance(p[key], list) or not p[key]):
                raise Unsupported(f"{key} that is not a list")
        for sub in p.get("allOf", []):
            lines += self.emit(sub, v, path, ind, fail)
        if "anyOf" in p:
            null = {"type": "null"}
            tests = [self.test(s, v) for s in p["anyOf"] if s != null]
            if null in p["anyOf"]:
                tests.insert(0, f"{v} is None")
            lines.append(f"{ind}if not ({' or '.join(tests)}): {fail}")
        if "oneOf" in p or "not" in p:
            # A test is True when the value surely passes, False when it fails *or* the exact
            # reader must decide (12.0 for an integer): sound under and/or, not under a count
            # or a negation, so these keywords send every case to the exact reader.
            raise Unsupported("oneOf and not")
        return lines

    def bind(self, i: int, x: str, ind: str) -> list[str]:
        """Lines that take the value in ``x`` as fact ``i``: given unless null, and typed."""
        self.bound.add(i)
        fact = self.fact_list[i]
        return [
            f"{ind}if {x} is not None:",
            f"{ind}    _g.append({fact.name!r})",
            f"{ind}    _f{i} = {self.typed(fact, x)}",
        ]

    def typed(self, fact: FactSpec, x: str) -> str:
        """The value in ``x`` as a value of the fact's kind (a date parsed, a list's entries
        typed, a float where a whole number is expected refused)."""
        if fact.kind == "date":
            return f"_date({x})"
        if fact.kind == "int":
            return f"_whole({x})"
        if fact.kind == "list":
            return f"{self.const(list_reader(dict(fact.item)))}({x})"
        return x

    def test(self, schema: Any, v: str) -> str:
        """An expression: whether the value in ``v`` is valid under ``schema`` (inline when
        its checks are single tests, else a call of a generated predicate)."""
        fail = "return False"
        saved = self.count
        body = self.emit(schema, v, None, "", fail)
        suffix = ": " + fail
        if all(line.startswith("if ") and line.endswith(suffix) for line in body):
            return " and ".join(f"not ({line[3 : -len(suffix)]})" for line in body) or "True"
        self.count = saved
        return f"{self.predicate(schema)}({v})"

    def predicate(self, schema: Any) -> str:
        """The name of a generated ``def _pN(v)``: whether ``v`` is valid under ``schema``."""
        name = f"_p{len(self.functions)}"
        self.functions.append("")
        body = self.emit(schema, "v", None, "    ", "return False")
        self.functions[int(name[2:])] = (
            f"def {name}(v):\n" + "".join(line + "\n" for line in body) + "    return True\n"
        )
        return name


def _walk(i: int, parts: tuple[str, ...], src: _Source) -> list[str]:
    """A fact the format does not describe, read as the exact reader reads it."""
    lines = [f"    _x = d.get({parts[0]!r})"]
    lines += [f"    _x = _x.get({part!r}) if _x.__class__ is dict else None" for part in parts[1:]]
    return lines + src.bind(i, "_x", "    ")


def reader_source(schema: dict[str, Any], facts: tuple[FactSpec, ...]) -> tuple[str, dict[str, Any]]:
    """(the source of ``_read`` and its helpers, the globals they name)."""
    src = _Source(schema, facts)
    check = src.emit(schema, "d", (), "    ", "return None")
    lines = ["def _read(d):", "    if d.__class__ is not dict: return None", "    _g = []"]
    if facts:
        lines.append("    " + " = ".join(f"_f{i}" for i in range(len(facts))) + " = None")
    lines += check
    for i, fact in enumerate(facts):
        if i not in src.bound:
            lines += _walk(i, tuple(fact.name.split(".")), src)
    values = ", ".join(f"{f.name!r}: {src.const(f.missing)} if _f{i} is None else _f{i}" for i, f in enumerate(facts))
    lines.append(f"    return {{{values}}}, _g")
    text = "".join(f for f in src.functions) + "\n".join(lines) + "\n"
    plain = {"dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool, "len": len}
    names = {"__builtins__": {}, **plain, "_A": ABSENT, "_JSON": _JSON_CLASSES, "_date": parse_date, "_whole": _whole}
    names.update(src.names)
    for name, section in src.sections.items():
        names[name] = _lazy_section(name, section, names)
    return text, names


def _lazy_section(name: str, text: str, names: dict[str, Any]) -> Callable[..., Any]:
    """A stub of the section function ``name``: its first call compiles ``text`` (our own
    source) into ``names``, where the reader finds the function itself from then on."""

    def first_call(x: Any, g: Any) -> Any:
        if names.get(name) is first_call:  # (two threads may both get here: the same code)
            exec(compile(text, "<case reader>", "exec"), names)
        return names[name](x, g)

    return first_call


def _whole(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("not a whole number")
    return value


_JSON_CLASSES = frozenset({dict, list, str, int, float, bool, type(None)})


def list_reader(item: dict[str, str]) -> Callable[[Any], Any]:
    """A list fact's value with each entry's fields typed by ``item`` (as the exact reader
    types them); ValueError where one is not of its kind."""

    def field(kind: str, raw: Any) -> Any:
        if raw is None:
            return None
        if kind == "date":
            return parse_date(raw)  # ValueError for a text that is not a day, and for anything else
        if kind == "int" and isinstance(raw, float):
            raise ValueError("not a whole number")
        if kind == "list" and isinstance(raw, list):
            return [dict(entry) if isinstance(entry, dict) else entry for entry in raw]
        return raw

    def read(raw: Any) -> Any:
        if not isinstance(raw, list):
            return raw
        return [
            {k: field(item.get(k, "string"), v) for k, v in entry.items()} if isinstance(entry, dict) else entry
            for entry in raw
        ]

    return read
