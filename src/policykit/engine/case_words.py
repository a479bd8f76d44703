"""A case's problems in words a person can act on: what is wrong and what is expected,
e.g. ``'2025/06/01' is not a date (expected YYYY-MM-DD)``, never the schema's own
wording (``is not of type 'null'``).  The words are the catalogue's, in the run's language."""

from __future__ import annotations

import json

from policykit.lang.hints import quote
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def shown(value: Any) -> str:
    """A value of the case as the message quotes it (short, on one line)."""
    if isinstance(value, str):
        return quote(value)
    text = json.dumps(value, ensure_ascii=False)
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)
    return text if len(text) <= 60 else text[:59] + "…"


class Words:
    """The problems of one case, worded in ``lang``."""

    def __init__(self, policy: Policy, lang: str) -> None:
        self.policy, self.lang = policy, lang

    def say(self, key: str, **fields: object) -> str:
        return self.policy.message(key, self.lang, **fields)

    def not_a_date(self, value: Any) -> str:
        return self.say("case_not_a_date", value=shown(value))

    def not_a_day(self, value: Any) -> str:
        return self.say("case_not_a_day", value=shown(value))

    def not_whole(self, value: float) -> str:
        return self.say("case_not_whole", value=shown(value), whole=int(value))

    def required(self) -> str:
        return self.say("case_required")

    def check_error(self, error: Exception) -> str:
        """A check of the policy that raised an evaluation error on this case (a policy's
        fault, shown where the check is: the case is not decided)."""
        return self.say("case_check_error", error=str(error))

    def _or_null(self, words: str, nullable: bool) -> str:
        return self.say("case_or_null", kind=words) if nullable else words

    def schema(self, error: Any) -> str:
        """One schema error of a case in words: what is wrong (what is expected)."""
        error, nullable = _branch(error)
        value, kind, spec = error.instance, error.validator, error.validator_value
        if _is_date(error.schema) and kind in ("pattern", "format", "type"):
            return self.not_a_date(value)
        if kind == "type":
            types = [spec] if isinstance(spec, str) else list(spec)
            nullable = nullable or "null" in types
            if "integer" in types and isinstance(value, float) and value.is_integer():
                return self.not_whole(value)
            words = self.say("kind_or").join(self.say(f"kind_{t}") for t in types if t != "null") or "null"
            return self.say("case_wrong_type", value=shown(value), kind=words, expected=self._or_null(words, nullable))
        if kind == "enum":
            nullable = nullable or None in spec  # an enum listing null among its values
            allowed = self.say("case_one_of", values=", ".join(str(v) for v in spec if v is not None))
            text = self.say("case_not_allowed", value=shown(value), expected=self._or_null(allowed, nullable))
            close = _closest(value, spec)
            return text + self.say("unknown_field_hint", name=close) if close else text
        limits = {
            "minimum": "case_too_small",
            "maximum": "case_too_large",
            "minLength": "case_too_short",
            "maxLength": "case_too_long",
        }
        if kind in limits:
            return self.say(limits[kind], value=shown(value), limit=spec)
        if kind in ("minItems", "maxItems"):
            key = "case_few_items" if kind == "minItems" else "case_many_items"
            return self.say(key, count=len(value), limit=spec)
        if kind == "pattern":
            return self.say("case_bad_form", value=shown(value), pattern=spec)
        return str(error.message)


def _closest(value: Any, allowed: Any) -> str:
    """The allowed text ``value`` most likely means (a misspelling, another case), or ""."""
    if not isinstance(value, str) or not isinstance(allowed, list):
        return ""
    texts = [v for v in allowed if isinstance(v, str)]
    folded = [v for v in texts if v.casefold() == value.strip().casefold()]
    if folded:
        return folded[0]
    import difflib  # only for a case refused

    close = difflib.get_close_matches(value, texts, n=1, cutoff=0.75)
    return close[0] if close else ""


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
