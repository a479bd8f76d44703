"""What every command shares: exit codes, reading a file or standard input, the --as-of
option, and whether the output is a terminal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

from policykit.errors import Diagnostic, InputError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def as_of_option(text: str | None) -> date | None:
    if text is None:
        return None
    from policykit.lang.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError([Diagnostic("--as-of", 0, 0, "bad-date", str(exc))]) from None


def read_input(path: str, inp: IO[str]) -> tuple[bytes, str]:
    if path == "-":
        data = inp.buffer.read() if hasattr(inp, "buffer") else inp.read().encode("utf-8")
        return data, "<stdin>"
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError([Diagnostic(path, 0, 0, "not-a-file", "is a directory, not a case file")])
        with open(p, "rb") as handle:
            return handle.read(), path
    except FileNotFoundError:
        raise InputError([Diagnostic(path, 0, 0, "not-found", "no such file")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(path, 0, 0, "unreadable", exc.strerror or str(exc))]) from None


def is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def columns(stream: IO[str]) -> int:
    """The width to lay text out in: the terminal's (COLUMNS if set), else 80."""
    import os
    import shutil

    if not is_terminal(stream):
        env = os.environ.get("COLUMNS", "")
        return int(env) if env.isdigit() and int(env) > 0 else 80
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return shutil.get_terminal_size((80, 24)).columns
