"""Reading a typed answer to a question: a choice by its number, code or words; a number;
a date or text as typed (the case reader then checks it, with the CLI's messages)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from policykit.interview.core import Question

YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")


class NotAnAnswer(ValueError):
    """The text is none of the question's choices."""


def _day_pattern() -> re.Pattern[str]:
    """A day written year, month, day: by ``-``, ``/`` or ``.``, by each language's marks
    of year, month and day (``day_marks`` of ``ui.json``), or as eight digits."""
    from policykit.interview.view import catalogue

    marks = [words.get("day_marks", "") for words in catalogue().values()]
    year, month, day = ("".join(re.escape(m[i]) for m in marks if len(m) == 3) for i in range(3))
    return re.compile(
        rf"(\d{{4}})\s*[-/.{year}]\s*(\d{{1,2}})\s*[-/.{month}]\s*(\d{{1,2}})\s*[{day}]?|(\d{{4}})(\d{{2}})(\d{{2}})"
        if day
        else r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2})"
    )


_DAY: list[re.Pattern[str]] = []  # made when first needed


def as_day(text: str) -> str:
    """A day as a person types it, in the case format's form ``YYYY-MM-DD``: full-width
    digits and signs made plain (an input method's), and ``2026/2/10``, ``2026.2.10``,
    ``2026-2-10``, ``20260210`` and a language's own marks of year, month and day written
    ``2026-02-10``.  Anything else as typed: the case reader says what is wrong with it."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if not _DAY:
        _DAY.append(_day_pattern())
    found = _DAY[0].fullmatch(plain)
    if found is None:
        return plain
    year, month, day = (g for g in found.groups() if g is not None)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def parse(question: Question, text: str) -> Any:
    """The value ``text`` gives ``question`` (raise :class:`NotAnAnswer` for a bad choice)."""
    text = text.strip()
    if question.choices:
        for i, (value, words) in enumerate(question.choices, 1):
            if text in (str(i), str(value), words) or (isinstance(value, str) and text.lower() == value.lower()):
                return value
        if question.kind == "bool" and text.lower() in YES + NO:
            return text.lower() in YES
        raise NotAnAnswer(text)
    if question.kind == "date":
        return as_day(text)
    if question.kind == "int":
        try:
            return int(text)
        except ValueError:
            return text  # the case reader says what is wrong, in its own words
    if question.kind == "number":
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)  # (1e3, 2.5; not inf or nan: the case reader says why)
        except ValueError:
            return text
        return number if number == number and abs(number) != float("inf") else text
    return text
