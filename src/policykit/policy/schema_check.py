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
            yield from _unknown_keys(doc, path, error)
            continue
        keys = _unknown_keys_in_branch(error)
        if keys is not None:
            # a mapping in a place that also takes another form (a clause id, or a clause
            # with its condition): its unknown keys with the key meant, not the branch's
            # "'clause' is a required property" that the misspelt key leaves behind
            unknown, rest = keys
            for key_error in unknown:
                yield from _unknown_keys(doc, path, key_error)
            for other in rest:
                yield doc.diag(tuple(other.absolute_path), "schema", _message(other))
            continue
        yield doc.diag(path, "schema", _message(error))


def _unknown_keys(doc: Document, path: tuple[Any, ...], error: Any) -> Iterator[Diagnostic]:
    """One ``unknown-key`` diagnostic per key of ``error``'s mapping that its schema does not
    name, with the closest name it does."""
    from policykit.lang.hints import suggest

    allowed = sorted(error.schema.get("properties", {}))
    for key in error.instance:
        if key not in allowed:
            yield doc.diag(path + (key,), "unknown-key", f"unknown key '{key}'{suggest(key, allowed)}")


def _unknown_keys_in_branch(error: Any) -> tuple[list[Any], list[Any]] | None:
    """For a ``oneOf``/``anyOf`` that a mapping fits no branch of, where the one branch taking
    a mapping refuses some of its keys: (those ``additionalProperties`` errors, the branch's
    other errors less each key required that an unknown key misspells); else None."""
    if error.validator not in ("oneOf", "anyOf") or not isinstance(error.instance, dict) or not error.context:
        return None
    branch = [e for e in error.context if not e.relative_path and e.validator != "type"]
    unknown = [e for e in branch if e.validator == "additionalProperties"]
    if not unknown or len({e.relative_schema_path[0] for e in branch}) != 1:
        return None  # no key refused, or more than one branch takes a mapping: the usual line
    import difflib

    misspelt = {
        close
        for e in unknown
        for key in e.instance
        if key not in e.schema.get("properties", {})
        for close in difflib.get_close_matches(key, list(e.schema.get("properties", {})), n=1, cutoff=0.6)
    }
    left_out = {f"{name!r} is a required property" for name in misspelt}  # jsonschema's words
    rest = [
        e
        for e in error.context
        if e.validator not in ("type", "additionalProperties")
        and not (e.validator == "required" and e.message in left_out)
        and e.relative_schema_path[0] == unknown[0].relative_schema_path[0]
    ]
    return unknown, rest
