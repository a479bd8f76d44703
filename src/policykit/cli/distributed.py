"""``--engine dask``: ``evaluate --batch GLOB`` and ``diff --cases GLOB`` on a Dask cluster."""

from __future__ import annotations

import argparse
from datetime import date
from typing import IO, Any

from policykit.cli.streams import EXIT_BAD_INPUT, EXIT_OK, as_of_warning, cores, progress_stream
from policykit.errors import Diagnostic, InputError

# the workers read files: standard input is this process's alone
DASK_STDIN = Diagnostic(
    "-", 0, 0, "usage", "--engine dask reads files (a glob), not standard input: save the lines first"
)


def _workers(args: argparse.Namespace) -> int:
    """The LocalCluster's workers: ``--jobs``, else one per core (never more than the files:
    the cluster's side of it)."""
    jobs = getattr(args, "jobs", None) or 1
    return jobs if jobs > 1 else cores()


def evaluate_on_dask(settings: Any, args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """Decide every file of the glob; the results go to ``--output DIR`` one part per file,
    and stdout gets one JSON line per part (input, output, cases, bad)."""
    from policykit.tools.distributed import evaluate_on_cluster, summary_lines

    if not args.output:
        raise InputError([Diagnostic("--output", 0, 0, "usage", "--engine dask writes its parts to --output DIR")])
    parts = evaluate_on_cluster(settings, args.batch, args.output, args.scheduler, _workers(args), progress_stream(err))
    for part in parts:
        for line in part.errors:
            print(line, file=err)
        if part.early and settings.as_of is not None:  # each file a batch of its own
            print(as_of_warning(settings.as_of, part.source, part.early_line, 0, part.early), file=err)
    out.write(summary_lines(parts))
    return EXIT_BAD_INPUT if any(p.bad for p in parts) else EXIT_OK


def impact_on_dask(args: argparse.Namespace, as_of: date, err: IO[str] | None = None, limits: Any = None) -> Any:
    """The impact of ``diff --cases GLOB`` on the cluster, each case under ``limits`` (default: the defaults)."""
    from policykit.limits import DEFAULT
    from policykit.tools.distributed import impact_on_cluster

    progress = progress_stream(err) if err is not None else None
    limits = DEFAULT if limits is None else limits
    return impact_on_cluster(args.old, args.new, as_of, args.cases, args.scheduler, _workers(args), progress, limits)
