"""The command line: ``run(argv, stdout, stderr) -> int``, so tests call it in-process.

Exit status: 0 done, 2 bad input (case, policy, options), 1 internal error.  Problems
go to stderr one a line as ``file:line:col: code: message (at path)``; nothing goes to
stdout when the input is bad.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from . import __version__
from .errors import CaseError, Diagnostic, InputError, PolicykitError
from .resources import default_policy

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


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
    ev.add_argument("--format", choices=["text", "json"], help="default: text on a terminal, JSON otherwise")
    ev.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of reasons, actions, questions")
    ev.add_argument("--as-of", metavar="DATE", help="evaluation day YYYY-MM-DD (default: today)")
    ev.add_argument("--policy", metavar="PATH", help="use this policy file, whatever the case's date")
    ev.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions; each case uses the version in force on its request.date "
        "(default: the bundled policies)",
    )
    ev.add_argument(
        "--allow-draft",
        action="store_true",
        help="let a draft version decide even where an approved version is in force",
    )
    ev.add_argument("--explain", action="store_true", help="show every rule considered and why")
    ev.add_argument(
        "--docs-url",
        metavar="URL",
        default=os.environ.get("POLICYKIT_DOCS_URL") or None,
        help="link each cited clause to the docs site at URL (default: $POLICYKIT_DOCS_URL)",
    )

    te = sub.add_parser("test", help="run policy test files (default: the bundled policy's tests)")
    te.add_argument("paths", nargs="*", help="test files or folders")
    te.add_argument("-k", dest="keyword", metavar="TEXT", help="only tests whose file or title contains TEXT")
    te.add_argument("--format", choices=["text", "json", "junit"], default="text")
    te.add_argument("--coverage", action="store_true", help="report which rules and clauses the tests exercised")
    te.add_argument("--fail-under", type=float, metavar="N", help="exit 1 when rule coverage is under N percent")
    te.add_argument("--policy", metavar="PATH", help="test this policy instead of the one the files name")

    ch = sub.add_parser("check", help="static checks: shadowed rows, gaps, overlaps, unused definitions")
    ch.add_argument("policies", nargs="*", help="policy files (default: the bundled standard)")
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
    di.add_argument("--format", choices=["text", "json"], default="text")

    rp = sub.add_parser("replay", help="re-run a stored JSON result on its case; exit 0 identical, 1 different")
    rp.add_argument("result", help="a JSON result written by policykit evaluate")
    rp.add_argument("case", help="the case file it was made from")
    rp.add_argument("--policy-set", metavar="DIR", help="folder of policy versions (default: the bundled policies)")

    va = sub.add_parser("validate", help="check policy files; print a summary")
    va.add_argument("policies", nargs="*", help="policy files (default: the bundled standard)")
    va.add_argument("--format", choices=["text", "json"], default="text")
    return parser


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
        if args.command == "validate":
            return _validate(args, out, err)
        if args.command == "check":
            return _check(args, out, err)
        if args.command == "diff":
            return _diff(args, out, err)
        if args.command == "replay":
            return _replay(args, out, err)
        if args.command == "test":
            from .testcmd import run_tests

            return run_tests(
                args.paths, args.keyword, args.format, args.coverage, args.fail_under, args.policy, out, err
            )
        return _evaluate(args, out, err, inp)
    except PolicykitError as exc:
        for diag in exc.diagnostics:
            print(diag.format(), file=err)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        print("policykit: interrupted", file=err)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        print(f"policykit: internal error: {type(exc).__name__}: {exc}", file=err)
        print("policykit: please report this with the case and policy that caused it", file=err)
        return EXIT_INTERNAL


def main() -> None:
    """Console entry point: UTF-8 out whatever the locale, and quiet on a closed pipe or Ctrl-C."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        code = EXIT_OK
    except KeyboardInterrupt:
        code = 130
    if code == EXIT_OK or code == 130:
        # a reader that went away (| head) is not an error; keep Python from complaining at exit
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


# -- validate ---------------------------------------------------------------------------


def _validate(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:

    paths = args.policies or [str(default_policy())]
    status = EXIT_OK
    summaries = []
    expanded: list[str] = []
    for path in paths:
        if Path(path).is_dir():
            from .versions import load_policy_set, policy_files

            files = [str(p) for p in policy_files(Path(path))]
            expanded.extend(files)
            try:
                policy_set = load_policy_set(path)
                print(
                    f"{path}: ok: a set of {len(policy_set.versions)} versions: "
                    + ", ".join(f"{p.version} ({p.status})" for p in policy_set.versions),
                    file=out,
                )
            except PolicykitError as exc:
                chain = [d for d in exc.diagnostics if d.code.startswith("set-")]
                for diag in chain:
                    print(diag.format(), file=err)
                if chain:
                    status = EXIT_BAD_INPUT
        else:
            expanded.append(path)
    for path in expanded:
        loaded = _load_or_report(path, err)
        if loaded is None:
            status = EXIT_BAD_INPUT
            continue
        policy, warnings = loaded
        from .checks import check_policy, located

        findings = [d for d in located(policy, check_policy(policy), policy.lines) if d.severity != "info"]
        for diag in [*warnings, *findings]:
            print(diag.format().replace(f": {diag.code}:", f": warning: {diag.code}:", 1), file=err)
        rules = sum(len(v.rules) for v in policy.values.values())
        decisions = sum(1 for v in policy.values.values() if v.output)
        summary = {
            "file": path,
            "id": policy.id,
            "version": policy.version,
            "status": policy.status,
            "clauses": len(policy.clauses),
            "parameters": len(policy.parameters),
            "facts": len(policy.facts),
            "decisions": decisions,
            "rules": rules,
            "actions": len(policy.actions),
            "sha256": policy.sha256,
        }
        summaries.append(summary)
        if args.format == "text":
            print(
                f"{path}: ok: {policy.id} {policy.version} ({policy.status}): {len(policy.clauses)} clauses, "
                f"{len(policy.parameters)} parameters, {len(policy.facts)} facts, {decisions} decisions, "
                f"{rules} rules, {len(policy.actions)} actions",
                file=out,
            )
    if args.format == "json" and status == EXIT_OK:
        print(json.dumps(summaries, ensure_ascii=False, indent=2), file=out)
    return status


def _diff(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .compiler import load_policy
    from .diff import diff_policies, render_diff

    old, _ = load_policy(args.old)
    new, _ = load_policy(args.new)
    changes = diff_policies(old, new)
    impact = None
    if args.cases:
        from .impact import measure_impact

        as_of = _as_of(args.as_of) or new.today()
        impact = measure_impact(old, new, args.cases, as_of, err if _isatty(err) else None)
    if args.format == "json":
        data: dict[str, Any] = {
            "old": {"id": old.id, "version": old.version, "sha256": old.sha256},
            "new": {"id": new.id, "version": new.version, "sha256": new.sha256},
            "changes": [c.to_dict() for c in changes],
        }
        if impact is not None:
            data["impact"] = impact.to_dict()
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_diff(old, new, changes))
        if impact is not None:
            from .impact import render_impact

            out.write("\n" + render_impact(old, new, impact))
    return EXIT_OK


def _replay(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .replay import replay
    from .resources import data_dir
    from .versions import load_policy_set

    stored_raw, stored_name = _read(args.result, sys.stdin)
    try:
        stored = json.loads(stored_raw)
    except ValueError as exc:
        raise InputError([Diagnostic(stored_name, 0, 0, "json", f"not JSON: {exc}")]) from None
    if not isinstance(stored, dict):
        raise InputError([Diagnostic(stored_name, 0, 0, "not-a-result", "not a policykit JSON result")])
    case_raw, case_name = _read(args.case, sys.stdin)
    outcome = replay(stored, case_raw, case_name, load_policy_set(args.policy_set or data_dir("policies")))
    head = f"{outcome.policy.id} {outcome.policy.version}"
    if not outcome.differences:
        print(f"identical: the case decides the same under {head} (sha256 {outcome.policy.sha256[:12]}…)", file=out)
        return EXIT_OK
    print(f"different under {head}:", file=out)
    for line in outcome.differences:
        print(f"  {line}", file=out)
    return 1


def _load_or_report(path: str, err: IO[str]) -> tuple[Any, list[Diagnostic]] | None:
    """The policy at ``path`` and its warnings, or None after printing every problem with it."""
    from .compiler import load_policy

    try:
        return load_policy(path)
    except PolicykitError as exc:
        for diag in exc.diagnostics:
            print(diag.format(), file=err)
        return None


def _check(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from .checks import check_policy, located

    status = EXIT_OK
    report = []
    for path in args.policies or [str(default_policy())]:
        loaded = _load_or_report(path, err)
        if loaded is None:
            status = EXIT_BAD_INPUT
            continue
        policy = loaded[0]
        diags = located(policy, check_policy(policy), policy.lines)
        open_findings = [d for d in diags if d.severity != "info"]
        report.extend(diags)
        if args.format == "text":
            for d in diags:
                print(d.format().replace(f": {d.code}:", f": {d.severity}: {d.code}:", 1), file=out)
            print(
                f"{path}: {len(open_findings)} findings, {len(diags) - len(open_findings)} explained as intended",
                file=out,
            )
        if open_findings and status == EXIT_OK:
            status = 1
    if args.format == "json":
        items = [
            {
                "file": d.file,
                "line": d.line,
                "code": d.code,
                "severity": d.severity,
                "subject": d.path,
                "message": d.message,
            }
            for d in report
        ]
        out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    return status


# -- evaluate ---------------------------------------------------------------------------


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    from .dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise InputError([Diagnostic("--as-of", 0, 0, "bad-date", str(exc))]) from None


def _read(path: str, inp: IO[str]) -> tuple[bytes, str]:
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


def _evaluate(args: argparse.Namespace, out: IO[str], err: IO[str], inp: IO[str]) -> int:

    if (args.case is None) == (args.batch is None):
        raise InputError([Diagnostic("policykit", 0, 0, "usage", "give a case file (or -), or --batch FILE")])
    as_of = _as_of(args.as_of)
    choose = _chooser(args)
    fmt = args.format or ("text" if _isatty(out) else "json")
    if args.batch is not None:
        return _batch(choose, args, out, err, inp, as_of)
    raw, name = _read(args.case, inp)
    policy, result = _one(choose, raw, name, args, as_of)
    if fmt == "json":
        data = result.to_dict()
        if args.explain:
            data["explain"] = _trace_json(result)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        from .render import render_text

        out.write(render_text(policy, result, args.lang))
        if args.explain:
            from .explain import render_explain

            out.write("\n" + render_explain(policy, result))
    return EXIT_OK


def _chooser(args: argparse.Namespace) -> Callable[[Any], Any]:
    """How each case finds its policy: the file given, or the version of the set in force on its day."""
    from .compiler import load_policy

    if args.policy:
        policy, _ = load_policy(args.policy, use_cache=True)
        return lambda data: policy
    from .resources import data_dir
    from .versions import load_policy_set

    policy_set = load_policy_set(args.policy_set or data_dir("policies"), use_cache=True)

    def choose(data: Any) -> Any:
        day = _request_day(data)
        return policy_set.select(day, args.allow_draft) if day else policy_set.latest

    return choose


def _request_day(data: Any) -> date | None:
    from .dates import parse_date

    request = data.get("request") if isinstance(data, dict) else None
    text = request.get("date") if isinstance(request, dict) else None
    try:
        return parse_date(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _one(
    choose: Callable[[Any], Any], raw: bytes, name: str, args: argparse.Namespace, as_of: date | None
) -> tuple[Any, Any]:
    from .case import parse_json, read_case
    from .evaluator import evaluate

    data = parse_json(raw, name)
    text = raw.decode("utf-8", "replace")
    policy = choose(data)
    case = read_case(policy, data, name, text)
    try:
        return policy, evaluate(
            policy,
            case,
            as_of or policy.today(),
            args.lang,
            args.docs_url,
            args.explain,
            hashlib.sha256(raw).hexdigest(),
        )
    except CaseError as exc:
        raise CaseError([Diagnostic(name, d.line, d.col, d.code, d.message, d.path) for d in exc.diagnostics]) from None


def _batch(
    choose: Callable[[Any], Any], args: argparse.Namespace, out: IO[str], err: IO[str], inp: IO[str], as_of: date | None
) -> int:
    status = EXIT_OK
    if args.batch == "-":
        stream: Any = inp.buffer if hasattr(inp, "buffer") else inp
        close = False
    else:
        p = Path(args.batch)
        if p.is_dir():
            raise InputError([Diagnostic(args.batch, 0, 0, "not-a-file", "is a directory, not a JSON Lines file")])
        try:
            stream = open(p, "rb")  # noqa: SIM115 - closed below; streamed line by line
        except FileNotFoundError:
            raise InputError([Diagnostic(args.batch, 0, 0, "not-found", "no such file")]) from None
        except OSError as exc:
            raise InputError([Diagnostic(args.batch, 0, 0, "unreadable", exc.strerror or str(exc))]) from None
        close = True
    try:
        for number, raw in enumerate(_lines(stream), 1):
            if raw is None:
                status = EXIT_BAD_INPUT
                message = f"line longer than {MAX_LINE_BYTES} bytes"
                out.write(_line({"line": number, "errors": [{"path": "", "code": "too-large", "message": message}]}))
                print(Diagnostic(args.batch, number, 0, "too-large", message).format(), file=err)
                continue
            if not raw.strip():
                continue
            try:
                _, result = _one(choose, raw, f"{args.batch}:{number}", args, as_of)
                out.write(_line(result.to_dict()))
            except PolicykitError as exc:
                status = EXIT_BAD_INPUT
                errors = [{"path": d.path, "code": d.code, "message": d.message} for d in exc.diagnostics]
                out.write(json.dumps({"line": number, "errors": errors}, ensure_ascii=False) + "\n")
                for d in exc.diagnostics:
                    print(Diagnostic(args.batch, number, 0, d.code, d.message, d.path).format(), file=err)
    finally:
        if close:
            stream.close()
    return status


MAX_LINE_BYTES = 1024 * 1024


def _lines(stream: Any) -> Any:
    """Lines of a JSON Lines stream as bytes; None in place of a line over the limit (skipped whole)."""
    while True:
        chunk = stream.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n" if isinstance(chunk, bytes) else "\n"):
                chunk = stream.readline(MAX_LINE_BYTES + 1)
            yield None
            continue
        yield chunk


def _line(data: dict[str, Any]) -> str:
    """One JSON Lines record (orjson: several times faster than the json module)."""
    import orjson

    return orjson.dumps(data).decode("utf-8") + "\n"


def _trace_json(result: Any) -> list[dict[str, Any]]:
    from .explain import _show

    return [
        {
            "id": d.id,
            "value": _show(d.value) if d.decided else None,
            "decided": d.decided,
            "rules": [
                {
                    "row": r.index + 1,
                    "line": r.line,
                    "holds": _show(r.holds),
                    "parts": [{"condition": p.source, "value": _show(p.value)} for p in r.parts],
                }
                for r in d.rules
            ],
            "params": {n: v for n, v in d.params},
        }
        for d in result.trace
    ]


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
