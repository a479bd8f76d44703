"""Stage 2, schema: validate parsed data against a bundled JSON Schema, yielding diagnostics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.errors import Diagnostic
from policykit.policy.document import Document
from policykit.policy.resources import schema


def _message(error: Any) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        context = list(error.context)
        # a branch the value's type fits says more than "is not of type ..." from the others
        fitting = [e for e in context if e.validator != "type"]
        error = best_match(fitting or context)
    message = str(error.message)
    if len(message) > 200 and isinstance(error.instance, str):
        from policykit.lang.hints import quote

        message = message.replace(repr(error.instance), quote(error.instance))
    return message if len(message) <= 300 else message[:299] + "…"


def schema_errors(doc: Document, schema_name: str) -> Iterator[Diagnostic]:
    """Every place ``doc`` breaks the schema, each with its line and JSON path."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(schema_name))
    for error in validator.iter_errors(doc.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    from policykit.lang.hints import suggest

                    yield doc.diag(path + (key,), "unknown-key", f"unknown key '{key}'{suggest(key, sorted(allowed))}")
            continue
        yield doc.diag(path, "schema", _message(error))
