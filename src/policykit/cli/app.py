"""The command line: ``run(argv, stdout, stderr) -> int``, so tests call it in-process.

Exit status: 0 done, 2 bad input (case, policy, options), 1 internal error.  Problems
go to stderr one a line as ``file:line:col: code: message (at path)``; nothing goes to
stdout when the input is bad.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal's C module: no enums to build (as policykit/__init__)
import os
import sys

from policykit.cli.quick import quick_evaluate
from policykit.cli.streams import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK
from policykit.errors import PolicykitError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import IO, Any


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
        words = list(argv) if argv is not None else sys.argv[1:]
        args: Any = quick_evaluate(words)  # a plain `evaluate FILE`: no parser to build
        if args is None:
            from policykit.cli.parser import parser_for

            args = parser_for(words).parse_args(words)
        if args.command == "evaluate":
            from policykit.cli.evaluate import evaluate_command

            return evaluate_command(args, out, err, inp)
        from policykit.cli import policy as cmd_policy

        if args.command == "validate":
            return cmd_policy.validate_command(args, out, err)
        if args.command == "check":
            return cmd_policy.check_command(args, out, err)
        if args.command == "diff":
            return cmd_policy.diff_command(args, out, err, inp)
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
        raise AssertionError(f"no command {args.command!r}")  # the parser knows no other
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
        if exc.errno in _write_errors():
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


def _write_errors() -> set[int]:
    """The codes of an output that cannot be written (errno imported only when one fails)."""
    import errno

    return {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EPIPE}


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


def main(end_at_once: bool = False) -> None:
    """Console entry point: UTF-8 out whatever the locale, and quiet on a closed pipe or Ctrl-C.
    Ends with SystemExit, as a host calling it expects; ``end_at_once`` (what the
    ``policykit`` command and ``python -m policykit`` pass, and nothing else should): a
    process started for one case ends at once (:func:`_end_now`)."""
    one_shot = False
    try:
        # Ctrl-C is KeyboardInterrupt again (``_signal``: the module of ``signal`` without its enums)
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
        _standard_streams()
        one_shot = _one_shot(sys.argv[1:])
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
    try:
        if code == EXIT_OK or code == 130:
            # a reader that went away (| head) is not an error; keep Python from complaining at exit
            try:
                sys.stdout.flush()
            except OSError:
                _quiet_stdout()
        else:
            _quiet_stdout()
        if one_shot and end_at_once:
            _end_now(code)
    except KeyboardInterrupt:  # Ctrl-C as the run ends: it ends as interrupted, quietly
        code = 130
        if one_shot and end_at_once:
            os._exit(code)
    sys.exit(code)


def _end_now(code: int) -> None:
    """End a process started for one case with ``code`` at once, its output flushed, without
    tearing the interpreter down: freeing every module, the policy and its code, and the
    final walk of the cycle collector over them cost a one-case run about as much as
    deciding it (~8 ms), for a process whose memory goes back to the system anyway.  Where
    anything asked to run at exit (:mod:`atexit`: a coverage tool, a ``sitecustomize``), or
    a profiler or tracer watches (``python -m cProfile -o FILE``, ``python -m trace``: they
    write what they found as the interpreter ends, not through atexit), the interpreter
    ends as usual, so that it runs."""
    import atexit

    if atexit._ncallbacks() or sys.getprofile() is not None or sys.gettrace() is not None:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass  # what cannot be written now could not be at exit either
    os._exit(code)


def _one_shot(argv: list[str]) -> bool:
    """Whether this process decides one case and ends (a plain ``evaluate FILE`` line): then
    the case is decided as suits one run (:data:`policykit.cli.evaluate.ONE_SHOT`).  Else the
    cycle collector is turned back on (``python -m policykit`` pauses it while modules load):
    a batch, a server, an interview run long and make garbage as they go.  What was loaded so
    far is frozen: never walked again."""
    import gc

    if quick_evaluate(argv) is not None:
        from policykit.cli import evaluate

        evaluate.ONE_SHOT = True
        return True
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
    return False


def _quiet_stdout() -> None:
    """Drop what stdout still holds, so that Python's exit does not fail on writing it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
