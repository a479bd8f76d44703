"""One error base with stable codes, and the diagnostics every stage yields.

A :class:`Diagnostic` carries a code, a location (file, line, column, JSON path)
and a message; it prints as ``file:line:col: code: message (at $.path)``, the form
editors and CI logs recognise.  Stages yield diagnostics instead of raising them one
by one, so that a user sees every problem at once.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

MAX_ERRORS = 50
# compiled when first needed (0.2 ms a start that reports no problem need not pay), then
# found in re's own cache
_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def printable(text: str, keep: str = "") -> str:
    """``text`` with control characters (newlines, ESC, bell...) written as escapes, except those in ``keep``,
    and anything that is not Unicode (a lone surrogate) as its escape: safe for one line of a terminal."""
    import re  # (a run that reports no problem loads no regular expressions)

    control = re.compile(_CONTROL)
    if control.search(text):
        text = control.sub(lambda m: m.group() if m.group() in keep else ascii(m.group())[1:-1], text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class Diagnostic:
    """One problem found in a policy, a case or a test file.

    Immutable; equal, hashed and ordered by its place and words (``severity`` aside), as
    a frozen ordered dataclass would be, without the cost of defining one at every start.
    ``replace``/``_replace(**changes)``, ``_fields`` and ``_asdict()`` stand for the
    functions of :mod:`dataclasses`; it matches positionally (``__match_args__``) and can
    be weakly referenced, as the dataclass could."""

    __slots__ = ("__weakref__", "code", "col", "file", "line", "message", "path", "severity")
    __match_args__ = ("file", "line", "col", "code", "message", "path", "severity")
    _fields = __match_args__

    file: str
    line: int
    col: int
    code: str
    message: str
    path: str
    severity: str

    def __init__(
        self, file: str, line: int, col: int, code: str, message: str, path: str = "", severity: str = "error"
    ) -> None:
        put = object.__setattr__
        put(self, "file", file)
        put(self, "line", line)
        put(self, "col", col)
        put(self, "code", code)
        put(self, "message", message)
        put(self, "path", path)
        put(self, "severity", severity)

    def _key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.col, self.code, self.message, self.path)

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with ``changes`` (field names) made."""
        fields = self._asdict()
        fields.update(changes)
        return Diagnostic(**fields)

    _replace = __replace__ = replace  # as a named tuple names it; copy.replace (Python 3.13)

    def _asdict(self) -> dict[str, Any]:
        """The fields as a dict."""
        return {name: getattr(self, name) for name in self._fields}

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[Any, ...]]:
        return (Diagnostic, (*self._key(), self.severity))

    def __repr__(self) -> str:
        return (
            f"Diagnostic(file={self.file!r}, line={self.line!r}, col={self.col!r}, code={self.code!r}, "
            f"message={self.message!r}, path={self.path!r}, severity={self.severity!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: Diagnostic) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Diagnostic) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Diagnostic) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Diagnostic) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() >= other._key()

    def format(self) -> str:
        """``file:line:col: code: message (at path)`` on one line: control characters are escaped."""
        where = printable(self.file or "<input>")
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return f"{where}: {self.said()}"

    def said(self) -> str:
        """``code: message (at path)``: the problem without its file and line (where these
        head it already)."""
        text = f"{self.code}: {printable(self.message)}"
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
