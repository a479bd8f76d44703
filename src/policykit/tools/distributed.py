"""Batches past one machine: the cases of many JSON Lines (or Parquet) files decided on a
Dask distributed cluster, one task per file, each writing its own part of the output.

A task runs the very functions a single process runs (:mod:`policykit.tools.batch`,
:mod:`policykit.tools.impact`), so results are identical; Dask does the scheduling.

The output folder may be one an earlier run wrote: the parts that run left
(``part-NNNNN.jsonl`` or ``.txt``, our names only) are removed before the new ones are
written, so no old part sits beside them; any other file in it is left alone.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any

from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.limits import DEFAULT, Limits
from policykit.tools.batch import BatchSettings, evaluate_lines, read_cases
from policykit.tools.impact import Impact, impact_of_files
from policykit.tools.progress import Progress


def expand(pattern: str) -> list[str]:
    """The files a glob names, sorted (the order of the output parts)."""
    files = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
    if not files:
        raise InputError([Diagnostic(pattern, 0, 0, "not-found", "no JSON Lines or Parquet file matches")])
    return files


def _missing(what: str) -> InputError:
    message = f"{what} is not installed: pip install 'policykit[dask]'"
    return InputError([Diagnostic("--engine", 0, 0, "not-installed", message)])


@dataclass(frozen=True)
class Part:
    """What one task did: the file it read, the part it wrote, its cases, its bad lines."""

    source: str
    output: str
    cases: int
    bad: int
    errors: tuple[str, ...]
    early: int = 0  # cases decided as of a day before their request date (a mistyped --as-of?)
    early_line: int = 0  # the line of the first

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.source, "output": self.output, "cases": self.cases, "bad": self.bad}


def evaluate_file(settings: BatchSettings, out_dir: str, task: tuple[int, str]) -> Part:
    """Decide every case of one file; write the results to ``out_dir/part-NNNNN.jsonl``."""
    index, source = task
    suffix = "txt" if settings.fmt == "text" else "jsonl"
    target = str(Path(out_dir) / f"part-{index:05d}.{suffix}")
    cases = bad = early = early_line = 0
    errors: list[str] = []
    with open(target, "wb") as out:  # the chunks' bytes as they are
        chunk: list[tuple[int, bytes | None]] = []
        for item in read_cases(source):
            chunk.append(item)
            if len(chunk) >= 512:
                done = evaluate_lines(settings, source, chunk)
                out.write(done.data)
                cases, bad = cases + _count(chunk), bad + done.bad
                errors.extend(done.errors)
                early, early_line = early + done.early, early_line or done.early_line
                chunk = []
        done = evaluate_lines(settings, source, chunk)
        out.write(done.data)
        cases, bad = cases + _count(chunk), bad + done.bad
        errors.extend(done.errors)
        early, early_line = early + done.early, early_line or done.early_line
    return Part(source, target, cases, bad, tuple(errors), early, early_line)


def _count(chunk: list[tuple[int, bytes | None]]) -> int:
    return sum(1 for _, raw in chunk if raw is None or raw.strip())


def impact_of_file(old: str, new: str, as_of: date, source: str, limits: Limits = DEFAULT) -> Impact:
    items: list[tuple[str, bytes | PolicykitError | None]] = [
        (f"{source}:{n}", raw) for n, raw in read_cases(source, limits.case_bytes) if raw is None or raw.strip()
    ]
    return impact_of_files(old, new, as_of, items, limits)


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster of ``workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise _missing("dask.distributed") from None
    if scheduler:
        try:
            client = Client(scheduler)
        except (ValueError, OSError, TimeoutError) as exc:  # a bad address, or no scheduler there in time
            message = f"cannot reach a Dask scheduler at {scheduler}: {exc}"
            raise InputError([Diagnostic("--scheduler", 0, 0, "scheduler-unreachable", message)]) from None
        with client:
            yield client
        return
    import logging

    # the scheduler's and workers' own warnings (a task cancelled by Ctrl-C, a worker killed
    # as the cluster closes) are not the user's problems: their errors still show
    quiet = logging.ERROR
    with (
        _quiet_once_interrupted(),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=quiet,
            preload=["policykit.tools.dask_worker"],  # its workers leave Ctrl-C to the command
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def _quiet_once_interrupted() -> Iterator[None]:
    """Ctrl-C (a KeyboardInterrupt, as ever) also silences every log of this process until
    the cluster is closed: the terminal sends it to the cluster's workers too, and the
    nannies here log each worker's end, and the cluster's closing, as errors with
    tracebacks.  A Ctrl-C pressed again while it closes is ignored (as with ``--jobs``).
    The command ends with its one line.  The logging and the handler are put back after.
    Only the main thread can set a signal handler, and one set from C cannot be put back:
    then nothing changes."""
    import logging
    import signal
    import threading

    before = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if before is None or before is signal.SIG_IGN:  # not ours to change; a Ctrl-C ignored stays so
        yield
        return
    was = logging.root.manager.disable

    def interrupted(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # once is enough: the cluster is closing
        logging.disable(logging.CRITICAL)
        if callable(before):
            before(signum, frame)  # Python's own raises KeyboardInterrupt
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        logging.disable(was)


def _each(client: Any, tasks: list[Any], fn: Any, progress: IO[str] | None, what: str) -> list[Any]:
    """``fn`` of every task on the cluster (one Dask task each), the results in the order of
    the tasks; with ``progress`` (a terminal), a line counting the tasks done as they end."""
    from distributed import as_completed

    futures = client.map(fn, tasks, pure=False)
    order = {future.key: index for index, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    line = Progress(progress, what) if progress is not None else None
    for done, future in enumerate(as_completed(futures), 1):
        results[order[future.key]] = future.result()  # a task's error is raised here, as Dask gives it
        if line is not None:
            line.update(done)
    if line is not None:
        line.done(len(futures))
    return results


def evaluate_on_cluster(
    settings: BatchSettings,
    pattern: str,
    out_dir: str,
    scheduler: str | None,
    workers: int,
    progress: IO[str] | None = None,
) -> list[Part]:
    """Every file of ``pattern`` decided on the cluster; the parts in the order of the files."""
    files = expand(pattern)
    output_folder(out_dir)
    work = partial(evaluate_file, settings, str(Path(out_dir).resolve()))
    with dask_client(scheduler, min(workers, len(files))) as client:  # a worker a file at most
        clear_parts(out_dir)  # only once the cluster answers: a refused run keeps the last results
        return _each(client, list(enumerate(files)), work, progress, "files decided")


_PART = re.compile(r"part-\d{5}\.(jsonl|txt)")


def output_folder(out_dir: str) -> None:
    """``out_dir`` made if new; refused (exit 2) when it names a file or cannot be made."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError([Diagnostic(out_dir, 0, 0, "not-a-folder", "--output names a file: give a folder")])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unusable(out_dir, exc) from None


def clear_parts(out_dir: str) -> None:
    """``out_dir`` emptied of the parts an earlier run wrote (``part-NNNNN.jsonl``/``.txt``),
    so that the folder holds this run's alone; any other file is kept."""
    try:
        for old in Path(out_dir).iterdir():
            if _PART.fullmatch(old.name) and old.is_file():
                old.unlink()
    except OSError as exc:
        raise _unusable(out_dir, exc) from None


def _unusable(out_dir: str, exc: OSError) -> InputError:
    return InputError([Diagnostic(out_dir, 0, 0, "write-failed", f"cannot use as --output: {exc.strerror or exc}")])


def impact_on_cluster(
    old: str,
    new: str,
    as_of: date,
    pattern: str,
    scheduler: str | None,
    workers: int,
    progress: IO[str] | None = None,
    limits: Limits = DEFAULT,
) -> Impact:
    """The impact over every file of ``pattern``, computed on the cluster under ``limits``,
    merged in file order."""
    files = expand(pattern)
    total = Impact()
    work = partial(impact_of_file, old, new, as_of, limits=limits)
    with dask_client(scheduler, min(workers, len(files))) as client:  # a worker a file at most
        for part in _each(client, files, work, progress, "files compared"):
            total.merge(part)
    return total


def summary_lines(parts: list[Part]) -> str:
    return "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in parts)
