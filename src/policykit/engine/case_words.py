"""A case's problems in words a person can act on: what is wrong and what is expected,
e.g. ``'2025/06/01' is not a date (expected YYYY-MM-DD)``, never the schema's own
wording (``is not of type 'null'``)."""

from __future__ import annotations

import json
from typing import Any

from policykit.lang.expr import quote

_KINDS = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def shown(value: Any) -> str:
    """A value of the case as the message quotes it (short)."""
    if isinstance(value, str):
        return quote(value)  # control characters escaped: a message stays on one line
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def not_a_date(value: Any) -> str:
    return f"{shown(value)} is not a date (expected YYYY-MM-DD)"


def not_a_calendar_day(value: Any) -> str:
    return f"{shown(value)} is not a day of the calendar (expected a real day, YYYY-MM-DD)"


def not_whole(value: float) -> str:
    return f"{shown(value)} is not a whole number (expected {int(value)}, with no decimal point)"


def _branch(error: Any) -> tuple[Any, bool]:
    """For ``anyOf``/``oneOf`` with a null branch: the error of the other branch, and
    whether null is allowed."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return error, False
    nullable = any(e.validator == "type" and e.validator_value == "null" for e in error.context)
    others = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
    if not others:
        return error, nullable
    from jsonschema.exceptions import best_match

    return best_match(others), nullable


def _is_date(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("format") == "date" or schema.get("pattern") == _DATE_PATTERN)


def _or_null(words: str, nullable: bool) -> str:
    return f"{words}, or null when unknown" if nullable else words


def schema_message(error: Any) -> str:
    """One schema error of a case in words: what is wrong (what is expected)."""
    error, nullable = _branch(error)
    value, kind, spec = error.instance, error.validator, error.validator_value
    if _is_date(error.schema) and kind in ("pattern", "format", "type"):
        return not_a_date(value)
    if kind == "type":
        types = [spec] if isinstance(spec, str) else list(spec)
        nullable = nullable or "null" in types
        if "integer" in types and isinstance(value, float) and value.is_integer():
            return not_whole(value)
        words = " or ".join(_KINDS.get(t, t) for t in types if t != "null") or "null"
        return f"{shown(value)} is not {words} (expected {_or_null(words, nullable)})"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in spec if v is not None)
        return f"{shown(value)} is not an allowed value (expected {_or_null('one of ' + allowed, nullable)})"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"{shown(value)} is too small (expected {'at least' if kind == 'minimum' else 'more than'} {spec})"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"{shown(value)} is too large (expected {'at most' if kind == 'maximum' else 'less than'} {spec})"
    if kind == "minLength":
        return f"{shown(value)} is too short (expected at least {spec} characters)"
    if kind == "maxLength":
        return f"{shown(value)} is too long (expected at most {spec} characters)"
    if kind == "minItems":
        return f"the list has {len(value)} items (expected at least {spec})"
    if kind == "maxItems":
        return f"the list has {len(value)} items (expected at most {spec})"
    if kind == "pattern":
        return f"{shown(value)} is not in the expected form (expected to match {spec})"
    return str(error.message)
