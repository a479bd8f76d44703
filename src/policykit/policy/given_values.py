"""Stage: the values a policy gives of its own are of the kind they stand for (and a
choice fact's values each have words, where the others have).

A fact's ``default`` (or the parameter its ``default_param`` names) must be a value the
fact could take: a yes/no fact's default ``"no"`` is a text, which every condition reads
as true, and would decide every case that takes it wrongly, with nothing said.  A
parameter counted in a unit (``days``, ``working_days``, ``months``, ``count``) must be a
whole number, a ``money`` one a number, a ``text`` one a text: ``value: three`` would
fail on every case that reaches it, and blame the case.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.dates import parse_date
from policykit.lang.hints import suggest
from policykit.policy.document import Document
from policykit.policy.schema_check import kind_in_words, written

_WHOLE_UNITS = ("days", "working_days", "months", "count")
_WRITE = {
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "string": "a text",
    "date": "a day, YYYY-MM-DD",
    "list": "a list ([] for none)",
}


def _fits(value: Any, kind: str) -> bool:
    """Whether ``value`` is one a fact of ``kind`` may take (null: not applicable, any)."""
    if value is None:
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind in ("string", "enum"):
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    if kind == "date":
        try:
            parse_date(value)
        except (TypeError, ValueError):
            return False
        return isinstance(value, str)
    return True


_FACT_KINDS = {
    "bool": "a yes/no fact",
    "int": "a whole-number fact",
    "number": "a number fact",
    "string": "a text fact",
    "date": "a date fact",
    "list": "a list fact",
    "enum": "a choice fact",
}


def _fact_default(name: str, fact: dict[str, Any], value: Any, via: str | None = None) -> str | None:
    """What is wrong with ``value`` as the default of the fact ``name`` (None: nothing);
    ``via``: the parameter that gives it."""
    kind = fact["type"]
    what = f"{written(value)} ({kind_in_words(value)})"
    if via is not None:
        what = f"parameter '{via}' = {what}"
    if kind == "date" and isinstance(value, str) and not _fits(value, kind):
        return (
            f"{what} is no day of the calendar, so it cannot be the default of '{name}': write a real day, YYYY-MM-DD"
        )
    if not _fits(value, kind):
        facts = _FACT_KINDS.get(kind, f"a fact of type {kind}")
        return f"{what} cannot be the default of '{name}', {facts}: write {_WRITE.get(kind, 'one of its values')}"
    values = fact.get("values")
    if kind == "enum" and value is not None and isinstance(values, list) and value not in values:
        listed = ", ".join(str(v) for v in values)
        what = written(value) if via is None else f"parameter '{via}' = {written(value)}"
        return f"{what} is not one of the values of '{name}' ({listed}){suggest(value, values)}"
    return None


def check_given_values(doc: Document) -> Iterator[Diagnostic]:
    """Each fact's default, and each parameter's value, of the kind it stands for."""
    data = doc.data
    params = data.get("parameters") or {}
    for name, param in params.items():
        value, unit = param.get("value"), param.get("unit")
        wrong = None
        if unit in _WHOLE_UNITS and (not isinstance(value, int) or isinstance(value, bool)):
            wrong = "a whole number"
        elif unit == "money" and (not isinstance(value, int | float) or isinstance(value, bool)):
            wrong = "a number"
        elif unit == "text" and not isinstance(value, str):
            wrong = "a text"
        if wrong is not None:
            message = f"{written(value)} is {kind_in_words(value)}, and a parameter in {unit} must be {wrong}"
            if isinstance(value, str) and wrong != "a text" and _number(value.strip()) is not None:
                message += f" (write it without quotes: {value.strip()})"
            yield doc.diag(("parameters", name, "value"), "bad-parameter", message)
        elif unit in _WHOLE_UNITS and value < 0:
            message = f"{value} {unit} is negative: a count that goes back; is that meant?"
            yield doc.diag(("parameters", name, "value"), "negative-parameter", message, "warning")
    for name, fact in (data.get("facts") or {}).items():
        labels, values = fact.get("labels"), fact.get("values")
        if labels and isinstance(values, list) and fact["type"] == "enum":
            unlabelled = [v for v in values if v not in labels]
            if unlabelled:
                message = (
                    f"no label for {', '.join(repr(v) for v in unlabelled)}: the results would show the code "
                    f"where the other values of {name} are in words"
                )
                yield doc.diag(("facts", name, "labels"), "missing-label", message, "warning")
        if "default" in fact:
            said = _fact_default(name, fact, fact["default"])
            if said is not None:
                yield doc.diag(("facts", name, "default"), "bad-default", said)
        ref = fact.get("default_param")
        if isinstance(ref, str) and ref in params:
            said = _fact_default(name, fact, params[ref].get("value"), ref)
            if said is not None:
                yield doc.diag(("facts", name, "default_param"), "bad-default", said)


def _number(text: str) -> float | None:
    """The number ``text`` writes, or None."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number - number == 0 else None  # not nan or infinity (no numbers there)
