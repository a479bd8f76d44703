"""What every command shares: exit codes, reading a file or standard input, the --as-of
option, and whether the output is a terminal."""

from __future__ import annotations

from policykit.errors import Diagnostic, InputError
from policykit.limits import DEFAULT, Limits, read_bounded, read_stream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    from policykit.lang.dates import date

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def as_of_option(text: str | None) -> date | None:
    if text is None:
        return None
    from policykit.lang.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError([Diagnostic("--as-of", 0, 0, "bad-date", str(exc))]) from None


def as_of_warning(as_of: date, file: str, line: int, col: int, cases: int = 1, day: str | None = None) -> str:
    """The one line that says cases were decided as of a day before their request date (the
    day of evaluation before the request was made: likely a typo): one case, requested on
    ``day``, its request date at ``file:line:col``; or ``cases`` of a batch, the first at
    ``file:line`` (a file of a folder: ``line`` 0).  A warning, not an error: the exit
    status and the output stay as they are."""
    if day is not None:
        what = f"the request date {day}"
    else:
        first = f"on line {line}" if line else f"in {file}"
        what = (
            f"the request date of 1 case, {first}"
            if cases == 1
            else f"the request date of {cases} cases, the first {first}"
        )
    message = f"--as-of {as_of.isoformat()} is before {what}: decided as of a day before the request was made (a typo?)"
    return Diagnostic(file, line, col, "as-of-before-request", message, "request.date").format()


def read_input(path: str, inp: IO[str], limit: int = DEFAULT.case_bytes) -> tuple[bytes, str]:
    """A case: a file or standard input (``-``), read no further than ``limit`` bytes."""
    if path == "-":
        stream = getattr(inp, "buffer", None) or inp
        try:
            return read_stream(stream, limit, "<stdin>"), "<stdin>"
        except (OSError, ValueError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError([Diagnostic("<stdin>", 0, 0, "unreadable", message)]) from None
    return read_bounded(path, limit), path


def write_output(path: str, text: str) -> None:
    """Write ``text`` to the file an option names; a path that cannot be written is bad input."""
    from pathlib import Path  # only the commands that write a file need it

    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError([Diagnostic(path, 0, 0, "not-writable", exc.strerror or str(exc))]) from None


def read_output(path: str) -> str | None:
    """The text of a file an option names, or None when there is none; unreadable is bad input."""
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8") if Path(path).is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError([Diagnostic(path, 0, 0, "unreadable", message or "cannot be read")]) from None


def limits_option(items: list[str] | None) -> Limits:
    """``--limit NAME=VALUE`` options over the documented defaults."""
    limits = DEFAULT
    if not items:
        return limits
    known = Limits.kinds()
    for item in items or []:
        name, _, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if name not in known:
            from policykit.lang.hints import suggest

            raise InputError(
                [Diagnostic("--limit", 0, 0, "unknown-limit", f"no limit '{name}'{suggest(name, list(known))}")]
            )
        try:
            value: float = float(text) if known[name] is float else int(text.replace("_", ""))
        except ValueError:
            raise InputError([Diagnostic("--limit", 0, 0, "bad-limit", f"{name}={text!r} is not a number")]) from None
        if not 0 < value < 10**15:
            if value != value or value in (float("inf"), float("-inf")):
                why = f"{name}={text!r} is not a finite number"
            elif value >= 10**15:
                why = f"{name}={text!r} is over the largest a limit may be, {10**15 - 1:_}"
            else:
                why = f"{name} must be above 0"
            raise InputError([Diagnostic("--limit", 0, 0, "bad-limit", why)])
        limits = limits.replace(**{name: value})
    return limits


def is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def progress_stream(err: IO[str], results: IO[str] | None = None) -> IO[str] | None:
    """Where a long run's progress line goes: ``err`` when it is a terminal, unless
    ``results`` (the stream its results are written to as they come) is a terminal too,
    where the line would cut them and they show how far the run is anyway."""
    if not is_terminal(err) or (results is not None and is_terminal(results)):
        return None
    return err


def columns(stream: IO[str]) -> int:
    """The width to lay text out in: the terminal's (COLUMNS if set), else 80."""
    import os

    if not is_terminal(stream):
        env = os.environ.get("COLUMNS", "")
        return int(env) if env.isdigit() and int(env) > 0 else 80
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        import shutil  # its compression modules are no part of a run that writes to a file

        return shutil.get_terminal_size((80, 24)).columns


JOBS_PER_CORE = 4
"""The most worker processes ``--jobs`` may ask for, per core: enough to keep every core busy
while some wait on their input or output, not a thousand processes by a slip of the finger."""


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system tells it)."""
    import os

    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # (macOS, Windows)
        return os.cpu_count() or 1


def max_jobs() -> int:
    """The largest ``--jobs`` taken: :data:`JOBS_PER_CORE` per core."""
    return JOBS_PER_CORE * cores()


# -- option types (argparse's ``type=``): a bad value is a usage error naming the option --


def whole(low: int, high: int | None = None, why: str = "") -> Callable[[str], int]:
    """An option's type: a whole number from ``low`` (to ``high``, the bound explained by ``why``)."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}{why}" if high is not None else f"of {low} or more"
            from argparse import ArgumentTypeError  # (argparse is not on every command's road)

            raise ArgumentTypeError(f"must be a whole number {span}, not {text!r}")
        return value

    return read


def number(low: float, high: float, what: str, above: bool = False) -> Callable[[str], float]:
    """An option's type: a finite number from ``low`` (or ``above`` it) to ``high``,
    described as ``what`` when refused."""

    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not (low < value if above else low <= value) or not value <= high or value == float("inf"):  # (nan too)
            from argparse import ArgumentTypeError  # (argparse is not on every command's road)

            raise ArgumentTypeError(f"must be {what}, not {text!r}")
        return value

    return read


def lang_code(text: str) -> str:
    """A language's code as a policy's texts are keyed (zh, en, de, pt-BR); whether the
    policy speaks it is checked once it is loaded."""
    head, _, tail = text.partition("-")
    if not (len(head) == 2 and head.isascii() and head.isalpha() and head.islower()) or (
        tail and not (2 <= len(tail) <= 4 and tail.isascii() and tail.isalpha())
    ):
        from argparse import ArgumentTypeError  # (a refused option only: argparse words it)

        raise ArgumentTypeError(f"'{text}' is not a language's code (zh, en, de...)")
    return text
