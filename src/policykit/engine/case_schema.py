"""The validator of the case format (a JSON Schema, draft 2020-12) for the exact reader:
jsonschema's own, its ``pattern`` keyword searched as the generated reader searches, in
RE2's language and in time linear in the text (:mod:`policykit.policy.pattern_match`;
jsonschema's own keyword runs Python's ``re``, which backtracks with no limit of time).
Its errors are jsonschema's, word for word, so the words of a case's problems
(:mod:`policykit.engine.case_words`) are the same."""

from __future__ import annotations

import functools

from policykit.policy.pattern_match import searcher

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def case_validator(schema: dict[str, Any]) -> Any:
    """The validator of ``schema``, a case format: a jsonschema validator (``Any``: the
    class ``jsonschema.validators.extend`` makes is not typed further)."""
    return _validator_class()(schema)


def unknown_keys(error: Any) -> list[str]:
    """The keys an ``additionalProperties`` error of the case format names: the fields of
    that object the format does not know (none for any other error)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    known = error.schema.get("properties", {})
    return [key for key in error.instance if key not in known]


@functools.cache
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    extend: Any = validators.extend  # (untyped in types-jsonschema)
    return extend(Draft202012Validator, {"pattern": _pattern})


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """jsonschema's ``pattern`` keyword (the same test of the type, the same error), by
    :func:`~policykit.policy.pattern_match.searcher`."""
    if validator.is_type(instance, "string") and searcher(pattern)(instance) is None:
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")
