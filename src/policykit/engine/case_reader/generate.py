"""The source of a case reader: one function ``_read(d)`` generated from the case format
(a JSON Schema, draft 2020-12) and the facts of a policy.

``_read`` checks the parsed case against every keyword of the format and binds each fact
on the way (a field the format describes is read where it is checked), typed, into a copy
of the facts as a case that gives none has them (defaults, unknowns), and sets the fact's
bit in ``_m``: ``(facts, bits)``, or None where the case is not plainly good.  It never
says why: the exact reader does (:mod:`policykit.engine.case`).  It is sound, not
complete: whatever it accepts the JSON Schema accepts and the exact reader reads to the
same facts; where in doubt (a value of an unusual class, a float where a whole number is
expected, an unknown field) it says None, which only costs time.

It does no more than a field needs: a required field is read without a test of its
presence, an optional one the format lets be null is checked only when it is not (absent
and null alike leave its fact as the case leaves it out), the bits of the facts every
case it passes gives are set from the start, and a text the format holds to the form of
a day (:func:`~policykit.engine.case_reader.shapes.day_form`) is read by
``date.fromisoformat`` alone.

A long field of the case's top level (``customer``, ``shipment``...) is read by a function
of its own, ``_sN(x, facts)``, giving the bits of the facts it binds, whose text is
compiled on its first call: one case (a cold ``policykit evaluate FILE``) compiles only
the parts of the format it has, for the cost of a call per such field in every case
(well under a microsecond).

The text holds no value of the policy: keys and small numbers only; sets, patterns,
defaults and helpers are globals named ``_cN``.  A keyword it does not translate raises
:class:`Unsupported` at generation time, and every case then takes the exact reader.
"""

from __future__ import annotations

from policykit.engine.case_reader.parts import FactSpec, Finish, Generated, reader_names
from policykit.engine.case_reader.shapes import ANNOTATIONS as _ANNOTATIONS
from policykit.engine.case_reader.shapes import (
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
from policykit.policy.fixed_width import DATE_PATTERN
from policykit.policy.pattern_match import re2_problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FactSpec", "Finish", "Generated", "Unsupported", "reader_parts", "reader_source"]


_HANDLED = HANDLED
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
_MAX_DEPTH = MAX_DEPTH
_INLINE_LINES = 8  # a top-level field read in no more lines than this is read inline, not by a function


def _number(value: Any) -> str:
    return repr(limit(value))


_count = count


class _Source(Refs):
    """The functions being written and the globals they name."""

    def __init__(self, root: Any, facts: tuple[FactSpec, ...]) -> None:
        super().__init__(root)
        self.names: dict[str, Any] = {}
        self.functions: list[str] = []
        self.sections: dict[str, str] = {}  # name -> the text of a top-level field's reader
        self.count = 0
        self.depth = 0
        self.facts = {tuple(f.name.split(".")): i for i, f in enumerate(facts)}
        self.fact_list = facts
        self.bound: set[int] = set()
        self.not_null: set[str] = set()  # the variables the code being written has seen are not null
        self.dicts: set[str] = {"d"}  # those it has seen are dicts (the case itself: before any check)
        self.base = ""  # the indent of the reader's own body: a line there runs in every case it passes
        self.always = 0  # the bits of the facts every case it passes gives
        self.in_section = False  # whether the lines being written are a section's (a function of its own)

    def const(self, recipe: tuple[Any, ...]) -> str:
        """The name of a global made from ``recipe`` (:func:`~policykit.engine.case_reader.parts.made`)."""
        key = f"_c{len(self.names)}"
        self.names[key] = recipe
        return key

    def var(self) -> str:
        self.count += 1
        return f"_v{self.count}"

    def emit(self, schema: Any, v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        """Lines that run ``fail`` unless the value in ``v`` is valid under ``schema``; where
        ``path`` is given, the facts met on the way are bound."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unsupported("a case format nested too deeply")
        parts = self.parts(schema)
        dicts = set(self.dicts)  # what a type test finds holds for the lines after it, within this schema
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
        self.dicts = dicts
        return lines

    def _part(self, p: dict[str, Any], v: str, path: tuple[str, ...] | None, ind: str, fail: str) -> list[str]:
        lines: list[str] = []
        if "type" in p:
            types = [p["type"]] if isinstance(p["type"], str) else p["type"]
            if not isinstance(types, list) or not types or any(t not in _TYPE_TEST for t in types):
                raise Unsupported(f"the type {p['type']!r}")
            types = [t for t in types if t != "null" or v not in self.not_null]
            tests = " or ".join(_TYPE_TEST[t].format(v=v) for t in types)
            if not (v in self.dicts and "object" in types):  # (else it surely holds)
                lines.append(f"{ind}if not ({tests}): {fail}" if tests else f"{ind}{fail}")
            if types == ["object"]:
                self.dicts.add(v)
        for key in ("enum", "const"):
            if key in p:
                values = p[key] if key == "enum" else [p[key]]
                if not isinstance(values, list) or any(x is not None and x.__class__ is not str for x in values):
                    raise Unsupported(f"{key} of values other than texts and null")
                allowed = self.const(("set", tuple(x for x in values if x is not None)))
                test = f"({v}.__class__ is str and {v} in {allowed})"
                null = None in values and v not in self.not_null
                lines.append(f"{ind}if not ({test}{f' or {v} is None' if null else ''}): {fail}")
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
            # searched as JSON Schema searches, in RE2's language (policy/pattern_match.py)
            if not isinstance(p["pattern"], str) or re2_problem(p["pattern"]):
                raise Unsupported(f"the pattern {p['pattern']!r}")
            # a day's form is searched once per text (a batch's cases give the same days)
            kind = "search-kept" if p["pattern"] == DATE_PATTERN else "search"
            tests.append(f"{self.const((kind, p['pattern']))}({v}) is None")
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
        known = v in self.dicts
        inner = ind if known else ind + "    "
        fetched: set[str] = set()
        if extra is False:
            body.append(f"{inner}if not {self.const(('set', tuple(props)))}.issuperset({v}): {fail}")
        for name, sub in props.items():
            x = self.var()
            where = None if path is None else (*path, name)
            # How the field is fetched: a required one is there (checked above); an optional
            # one the format accepts as null is checked only when it is not (absent and null
            # both leave its fact unknown); any other is checked when present.
            there = name in required
            nullable = not there and accepts_null(sub, self.parts)
            block_ind = inner if there else inner + "    "
            if nullable:
                self.not_null.add(x)
            if where is not None and len(where) == 1 and fail == "return None":
                block = self.section(sub, x, where, block_ind, nullable)
            else:
                block = self._field(sub, x, where, block_ind, fail, nullable)
            self.not_null.discard(x)
            if not block:
                continue
            if there:
                body += [f"{inner}{x} = {v}[{name!r}]", *block]
                fetched.add(name)
            elif nullable:
                body += [f"{inner}{x} = {v}.get({name!r})", f"{inner}if {x} is not None:", *block]
            else:
                body += [f"{inner}{x} = {v}.get({name!r}, _A)", f"{inner}if {x} is not _A:", *block]
        # A required field fetched on the reader's own road raises KeyError where it is
        # missing, which the reader takes for a None: only the others are looked for.
        looked_for = [k for k in required if k not in fetched or fail != "return None"]
        if looked_for:
            test = " and ".join(f"{k!r} in {v}" for k in looked_for)
            body.insert(0, f"{inner}if not ({test}): {fail}")
        return body if known else [f"{ind}if {v}.__class__ is dict:", *body] if body else []

    def _field(
        self, sub: Any, x: str, where: tuple[str, ...] | None, ind: str, fail: str, not_null: bool = False
    ) -> list[str]:
        """The checks of a field and, where it is a fact, its binding (``not_null``: the
        caller has seen the value is not null)."""
        block = self.emit(sub, x, where, ind, fail)
        fact = self.facts.get(where) if where is not None else None
        if fact is not None:
            sure = not_null or rejects_null(sub, self.parts)  # (a value null fails is refused by its checks)
            block += self.bind(fact, x, ind, sure, day_form(sub, self.parts))
        return block

    def section(self, sub: Any, x: str, where: tuple[str, ...], ind: str, not_null: bool) -> list[str]:
        """A field of the case's top level read by a function of its own, ``_sN(x)``, which
        gives the facts it binds and the bits of those given (None: not plainly good).  Its
        text is compiled on its first call: a case compiles only the parts of the format it has."""
        self.in_section = True
        try:
            body = self._field(sub, x, where, "    ", "return None", not_null)
        finally:
            self.in_section = False
        if len(body) <= _INLINE_LINES:  # a short one stays in the reader (the same fail: return None)
            return self.inline(body, ind)
        name = f"_s{len(self.sections)}"
        self.sections[name] = "\n".join([f"def {name}({x}, _facts):", "    _m = 0", *body, "    return _m"]) + "\n"
        return [f"{ind}_n = {name}({x}, _facts)", f"{ind}if _n is None: return None", f"{ind}_m |= _n"]

    def inline(self, body: list[str], ind: str) -> list[str]:
        """A section's lines put in the reader at ``ind``; where that is the reader's own body,
        a bit its body sets in every case is set from the start instead."""
        out = []
        for line in body:
            if ind == self.base and line.startswith("    _m |= ") and line[4] != " ":
                self.always |= int(line[10:])
                continue
            out.append(ind + line[4:])
        return out

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
            if null in p["anyOf"] and v not in self.not_null:
                tests.insert(0, f"{v} is None")
            lines.append(f"{ind}if not ({' or '.join(tests)}): {fail}" if tests else f"{ind}{fail}")
        if "oneOf" in p or "not" in p:
            # A test is True when the value surely passes, False when it fails *or* the exact
            # reader must decide (12.0 for an integer): sound under and/or, not under a count
            # or a negation, so these keywords send every case to the exact reader.
            raise Unsupported("oneOf and not")
        return lines

    def bind(self, i: int, x: str, ind: str, not_null: bool = False, day_form: bool = False) -> list[str]:
        """Lines that take the value in ``x`` as fact ``i``: given unless null (its bit set in
        ``_m``), and typed (``not_null``: the caller has seen it is not null; ``day_form``:
        the format holds a text to the form of a day)."""
        self.bound.add(i)
        fact = self.fact_list[i]
        store = f"{ind}_facts[{fact.name!r}] = {self.typed(fact, x, day_form)}"
        if not_null and ind == self.base and not self.in_section:  # given by every case the reader passes
            self.always |= 1 << i
            return [store]
        lines = [f"{ind}_m |= {1 << i}", store]
        if not_null:
            return lines
        return [f"{ind}if {x} is not None:", *(f"    {line}" for line in lines)]

    def typed(self, fact: FactSpec, x: str, day_form: bool = False) -> str:
        """The value in ``x`` as a value of the fact's kind (a date parsed, a list's entries
        typed, a float where a whole number is expected refused)."""
        if fact.kind == "date":
            return f"_day({x})" if day_form else f"_date({x})"
        if fact.kind == "int":
            return f"({x} if {x}.__class__ is not float else _whole({x}))"
        if fact.kind == "list":
            return f"{self.const(('list', tuple(fact.item)))}({x})"
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
        # a function of its own: what the code around it knows of its variables (that a
        # ``v`` is a dict, not null) says nothing of this function's ``v``
        outer = self.dicts, self.not_null
        self.dicts, self.not_null = set(), set()
        try:
            body = self.emit(schema, "v", None, "    ", "return False")
        finally:
            self.dicts, self.not_null = outer
        self.functions[int(name[2:])] = (
            f"def {name}(v):\n" + "".join(line + "\n" for line in body) + "    return True\n"
        )
        return name


def _walk(i: int, parts: tuple[str, ...], src: _Source, ind: str) -> list[str]:
    """A fact the format does not describe, read as the exact reader reads it."""
    lines = [f"{ind}_x = d.get({parts[0]!r})"]
    lines += [f"{ind}_x = _x.get({part!r}) if _x.__class__ is dict else None" for part in parts[1:]]
    return lines + src.bind(i, "_x", ind)


def reader_source(
    schema: dict[str, Any], facts: tuple[FactSpec, ...], finish: Finish | None = None
) -> tuple[str, dict[str, Any]]:
    """(the source of ``_read`` and its helpers, the globals they name).  ``_read(d)`` gives
    ``(facts, bits)``, bit ``i`` set where the case gives fact ``i`` (or what ``finish``
    makes of them), or None where the case is not plainly good (anything raised included)."""
    parts = reader_parts(schema, facts, finish.lines if finish is not None else None)
    missing = {f.name: f.missing for f in facts}
    return parts.text, reader_names(parts, missing, finish.names if finish is not None else {})


def reader_parts(
    schema: dict[str, Any], facts: tuple[FactSpec, ...], finish: tuple[str, ...] | None = None
) -> Generated:
    """The reader of :func:`reader_source` as data (its globals as recipes): ``finish``,
    the lines of a :class:`Finish`."""
    src = _Source(schema, facts)
    ind = src.base = "        "
    check = src.emit(schema, "d", (), ind, "return None")
    lines = ["def _read(d):", "    if d.__class__ is not dict: return None", "    try:", f"{ind}_m = {src.always}"]
    # each fact as the case leaves it out (its default, or unknown), replaced where it gives it
    lines.append(f"{ind}_facts = {src.const(('missing',))}.copy()")
    lines += check
    for i, fact in enumerate(facts):
        if i not in src.bound:
            lines += _walk(i, tuple(fact.name.split(".")), src, ind)
    lines += [ind + line for line in finish] if finish is not None else [f"{ind}return _facts, _m"]
    lines += ["    except _E:", "        return None"]
    text = "".join(f for f in src.functions) + "\n".join(lines) + "\n"
    return Generated(text, tuple(src.sections.items()), tuple(src.names.items()))
