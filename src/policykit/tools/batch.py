"""Evaluating many cases: JSON Lines (or Parquet rows) in, each line's output record out,
with the policy each case is decided under chosen by a small picklable ``BatchSettings``
(one document is decided by :mod:`policykit.tools.document`).

The same functions serve one process, ``--jobs N`` worker processes and Dask workers:
a worker receives the settings and a chunk of lines and returns the text to write, so
results are identical whichever runs them.
"""

from __future__ import annotations

import json

from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.limits import DEFAULT
from policykit.tools.batch_memory import SWEEPER
from policykit.tools.document import (
    BatchSettings,
    _Reader,
    _reader,
    chooser,
    evaluate_raw,
    named,
    on_line,
    render_text,
    requested_after,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple

__all__ = [
    "BatchSettings",
    "Chunk",
    "chooser",
    "evaluate_lines",
    "evaluate_raw",
    "named",
    "read_cases",
    "read_lines",
    "render_text",
]

SEPARATOR = "\n" + "─" * 40 + "\n"


class Chunk(NamedTuple):
    """The output of a run of lines: stdout bytes (UTF-8), stderr lines, and how many lines
    were bad (a named tuple: one is made, and pickled back from a worker, per run of lines)."""

    data: bytes
    errors: tuple[str, ...]
    bad: int
    internal: int = 0  # lines that hit a bug (exit status 1 at the end)
    last: int = 0  # the number of the run's last line (how far the batch is: its progress line)
    early: int = 0  # cases decided as of a day before their request date (--as-of likely a typo)
    early_line: int = 0  # the first of them


def _error_line(number: int, errors: list[dict[str, Any]]) -> bytes:
    """The line standing for a case that gave no result, written as CONTRACT.md writes it
    (``{"line": N, "errors": [...]}``), whatever refused it."""
    return _encoded(json.dumps({"line": number, "errors": errors}, ensure_ascii=False) + "\n")


_WRITERS: list[Callable[[dict[str, Any]], bytes]] = []


def _json_writer() -> Callable[[dict[str, Any]], bytes]:
    """A result as its JSON line, with orjson found once (imported at the first batch, not at start)."""
    if not _WRITERS:
        import orjson

        dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
        _WRITERS.append(lambda data: dumps(data, option=option))
    return _WRITERS[0]


def _encoded(text: str) -> bytes:
    """Text as the standard output writes it (UTF-8; a lone surrogate backslash-escaped)."""
    return text.encode("utf-8", "backslashreplace")


def evaluate_lines(settings: BatchSettings, label: str, lines: Iterable[tuple[int, bytes | None]]) -> Chunk:
    """Decide numbered JSON Lines (None for a line over the size limit): the output of the run,
    as bytes: each result is written by orjson straight into the output.  The cases decided
    are counted by the process's :data:`~policykit.tools.batch_memory.SWEEPER`, which keeps
    a long run's memory flat."""
    out: list[bytes] = []
    errors: list[str] = []
    bad = internal = cases = number = early = early_line = 0
    text_format = settings.fmt == "text"
    decide: _Reader | None = None  # made once for the run of lines, at its first case
    json_line = _json_writer()
    for number, raw in lines:
        if raw is None:
            bad += 1
            message = f"line longer than {settings.limits.case_bytes} bytes"
            out.append(_error_line(number, [{"path": "", "code": "too-large", "message": message}]))
            errors.append(Diagnostic(label, number, 0, "too-large", message).format())
            continue
        if not raw or raw.isspace():  # a blank line (no copy of the line made to see it)
            continue
        cases += 1
        try:
            if decide is None:
                decide = _reader(settings)
            policy, case, result = decide(raw, f"{label}:{number}")
            if settings.as_of is not None and requested_after(case, settings.as_of):
                early, early_line = early + 1, early_line or number
            if text_format:
                out.append(_encoded((SEPARATOR if number > 1 else "") + render_text(settings, policy, case, result)))
            elif settings.explain:  # as a single case's JSON: the result, then every rule considered
                from policykit.present.explain import explain_json

                out.append(json_line({**result.to_dict(fresh=False), "explain": explain_json(result)}))
            else:
                out.append(json_line(result.to_dict(fresh=False)))  # written out at once, never changed
        except PolicykitError as exc:
            bad += 1
            found = [{"path": d.path, "code": d.code, "message": d.message} for d in exc.diagnostics]
            if not text_format:
                out.append(_error_line(number, found))
            errors.extend(on_line(label, number, d).format() for d in exc.diagnostics)
        except (OSError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug shown by this line: report it, and go on with the next
            internal += 1
            message = f"internal error: {type(exc).__name__}: {exc}"
            out.append(_error_line(number, [{"path": "", "code": "internal-error", "message": message}]))
            errors.append(Diagnostic(label, number, 0, "internal-error", message).format())
    if cases:
        SWEEPER.decided(cases)
    return Chunk(b"".join(out), tuple(errors), bad, internal, number, early, early_line)


def read_lines(stream: Any, limit: int = DEFAULT.case_bytes) -> Iterator[bytes | None]:
    """Lines of a JSON Lines stream as bytes; None in place of a line over ``limit`` bytes
    (its newline not counted; skipped whole, never held whole)."""
    while True:
        chunk = stream.readline(limit + 2)
        if not chunk:
            return
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        ended = chunk.endswith(b"\n")
        body = chunk.rstrip(b"\r\n") if ended else chunk
        if len(body) > limit:
            while chunk and not ended:
                chunk = stream.readline(limit + 2)
                if isinstance(chunk, str):
                    chunk = chunk.encode("utf-8", "surrogateescape")
                ended = chunk.endswith(b"\n")
            yield None
            continue
        yield chunk


def numbered_chunks(
    numbered: Iterable[tuple[int, bytes | None]], size: int
) -> Iterator[list[tuple[int, bytes | None]]]:
    """Numbered lines in lists of ``size``."""
    from policykit.tools.parallel import chunks

    return chunks(numbered, size)


PARQUET_COLUMN = "case"


def read_cases(path: str, limit: int = DEFAULT.case_bytes) -> Iterator[tuple[int, bytes | None]]:
    """(line or row number from 1, JSON bytes) of each case of a JSON Lines file, or of a
    Parquet file (``*.parquet``: one case per row, as JSON text in its ``case`` column).
    The file is opened here, so a file that cannot be read fails before any output."""
    try:
        if path.endswith(".parquet"):
            return _parquet_rows(path)
        import os
        import stat

        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError([Diagnostic(path, 0, 0, "not-a-file", "is a directory, not a JSON Lines file")])
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
            raise InputError([Diagnostic(path, 0, 0, "not-a-file", "is a device or socket, not a file")])
        handle = open(path, "rb")  # noqa: SIM115 - closed by the generator
    except FileNotFoundError:
        raise InputError([Diagnostic(path, 0, 0, "not-found", "no such file")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(path, 0, 0, "unreadable", exc.strerror or str(exc))]) from None
    return _lines_of(handle, limit)


def _lines_of(handle: Any, limit: int) -> Iterator[tuple[int, bytes | None]]:
    with handle:
        yield from enumerate(read_lines(handle, limit), 1)


def _parquet_rows(path: str) -> Iterator[tuple[int, bytes | None]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        message = "reading Parquet needs pyarrow: pip install 'policykit[dask]'"
        raise InputError([Diagnostic(path, 0, 0, "not-installed", message)]) from None
    try:
        parquet = pq.ParquetFile(path)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError([Diagnostic(path, 0, 0, "bad-parquet", str(exc).splitlines()[0])]) from None
    if PARQUET_COLUMN not in parquet.schema_arrow.names:
        message = f"no column {PARQUET_COLUMN!r} (one case per row, as JSON text)"
        raise InputError([Diagnostic(path, 0, 0, "bad-parquet", message)])
    return _rows_of(parquet)


def _rows_of(parquet: Any) -> Iterator[tuple[int, bytes | None]]:
    """The rows a record batch at a time: memory stays flat however many rows there are."""
    number = 0
    for batch in parquet.iter_batches(batch_size=4096, columns=[PARQUET_COLUMN]):
        for value in batch.column(0).to_pylist():
            number += 1
            yield number, _row(value)


def _row(value: Any) -> bytes | None:
    raw = value if isinstance(value, bytes) else str(value or "").encode("utf-8")
    return None if len(raw) > DEFAULT.case_bytes else raw
