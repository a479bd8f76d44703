"""The command line: ``run(argv, stdout, stderr) -> int``, so tests call it in-process.

Exit status: 0 done, 2 bad input (case, policy, options), 1 internal error.  Problems
go to stderr one a line as ``file:line:col: code: message (at path)``; nothing goes to
stdout when the input is bad.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from collections.abc import Sequence
from typing import IO

from policykit.cli.streams import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK
from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.version import __version__

LIMIT_HELP = "change one limit of the work (repeatable; see README, Limits and safety), e.g. operations=5000000"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError([Diagnostic("policykit", 0, 0, "usage", message)])


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policykit", description="A service standard as policy code: validate it, evaluate cases.")
    parser.add_argument("--version", action="version", version=f"policykit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ev = sub.add_parser("evaluate", help="decide a case (JSON) under the policy")
    ev.add_argument("case", nargs="?", help="case file, or - for standard input")
    ev.add_argument("--batch", metavar="FILE", help="JSON Lines: one case per line (- for standard input)")
    ev.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    ev.add_argument("--format", choices=["text", "json"], help="default: text on a terminal, JSON otherwise")
    ev.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of all a person reads")
    ev.add_argument("--as-of", metavar="DATE", help="evaluation day YYYY-MM-DD (default: today)")
    ev.add_argument("--policy", metavar="PATH", help="use this policy file, whatever the case's date")
    ev.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions; each case uses the version in force on its request.date "
        "(default: the working copy's policies/, else the bundled set)",
    )
    ev.add_argument(
        "--allow-draft",
        action="store_true",
        help="let a draft version decide even where an approved version is in force",
    )
    ev.add_argument("--explain", action="store_true", help="show every rule considered and why (with the codes)")
    ev.add_argument(
        "--codes", action="store_true", help="text view: show the internal codes (values, clause ids, facts)"
    )
    ev.add_argument(
        "--clauses",
        choices=["short", "full"],
        default="short",
        help="text view: each cited clause by its first sentence (short), or whole in Chinese and English (full)",
    )
    ev.add_argument(
        "--docs-url",
        metavar="URL",
        default=os.environ.get("POLICYKIT_DOCS_URL") or None,
        help="link each cited clause to the docs site at URL (default: $POLICYKIT_DOCS_URL)",
    )

    _scale_options(ev, "evaluate --batch")

    te = sub.add_parser(
        "test", help="run policy test files (default: the working copy's policies/tests, else the bundled tests)"
    )
    te.add_argument("paths", nargs="*", help="test files or folders")
    te.add_argument("-k", dest="keyword", metavar="TEXT", help="only tests whose file or title contains TEXT")
    te.add_argument("--format", choices=["text", "json", "junit"], default="text")
    te.add_argument("--coverage", action="store_true", help="report which rules and clauses the tests exercised")
    te.add_argument("--fail-under", type=float, metavar="N", help="exit 1 when rule coverage is under N percent")
    te.add_argument("--policy", metavar="PATH", help="test this policy instead of the one the files name")

    ch = sub.add_parser("check", help="static checks: shadowed rows, gaps, overlaps, unused definitions")
    ch.add_argument(
        "policies", nargs="*", help="policy files (default: the working copy's standard, else the bundled one)"
    )
    ch.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    ch.add_argument("--format", choices=["text", "json"], default="text")

    di = sub.add_parser("diff", help="what changed between two policy versions; with --cases, the impact")
    di.add_argument("old", help="the older policy file")
    di.add_argument("new", help="the newer policy file")
    di.add_argument(
        "--cases",
        metavar="CASES",
        help="a folder of case files or a JSON Lines file: "
        "evaluate each under both versions and count the decisions that change",
    )
    di.add_argument("--as-of", metavar="DATE", help="evaluation day for --cases (default: today)")
    di.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    di.add_argument("--format", choices=["text", "json"], default="text")

    _scale_options(di, "diff --cases")

    rp = sub.add_parser("replay", help="re-run a stored JSON result on its case; exit 0 identical, 1 different")
    rp.add_argument("result", help="a JSON result written by policykit evaluate")
    rp.add_argument("case", help="the case file it was made from")
    rp.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    rp.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions (default: the working copy's policies/, else the bundled set)",
    )

    sh = sub.add_parser("show", help="print a version as resolved: an amendment with its changes applied")
    sh.add_argument("version", help="a version of the policy set (1.1.0) or a policy file")
    sh.add_argument("--policy-set", metavar="DIR", help="folder of policy versions (default: the working copy's)")
    sh.add_argument("--format", choices=["yaml", "json"], default="yaml")

    va = sub.add_parser("validate", help="check policy files; print a summary")
    va.add_argument(
        "policies", nargs="*", help="policy files (default: the working copy's standard, else the bundled one)"
    )
    va.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    va.add_argument("--format", choices=["text", "json"], default="text")

    from policykit.cli import interview as cmd_interview
    from policykit.cli import schema as cmd_schema
    from policykit.cli import serve as cmd_serve

    cmd_serve.add_parsers(sub)
    cmd_interview.add_parser(sub)
    cmd_schema.add_parser(sub)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return int(text)


def _scale_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--jobs, --engine and --scheduler: many cases on many cores or machines."""
    parser.add_argument(
        "--jobs", type=_positive, default=1, metavar="N", help=f"{what}: decide in N worker processes (order kept)"
    )
    parser.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help=f"{what}: dask takes a glob of JSON Lines or Parquet files and runs on a Dask cluster",
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="the Dask scheduler (default: a LocalCluster of --jobs workers)"
    )
    if what.startswith("evaluate"):
        parser.add_argument("--output", metavar="DIR", help="--engine dask: the folder its output parts go to")


def run(
    argv: Sequence[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stdin: IO[str] | None = None,
) -> int:
    """Run the CLI with ``argv``; write to ``stdout``/``stderr``; return the exit status."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    inp = stdin if stdin is not None else sys.stdin
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
        from policykit.cli import evaluate as cmd_evaluate
        from policykit.cli import policy as cmd_policy

        if args.command == "validate":
            return cmd_policy.validate_command(args, out, err)
        if args.command == "check":
            return cmd_policy.check_command(args, out, err)
        if args.command == "diff":
            return cmd_policy.diff_command(args, out, err)
        if args.command == "show":
            return cmd_policy.show_command(args, out, err)
        if args.command == "replay":
            return cmd_policy.replay_command(args, out, err)
        if args.command == "schema":
            from policykit.cli import schema as cmd_schema

            return cmd_schema.schema_command(args, out, err)
        if args.command == "interview":
            from policykit.cli import interview as cmd_interview

            return cmd_interview.interview_command(args, out, err, inp)
        if args.command in ("serve", "log", "keys"):
            from policykit.cli import serve as cmd_serve

            return cmd_serve.run_command(args, out, err)
        if args.command == "test":
            from policykit.tools.testcmd import run_tests

            return run_tests(
                args.paths, args.keyword, args.format, args.coverage, args.fail_under, args.policy, out, err
            )
        return cmd_evaluate.evaluate_command(args, out, err, inp)
    except PolicykitError as exc:
        for diag in exc.diagnostics:
            print(diag.format(), file=err)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        _say(err, "policykit: interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        if exc.errno in _WRITE_ERRORS:
            _say(err, f"policykit: write-failed: cannot write the output: {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        _say(err, f"policykit: internal error: {type(exc).__name__}: {exc}")
        return EXIT_INTERNAL
    except RecursionError:
        _say(err, "policykit: too-deep: the input is nested too deeply")
        return EXIT_BAD_INPUT
    except MemoryError:
        _say(err, "policykit: out-of-memory: the input needs more memory than there is")
        return EXIT_BAD_INPUT
    except Exception as exc:
        print(f"policykit: internal error: {type(exc).__name__}: {exc}", file=err)
        print("policykit: please report this with the case and policy that caused it", file=err)
        return EXIT_INTERNAL


_WRITE_ERRORS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EPIPE}


def _say(err: IO[str], line: str) -> None:
    """One line on stderr; a stderr that cannot be written to is no reason to fail more."""
    try:
        print(line, file=err)
    except (OSError, ValueError):
        pass


def _standard_streams() -> None:
    """Closed standard streams (``>&-``) are given /dev/null: nothing is written to, or read
    from, a file that happens to get their descriptor, and diagnostics never go to stdout."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free descriptor: this one
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own
    for name, fd in (("stdout", 1), ("stderr", 2)):
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, "w", encoding="utf-8", closefd=False))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # UTF-8 whatever the locale; a string that is not Unicode cannot reach the bytes raw
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main() -> None:
    """Console entry point: UTF-8 out whatever the locale, and quiet on a closed pipe or Ctrl-C."""
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C is KeyboardInterrupt again
        _standard_streams()
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    except OSError as exc:
        code = EXIT_BAD_INPUT
        _say(sys.stderr, f"policykit: write-failed: cannot write the output: {exc.strerror or exc}")
        _quiet_stdout()
    if code == EXIT_OK or code == 130:
        # a reader that went away (| head) is not an error; keep Python from complaining at exit
        try:
            sys.stdout.flush()
        except OSError:
            _quiet_stdout()
    else:
        _quiet_stdout()
    sys.exit(code)


def _quiet_stdout() -> None:
    """Drop what stdout still holds, so that Python's exit does not fail on writing it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
