"""One error base with stable codes, and the diagnostics every stage yields.

A :class:`Diagnostic` carries a code, a location (file, line, column, JSON path)
and a message; it prints as ``file:line:col: code: message (at $.path)``, the form
editors and CI logs recognise.  Stages yield diagnostics instead of raising them one
by one, so that a user sees every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_ERRORS = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str, keep: str = "") -> str:
    """``text`` with control characters (newlines, ESC, bell...) written as escapes, except those in ``keep``,
    and anything that is not Unicode (a lone surrogate) as its escape: safe for one line of a terminal."""
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: m.group() if m.group() in keep else ascii(m.group())[1:-1], text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a policy, a case or a test file."""

    file: str
    line: int
    col: int
    code: str
    message: str
    path: str = ""
    severity: str = field(default="error", compare=False)

    def format(self) -> str:
        """``file:line:col: code: message (at path)`` on one line: control characters are escaped."""
        where = printable(self.file or "<input>")
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.code}: {printable(self.message)}"
        if self.path:
            text += f" (at {printable(self.path)})"
        return text


def sort_and_cap(diags: Iterable[Diagnostic], cap: int = MAX_ERRORS) -> list[Diagnostic]:
    """Sort by location and keep at most ``cap``; a final line says how many were left out."""
    items = sorted(set(diags))
    if len(items) <= cap:
        return items
    kept = items[:cap]
    last = kept[-1]
    kept.append(Diagnostic(last.file, 0, 0, "too-many-errors", f"{len(items) - cap} more problems not shown"))
    return kept


class PolicykitError(Exception):
    """Base of every error policykit reports to a user (exit status 2)."""

    code = "error"

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sort_and_cap(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class PolicyError(PolicykitError):
    """The policy file is not a valid policy."""

    code = "policy-invalid"


class CaseError(PolicykitError):
    """The case is not of the contract's shape."""

    code = "case-invalid"


class InputError(PolicykitError):
    """A path, option or stream given on the command line cannot be used."""

    code = "input-invalid"
