"""One error base with stable codes, and the diagnostics every stage yields.

A :class:`Diagnostic` carries a code, a location (file, line, column, JSON path)
and a message; it prints as ``file:line:col: code: message (at $.path)``, the form
editors and CI logs recognise.  Stages yield diagnostics instead of raising them one
by one, so that a user sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_ERRORS = 50


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
        where = self.file or "<input>"
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.code}: {self.message}"
        if self.path:
            text += f" (at {self.path})"
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
