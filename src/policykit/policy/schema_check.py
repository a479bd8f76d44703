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
    if error.validator == "enum" and isinstance(error.validator_value, list):
        return _not_one_of(error.instance, error.validator_value)
    if error.validator == "type":
        return _not_of_type(error.instance, error.validator_value)
    # a pattern the schema words as a form ("x-form": "a date written YYYY-MM-DD, ..."):
    # the form in words, not the regular expression
    form = error.schema.get("x-form") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and isinstance(form, str) and isinstance(error.instance, str):
        from policykit.lang.hints import quote

        return f"{quote(error.instance)} is not {form}"
    message = str(error.message)
    if len(message) > 200 and isinstance(error.instance, str):
        from policykit.lang.hints import quote

        message = message.replace(repr(error.instance), quote(error.instance))
    return message if len(message) <= 300 else message[:299] + "…"


_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a text",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def written(value: Any) -> str:
    """``value`` as YAML or JSON writes it (null, true, 'text'), not as Python would."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, str):
        from policykit.lang.hints import quote

        return quote(value) if len(value) > 60 else repr(value)
    if isinstance(value, int | float):
        return repr(value)
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def kind_in_words(value: Any) -> str:
    """What kind of value ``value`` is, in words (a whole number, a text, null...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "yes/no"
    for kind, words in (
        (int, "a whole number"),
        (float, "a number"),
        (str, "a text"),
        (list, "a list"),
        (dict, "a mapping"),
    ):
        if isinstance(value, kind):
            return words
    return "another kind of value"


def _not_of_type(value: Any, wanted: Any) -> str:
    kinds = [_TYPE_WORDS.get(t, str(t)) for t in (wanted if isinstance(wanted, list) else [wanted])]
    either = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    if value is None:
        return f"null is not allowed here: {either} is expected"
    return f"{written(value)} is {kind_in_words(value)}, where {either} is expected"


def _not_one_of(value: Any, allowed: list[Any]) -> str:
    from policykit.lang.hints import suggest

    listed = ", ".join("null" if v is None else str(v) for v in allowed)
    hint = suggest(value, [str(v) for v in allowed]) if isinstance(value, str) else ""
    return f"{written(value)} is not one of {listed}{hint}"


def schema_errors(doc: Document, schema_name: str) -> Iterator[Diagnostic]:
    """Every place ``doc`` breaks the schema, each with its line and JSON path."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(schema_name))
    for error in validator.iter_errors(doc.data):
        yield from _diagnostics(doc, error)


def _diagnostics(doc: Document, error: Any) -> Iterator[Diagnostic]:
    """The diagnostics of one schema error: a mapping's unknown keys each with the key meant;
    a mapping in a place that also takes another form (a clause id, or a clause with its
    condition; a condition, or one with its clauses) as the one form that takes a mapping
    sees it, each of its problems in its place (the same way down), rather than one line
    for the whole; anything else in jsonschema's words."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        yield from _unknown_keys(doc, path, error)
        return
    own = _mapping_branch(error)
    if own is None:
        yield doc.diag(path, "schema", _message(error))
        return
    left_out = _left_out(own)
    for e in own:
        if not e.relative_path and (e.validator == "type" or _only_misspelt(e, left_out)):
            continue  # the misspelt key is named as unknown, with the key meant
        yield from _diagnostics(doc, e)


def _unknown_keys(doc: Document, path: tuple[Any, ...], error: Any) -> Iterator[Diagnostic]:
    """One ``unknown-key`` diagnostic per key of ``error``'s mapping that its schema does not
    name, with the closest name it does."""
    from policykit.lang.hints import suggest

    allowed = sorted(error.schema.get("properties", {}))
    for key in error.instance:
        if key not in allowed:
            yield doc.diag(path + (key,), "unknown-key", f"unknown key '{key}'{suggest(key, allowed)}")


def _takes_mapping(branch: Any) -> bool:
    """Whether a branch of a ``oneOf``/``anyOf`` is the form of a mapping, by its schema."""
    if not isinstance(branch, dict):
        return False
    kind = branch.get("type")
    if kind is not None:
        return kind == "object" or (isinstance(kind, list) and "object" in kind)
    return any(k in branch for k in ("properties", "additionalProperties", "required"))


def _mapping_branch(error: Any) -> list[Any] | None:
    """For a ``oneOf``/``anyOf`` that a mapping fits no branch of, where exactly one branch is
    the form of a mapping: that branch's errors; else None."""
    if error.validator not in ("oneOf", "anyOf") or not isinstance(error.instance, dict) or not error.context:
        return None
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    taking = [i for i, branch in enumerate(branches) if _takes_mapping(branch)]
    if len(taking) != 1:
        return None  # none or several forms take a mapping: jsonschema's best match says it
    own = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == taking[0]]
    return own or None


def _left_out(own: list[Any]) -> set[str]:
    """jsonschema's words for each key required that an unknown key of the mapping misspells."""
    from policykit.lang.hints import closest

    found: set[str] = set()
    for e in own:
        if e.validator == "additionalProperties" and not e.relative_path and isinstance(e.instance, dict):
            allowed = list(e.schema.get("properties", {}))
            for key in e.instance:
                if key not in allowed and (close := closest(str(key), allowed)) is not None:
                    found.add(f"{close!r} is a required property")
    return found


def _only_misspelt(error: Any, left_out: set[str]) -> bool:
    """Whether ``error`` says only that a key is missing that an unknown key misspells: a
    ``required`` error, or a ``oneOf``/``anyOf`` of which some branch asks only for such keys
    (a day named by ``date`` or by ``every``)."""
    if error.validator == "required":
        return error.message in left_out
    if error.validator in ("oneOf", "anyOf") and error.context:
        by_branch: dict[Any, list[Any]] = {}
        for e in error.context:
            by_branch.setdefault(e.relative_schema_path[0] if e.relative_schema_path else None, []).append(e)
        return any(
            all(e.validator == "required" and e.message in left_out for e in errors) for errors in by_branch.values()
        )
    return False
