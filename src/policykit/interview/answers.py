"""Reading a typed answer to a question: a choice by its number, code or words; a number;
a date or text as typed (the case reader then checks it, with the CLI's messages)."""

from __future__ import annotations

from typing import Any

from policykit.interview.core import Question

YES = ("y", "yes", "true", "1")
NO = ("n", "no", "false", "0")


class NotAnAnswer(ValueError):
    """The text is none of the question's choices."""


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
