"""A parsed document: its data and the line and column of every path in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykit.errors import Diagnostic

Path = tuple[str | int, ...]


def json_path(path: Path) -> str:
    """``("rules", 0, "when")`` -> ``$.rules[0].when``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


@dataclass(frozen=True)
class Document:
    """Parsed data plus the (line, column) of every path in it, both 1-based."""

    file: str
    data: Any
    lines: dict[Path, tuple[int, int]]

    def where(self, path: Path) -> tuple[int, int]:
        """The location of ``path`` or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, (0, 0))

    def diag(self, path: Path, code: str, message: str, severity: str = "error") -> Diagnostic:
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, json_path(path), severity)
