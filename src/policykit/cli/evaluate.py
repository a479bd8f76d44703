"""``policykit evaluate``: one case or a JSON Lines batch, each under the policy version
in force on its day, as text or JSON."""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, Any

from policykit.cli.streams import EXIT_BAD_INPUT, EXIT_OK, as_of_option, columns, is_terminal, read_input
from policykit.errors import CaseError, Diagnostic, InputError, PolicykitError


def evaluate_command(args: argparse.Namespace, out: IO[str], err: IO[str], inp: IO[str]) -> int:

    if (args.case is None) == (args.batch is None):
        raise InputError([Diagnostic("policykit", 0, 0, "usage", "give a case file (or -), or --batch FILE")])
    as_of = as_of_option(args.as_of)
    choose = _chooser(args)
    fmt = args.format or ("text" if is_terminal(out) else "json")
    if args.batch is not None:
        return _batch(choose, args, out, err, inp, as_of, fmt)
    raw, name = read_input(args.case, inp)
    policy, case, result = _one(choose, raw, name, args, as_of, days=fmt == "text")
    if fmt == "json":
        data = result.to_dict()
        if args.explain:
            from policykit.present.explain import explain_json

            data["explain"] = explain_json(result)
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_text(policy, case, result, args, out))
    return EXIT_OK


def _text(policy: Any, case: Any, result: Any, args: argparse.Namespace, out: IO[str]) -> str:
    """The text view, and with ``--explain`` every rule considered."""
    from policykit.present.text import TextOptions, render_text

    codes = args.codes or args.explain
    text = render_text(policy, result, args.lang, case, TextOptions(columns(out), codes, args.clauses))
    if args.explain:
        from policykit.present.explain import render_explain

        text += "\n" + render_explain(policy, result, args.lang)
    return text


def _chooser(args: argparse.Namespace) -> Callable[[Any], Any]:
    """How each case finds its policy: the file given, or the version of the set in force on its day."""
    from policykit.policy.compiler import load_policy

    if args.policy:
        policy, _ = load_policy(args.policy, use_cache=True)
        return lambda data: policy
    from policykit.policy.resources import policies_dir
    from policykit.tools.versions import load_policy_set

    policy_set = load_policy_set(args.policy_set or policies_dir(), use_cache=True)

    return lambda data: policy_set.for_case(data, args.allow_draft)


def _one(
    choose: Callable[[Any], Any],
    raw: bytes,
    name: str,
    args: argparse.Namespace,
    as_of: date | None,
    days: bool = False,
) -> tuple[Any, Any, Any]:
    from policykit.engine.case import parse_json, read_case
    from policykit.evaluator import evaluate

    data = parse_json(raw, name)
    text = raw.decode("utf-8", "replace")
    policy = choose(data)
    case = read_case(policy, data, name, text, args.lang)
    try:
        return (
            policy,
            case,
            evaluate(
                policy,
                case,
                as_of or policy.today(),
                args.lang,
                args.docs_url,
                args.explain,
                hashlib.sha256(raw).hexdigest(),
                days,
            ),
        )
    except CaseError as exc:
        raise CaseError([Diagnostic(name, d.line, d.col, d.code, d.message, d.path) for d in exc.diagnostics]) from None


def _batch(
    choose: Callable[[Any], Any],
    args: argparse.Namespace,
    out: IO[str],
    err: IO[str],
    inp: IO[str],
    as_of: date | None,
    fmt: str = "json",
) -> int:
    """Each line's result: a JSON line (``--format json``), or a text block per case (``text``)."""
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
                policy, case, result = _one(choose, raw, f"{args.batch}:{number}", args, as_of, fmt == "text")
                if fmt == "text":
                    out.write(("\n" + "─" * 40 + "\n" if number > 1 else "") + _text(policy, case, result, args, out))
                else:
                    out.write(_line(result.to_dict()))
            except PolicykitError as exc:
                status = EXIT_BAD_INPUT
                errors = [{"path": d.path, "code": d.code, "message": d.message} for d in exc.diagnostics]
                if fmt != "text":
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
