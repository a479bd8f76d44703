"""Evaluating many cases: one JSON document (bytes) in, its output record out, with the
policy each case is decided under chosen by a small picklable ``BatchSettings``.

The same functions serve one process, ``--jobs N`` worker processes and Dask workers:
a worker receives the settings and a chunk of lines and returns the text to write, so
results are identical whichever runs them.
"""

from __future__ import annotations

import json
import re

from policykit.digest import sha256_hex
from policykit.errors import CaseError, Diagnostic, InputError, PolicykitError, printable
from policykit.limits import DEFAULT, LimitError, Limits
from policykit.tools.batch_memory import SWEEPER

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import date
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple

SEPARATOR = "\n" + "─" * 40 + "\n"
# what :func:`printable` escapes but for the text view's own tabs and newlines: the other
# control characters, and surrogates (not Unicode: no UTF-8 for them)
_ESCAPED = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"


def _escaped() -> re.Pattern[str]:
    """The pattern of :data:`_ESCAPED`, compiled when a text view is first written (0.5 ms
    a start that writes JSON need not pay), then found in re's own cache."""
    return re.compile(_ESCAPED)


class BatchSettings(NamedTuple):
    """Everything a worker needs to decide a line as the CLI would (hashable: a memo key)."""

    policy: str | None = None
    policy_set: str | None = None
    allow_draft: bool = False
    as_of: date | None = None
    lang: str = "zh"
    docs_url: str | None = None
    explain: bool = False
    fmt: str = "json"
    codes: bool = False
    clauses: str = "short"
    columns: int = 80
    limits: Limits = DEFAULT


class Chunk(NamedTuple):
    """The output of a run of lines: stdout bytes (UTF-8), stderr lines, and how many lines
    were bad (a named tuple: one is made, and pickled back from a worker, per run of lines)."""

    data: bytes
    errors: tuple[str, ...]
    bad: int
    internal: int = 0  # lines that hit a bug (exit status 1 at the end)


_CHOOSERS: dict[tuple[str | None, str | None, bool, Limits], Callable[[Any], Any]] = {}


def chooser(settings: BatchSettings) -> Callable[[Any], Any]:
    """How each case finds its policy: the file given, or the version in force on its day
    (loaded once per process)."""
    from policykit.policy.resources import policies_folder

    # the folder as found now: the working copy the command runs in decides
    folder = settings.policy_set or (None if settings.policy else policies_folder())
    key = (settings.policy, folder, settings.allow_draft, settings.limits)
    found = _CHOOSERS.get(key)
    if found is not None:
        return found
    from policykit.policy.compiler import load_policy

    if settings.policy:
        policy, _ = load_policy(settings.policy, use_cache=True, limits=settings.limits)
        found = lambda data: policy  # noqa: E731
    else:
        from policykit.tools.versions import load_policy_set

        policy_set = load_policy_set(folder or policies_folder(), use_cache=True)
        allow = settings.allow_draft
        found = lambda data: policy_set.for_case(data, allow)  # noqa: E731
    _CHOOSERS[key] = found
    return found


class _Reader:
    """Decides JSON documents under ``settings``, one after another: what every case of a
    run shares (the functions, the chooser, each policy's file name) found once."""

    __slots__ = ("choose", "evaluate", "files", "origin", "parse_json", "read_case", "settings")

    def __init__(
        self, settings: BatchSettings, choose: Callable[[Any], Any] | None = None, generated: bool = True
    ) -> None:
        from policykit.engine.case import parse_json, read_case
        from policykit.evaluator import evaluate
        from policykit.policy.origin import origin

        if not generated:  # the interpreter alone (the same results): a case decided once
            from functools import partial

            evaluate = partial(evaluate, generated=False)
        self.settings, self.choose = settings, choose
        self.parse_json, self.read_case, self.evaluate, self.origin = parse_json, read_case, evaluate, origin
        # each policy met, by identity, with the name of its file (the folder does not change in a run)
        self.files: dict[int, tuple[Any, str]] = {}

    def file(self, policy: Any) -> str:
        """The name of ``policy``'s file in the output (``policy.file`` of the JSON)."""
        found = self.files.get(id(policy))
        if found is None or found[0] is not policy:
            found = (policy, self.origin(policy.file))
            if len(self.files) < 64:
                self.files[id(policy)] = found
        return found[1]

    def __call__(self, raw: bytes, name: str) -> tuple[Any, Any, Any]:
        """(policy, case, result) of one JSON document; raises PolicykitError on bad input."""
        settings = self.settings
        limits = settings.limits
        data = self.parse_json(raw.rstrip(b"\r\n"), name, limits.case_bytes)  # a final newline is not counted
        choose = self.choose
        if choose is None:
            choose = self.choose = chooser(settings)
        policy = choose(data)
        case = self.read_case(policy, data, name, raw, settings.lang)  # the text is decoded only to place a problem
        try:
            result = self.evaluate(
                policy,
                case,
                settings.as_of or policy.today(),
                settings.lang,
                settings.docs_url,
                settings.explain,
                sha256_hex(raw),
                settings.fmt == "text",
                limits,
                self.file(policy),
            )
        except (CaseError, LimitError) as exc:
            found = exc.diagnostics
            raise type(exc)([Diagnostic(name, d.line, d.col, d.code, d.message, d.path) for d in found]) from None
        return policy, case, result


_READERS: dict[int, tuple[BatchSettings, _Reader]] = {}


def _reader(settings: BatchSettings) -> _Reader:
    """The :class:`_Reader` of ``settings``, kept for the settings object while it names its
    policy file or folder (so the policy is found the same way on every call): a caller
    that hands lines over a few at a time (a stream, a worker's chunks) makes it once."""
    found = _READERS.get(id(settings))
    if found is not None and found[0] is settings:
        return found[1]
    reader = _Reader(settings, chooser(settings))
    if settings.policy or settings.policy_set:
        if len(_READERS) >= 64:  # bounded: a worker is handed new settings with every chunk
            _READERS.clear()
        _READERS[id(settings)] = (settings, reader)  # the settings kept: their id stays theirs
    return reader


def evaluate_raw(
    settings: BatchSettings,
    raw: bytes,
    name: str,
    choose: Callable[[Any], Any] | None = None,
    generated: bool = True,
) -> tuple[Any, Any, Any]:
    """(policy, case, result) of one JSON document (``choose``: the chooser of ``settings``,
    when the caller has it), the result naming the policy's file; raises PolicykitError
    on bad input.  ``generated=False``: decided on the interpreter alone (the same result;
    for one case in a process, which would compile code it runs once)."""
    return _Reader(settings, choose, generated)(raw, name)


def named(result: Any, policy: Any) -> Any:
    """``result`` naming the policy file that decided it (``policy.file`` of the JSON)."""
    from policykit.policy.origin import origin

    file = origin(policy.file)
    if result.policy.file == file:
        return result
    return result._replace(policy=result.policy._replace(file=file))


def render_text(settings: BatchSettings, policy: Any, case: Any, result: Any) -> str:
    """The text view, and with ``--explain`` every rule considered."""
    from policykit.present.text import TextOptions
    from policykit.present.text import render_text as render

    codes = settings.codes or settings.explain
    text = render(policy, result, settings.lang, case, TextOptions(settings.columns, codes, settings.clauses))
    if settings.explain:
        from policykit.present.explain import render_explain

        text += "\n" + render_explain(policy, result, settings.lang, case)
    return _printable(text)  # a case's own control characters are never written raw


def _printable(text: str) -> str:
    """``printable(text, keep="\\n\\t")``, with no work where there is nothing to escape
    (a text view has a newline on every line)."""
    if _escaped().search(text) is None:
        return text
    return printable(text, keep="\n\t")


def _json_line(data: dict[str, Any]) -> bytes:
    import orjson

    return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)


_WRITERS: list[Callable[[dict[str, Any]], bytes]] = []


def _json_writer() -> Callable[[dict[str, Any]], bytes]:
    """:func:`_json_line` with orjson found once (imported at the first batch, not at start)."""
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
    bad = internal = cases = 0
    text_format = settings.fmt == "text"
    decide: _Reader | None = None  # made once for the run of lines, at its first case
    json_line = _json_writer()
    for number, raw in lines:
        if raw is None:
            bad += 1
            message = f"line longer than {settings.limits.case_bytes} bytes"
            out.append(_json_line({"line": number, "errors": [{"path": "", "code": "too-large", "message": message}]}))
            errors.append(Diagnostic(label, number, 0, "too-large", message).format())
            continue
        if not raw or raw.isspace():  # a blank line (no copy of the line made to see it)
            continue
        cases += 1
        try:
            if decide is None:
                decide = _reader(settings)
            policy, case, result = decide(raw, f"{label}:{number}")
            if text_format:
                out.append(_encoded((SEPARATOR if number > 1 else "") + render_text(settings, policy, case, result)))
            else:
                out.append(json_line(result.to_dict(fresh=False)))  # written out at once, never changed
        except PolicykitError as exc:
            bad += 1
            found = [{"path": d.path, "code": d.code, "message": d.message} for d in exc.diagnostics]
            if not text_format:
                out.append(_encoded(json.dumps({"line": number, "errors": found}, ensure_ascii=False) + "\n"))
            errors.extend(Diagnostic(label, number, 0, d.code, d.message, d.path).format() for d in exc.diagnostics)
        except (OSError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug shown by this line: report it, and go on with the next
            internal += 1
            message = f"internal error: {type(exc).__name__}: {exc}"
            out.append(
                _json_line({"line": number, "errors": [{"path": "", "code": "internal-error", "message": message}]})
            )
            errors.append(Diagnostic(label, number, 0, "internal-error", message).format())
    if cases:
        SWEEPER.decided(cases)
    return Chunk(b"".join(out), tuple(errors), bad, internal)


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
