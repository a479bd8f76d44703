"""``policykit evaluate``: one case or a JSON Lines batch, each under the policy version
in force on its day, as text or JSON."""

from __future__ import annotations

import os

from policykit.cli.streams import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    as_of_option,
    as_of_warning,
    columns,
    is_terminal,
    limits_option,
    progress_stream,
    read_input,
)
from policykit.errors import Diagnostic, InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any


ONE_SHOT = False
"""Set by the console entry point (:func:`policykit.cli.app.main`) for a plain
``evaluate FILE`` line: the process decides that one case and ends.  Only then is the case
decided on the interpreter, each expression in its exact form alone (process-wide, and
nothing else runs in the process); called in-process (tests, an application embedding the
CLI), a case takes the generated road, as the batch does, and nothing process-wide changes."""


# The modules deciding one case loads after this one, each after the package's modules it
# imports: a process started for one case (ONE_SHOT) loads them at once (policykit.fastload.
# preload), not each through the import system.  tests/cli/test_cold_path.py holds the list
# to what a cold `evaluate FILE` loads.
COLD_MODULES = (
    "policykit.tools",
    "policykit.digest",
    "policykit.tools.document",
    "policykit.lang",
    "policykit.lang.dates",
    "policykit.policy",
    "policykit.memo",
    "policykit.policy.resources",
    "policykit.lang.values",
    "policykit.policy.catalogue",
    "policykit.policy.placeholders",
    "policykit.policy.model",
    "policykit.policy.calendar_days",
    "policykit.policy.document",
    "policykit.lang.form",
    "policykit.lang.functions",
    "policykit.lang.closures",
    "policykit.lang.fastpath",
    "policykit.lang.expr",
    "policykit.policy.policy_data",
    "policykit.policy.expressions",
    "policykit.policy.build",
    "policykit.policy.compiler",
    "policykit.tools.versions",
    "policykit.version",
    "policykit.policy.cache",
    "policykit.engine",
    "policykit.json_accel",
    "policykit.engine.case_reader",
    "policykit.engine.case_reader.model",
    "policykit.engine.case",
    "policykit.engine.reach",
    "policykit.engine.record",
    "policykit.engine.env",
    "policykit.engine.assume",
    "policykit.engine.settle",
    "policykit.engine.decide",
    "policykit.present",
    "policykit.present.catalogue",
    "policykit.present.result",
    "policykit.present.words",
    "policykit.present.assemble",
    "policykit.evaluator",
    "policykit.policy.origin",
    "policykit.engine.case_reader.json_fast",
    "policykit.engine.case_reader.checks",
    "policykit.engine.case_reader.reader",
    "policykit.engine.case_reader.runtime",
    "policykit.policy.fixed_width",
    "policykit.engine.case_reader.shapes",
    "policykit.policy.pattern_match",
    "policykit.engine.case_reader.walk",
)


def evaluate_command(args: Any, out: IO[str], err: IO[str], inp: IO[str]) -> int:

    if (args.case is None) == (args.batch is None):
        raise InputError([Diagnostic("policykit", 0, 0, "usage", "give a case file (or -), or --batch FILE")])
    if ONE_SHOT:
        from policykit.fastload import preload

        preload(COLD_MODULES)
    from policykit.tools.document import BatchSettings, chooser, evaluate_raw, render_text, requested_after

    limits = limits_option(args.limit)
    fmt = args.format or ("text" if is_terminal(out) else "json")
    settings = BatchSettings(
        args.policy,
        args.policy_set,
        args.allow_draft,
        as_of_option(args.as_of),
        args.lang,
        args.docs_url,
        args.explain,
        fmt,
        args.codes,
        args.clauses,
        columns(out) if fmt == "text" else 80,
        limits,
    )
    choose = chooser(settings)  # a bad policy fails here, before any output
    jobs = getattr(args, "jobs", None)
    if jobs is not None and args.batch is None:
        raise InputError(
            [Diagnostic("--jobs", 0, 0, "usage", "--jobs works with --batch: one case is decided in one process")]
        )
    jobs = jobs or 1
    if getattr(args, "engine", "local") == "dask":
        if args.batch is None:
            raise InputError([Diagnostic("--engine", 0, 0, "usage", "--engine dask needs --batch GLOB")])
        from policykit.cli.distributed import DASK_STDIN, evaluate_on_dask

        if args.batch == "-":
            raise InputError([DASK_STDIN])

        return evaluate_on_dask(settings, args, out, err)
    if args.batch is not None:
        return _batch(settings, args.batch, jobs, out, err, inp)
    raw, name = read_input(args.case, inp, limits.case_bytes)
    if ONE_SHOT:
        # one case, decided once: on the interpreter, which compiles no code it would run
        # once, each expression in its exact form alone (the generated road and the fast
        # forms give the same result, byte for byte: tests/differential,
        # tests/cli/test_one_case.py); the process ends after it
        from policykit.lang.expr import exact_forms_only

        exact_forms_only(True)
        policy, case, result = evaluate_raw(settings, raw, name, choose, generated=False)
    else:
        policy, case, result = evaluate_raw(settings, raw, name, choose)
    if settings.as_of is not None and (day := requested_after(case, settings.as_of)) is not None:
        print(as_of_warning(settings.as_of, name, *_where(raw, name, ("request", "date")), day=day), file=err)
    if fmt == "json":
        data = result.to_dict()
        if args.explain:
            from policykit.present.explain import explain_json

            data["explain"] = explain_json(result)
        out.write(_indented(data) + "\n")
    else:
        out.write(render_text(settings, policy, case, result))
    return EXIT_OK


def _where(raw: bytes, name: str, path: tuple[str, ...]) -> tuple[int, int]:
    """The line and column of the field at ``path`` in the JSON text ``raw`` (0, 0: not found)."""
    from policykit.policy.yamlload import load_yaml  # (only on this rare road: a JSON text is YAML)

    doc, _ = load_yaml(raw, name, max_bytes=len(raw) + 1)
    return doc.lines.get(path, (0, 0)) if doc is not None else (0, 0)


# Lines per task: a result can be 16 KiB (every reason, clause and step in words), and a
# task's results are held until it is written, so a task is a few lines in this process
# and a few dozen in a worker (enough that a task's work dwarfs handing it over).
CHUNK_LINES = 64
LOCAL_CHUNK_LINES = 8
FLUSH_BYTES = 1 << 16


def _batch(settings: Any, batch: str, jobs: int, out: IO[str], err: IO[str], inp: IO[str]) -> int:
    """Each line's result, in order: a JSON line (``--format json``) or a text block (``text``);
    with ``jobs`` > 1, decided in that many worker processes a chunk of lines at a time.
    A ``*.parquet`` file gives one case per row.  The output goes out as bytes, in writes
    of at least ``FLUSH_BYTES`` (standard input: as each line is decided, for a stream)."""
    from functools import partial

    from policykit.tools.batch import evaluate_lines, numbered_chunks, read_cases, read_lines
    from policykit.tools.parallel import ordered_map

    if not settings.policy and not settings.policy_set:
        from policykit.policy.resources import policies_folder

        # the working copy found once for the run, not again for each line
        settings = settings._replace(policy_set=policies_folder())
    streaming = batch == "-"
    if streaming:
        stream: Any = inp.buffer if hasattr(inp, "buffer") else inp
        numbered: Any = enumerate(read_lines(stream, settings.limits.case_bytes), 1)
    else:
        if os.path.isdir(batch):
            raise InputError([Diagnostic(batch, 0, 0, "not-a-file", "is a directory, not a JSON Lines file")])
        numbered = read_cases(batch, settings.limits.case_bytes)
    status = EXIT_OK
    size = CHUNK_LINES if jobs > 1 else (1 if streaming else LOCAL_CHUNK_LINES)
    write = _bytes_writer(out, streaming)
    pending: list[bytes] = []
    held = last = early = early_line = 0
    progress = _progress(err, streaming, out)
    try:
        work = partial(evaluate_lines, settings, batch)
        for chunk in ordered_map(work, numbered_chunks(numbered, size), jobs):
            if chunk.data:
                pending.append(chunk.data)
                held += len(chunk.data)
            if held >= FLUSH_BYTES or (streaming and held):
                data, held = b"".join(pending), 0
                pending.clear()
                write(data)
            if chunk.errors:
                if progress is not None:
                    progress.clear()
                for line in chunk.errors:
                    print(line, file=err)
            if chunk.internal:
                status = EXIT_INTERNAL
            elif chunk.bad and status != EXIT_INTERNAL:
                status = EXIT_BAD_INPUT
            last = chunk.last or last
            early, early_line = early + chunk.early, early_line or chunk.early_line
            if progress is not None:
                progress.update(last)
        if progress is not None:
            progress.done(last)
        if early:
            label = "<stdin>" if streaming else batch
            print(as_of_warning(settings.as_of, label, early_line, 0, early), file=err)
    finally:
        if progress is not None:
            progress.clear()
        if pending:  # what was decided is written, whatever stops the run
            write(b"".join(pending))
        if hasattr(numbered, "close"):
            numbered.close()
    return status


def _progress(err: IO[str], streaming: bool, out: IO[str]) -> Any:
    """The batch's progress line (lines read so far, and the rate) on ``err``, when it is a
    terminal and the results go elsewhere (results on the screen show how far it is), for a
    batch read from a file (a stream's lines come as they are typed or made)."""
    stream = None if streaming else progress_stream(err, out)
    if stream is None:
        return None
    from policykit.tools.progress import Progress

    return Progress(stream, "lines read")


def _bytes_writer(out: IO[str], streaming: bool = False) -> Any:
    """How to write bytes to ``out``: to its binary buffer when it writes UTF-8 (what it holds
    as text goes first), else decoded, for the stream to encode.  ``streaming`` (standard
    input): each write is pushed out at once, for a reader waiting on the next line."""
    buffer = getattr(out, "buffer", None)
    encoding = str(getattr(out, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if buffer is None or encoding != "utf8":
        if streaming:
            return lambda data: (out.write(data.decode("utf-8")), out.flush())
        return lambda data: out.write(data.decode("utf-8"))
    out.flush()
    if streaming:
        return lambda data: (buffer.write(data), buffer.flush())
    return buffer.write


def _indented(data: Any) -> str:
    """``data`` as indented JSON: by the interpreter's C accelerator where it can
    (:mod:`policykit.json_accel`: without importing json), else by :mod:`json`."""
    from policykit.json_accel import dumps_indented

    text = dumps_indented(data)
    if text is None:
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    return text
