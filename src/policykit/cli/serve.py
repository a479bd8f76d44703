"""``policykit serve``, ``policykit log export|prune`` and ``policykit keys new``."""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import IO, Any

from policykit.cli.streams import EXIT_OK, number, whole
from policykit.errors import Diagnostic, InputError

DEFAULT_LOG = "policykit-decisions.sqlite3"
COMMANDS = ("serve", "log", "keys")
MAX_DAYS = 100_000  # (about 270 years: a cutoff day further back is before the calendar's year 1)


_above_zero = number(0, math.inf, "a number above 0", above=True)
_days = number(0, MAX_DAYS, f"a number of days from above 0 to {MAX_DAYS}", above=True)


def _add_serve(sub: Any) -> None:
    se = sub.add_parser("serve", help="the decision service: HTTP API, decision log, API keys")
    se.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions (default: the working copy's policies/, else the bundled set)",
    )
    se.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    se.add_argument("--port", type=whole(1, 65535), default=8080, help="TCP port (default 8080)")
    se.add_argument("--workers", type=whole(1), default=1, help="processes sharing the port and the log")
    se.add_argument(
        "--log-db",
        default=os.environ.get("POLICYKIT_LOG_DB", DEFAULT_LOG),
        metavar="PATH",
        help=f"the decision log, SQLite (default: $POLICYKIT_LOG_DB or ./{DEFAULT_LOG})",
    )
    se.add_argument(
        "--keys", metavar="FILE", help="API key file (also $POLICYKIT_API_KEYS); without keys, loopback only"
    )
    se.add_argument(
        "--keep-personal",
        action="store_true",
        help="log personal facts (name, phone...) and fields the case format does not know as given instead of masked",
    )
    se.add_argument("--retention-days", type=_days, metavar="N", help="prune log entries older than N days (N above 0)")
    se.add_argument("--max-concurrency", type=whole(1), default=64, metavar="N", help="requests at once (default 64)")
    se.add_argument(
        "--timeout", type=_above_zero, default=30.0, metavar="S", help="time limit per request (default 30 s)"
    )
    se.add_argument(
        "--limit",
        action="append",
        metavar="NAME=VALUE",
        help="a work limit of each request (see the README's limits table), e.g. operations=500000; "
        "case_bytes is also the most a request body or a batch line may hold",
    )
    se.add_argument("--durable", action="store_true", help="fsync each log commit (survives power loss, slower)")
    se.add_argument("--docs-url", metavar="URL", default=os.environ.get("POLICYKIT_DOCS_URL") or None)
    se.add_argument(
        "--allow-draft", action="store_true", help="let a draft version decide where an approved one is in force"
    )


def _add_log(sub: Any) -> None:
    lo = sub.add_parser("log", help="the decision log: export or prune")
    lo_sub = lo.add_subparsers(dest="log_command", required=True)
    ex = lo_sub.add_parser("export", help="write entries as JSON Lines")
    ex.add_argument("--log-db", default=os.environ.get("POLICYKIT_LOG_DB", DEFAULT_LOG), metavar="PATH")
    ex.add_argument("--from", dest="start", metavar="TIME", help="from this time (ISO 8601, inclusive; no offset: UTC)")
    ex.add_argument("--to", dest="end", metavar="TIME", help="up to this time (exclusive; a day: its midnight UTC)")
    pr = lo_sub.add_parser("prune", help="delete entries older than N days")
    pr.add_argument("--log-db", default=os.environ.get("POLICYKIT_LOG_DB", DEFAULT_LOG), metavar="PATH")
    pr.add_argument("--older-than-days", type=_days, required=True, metavar="N", help="N above 0")


def _add_keys(sub: Any) -> None:
    ke = sub.add_parser("keys", help="API keys for the decision service")
    ke_sub = ke.add_subparsers(dest="keys_command", required=True)
    nk = ke_sub.add_parser("new", help="make a key, print it once, add its hash to the key file")
    nk.add_argument("id", help="a name for the key (it appears in the decision log)")
    nk.add_argument("--scopes", default="evaluate", help="comma-separated: evaluate, read_log, admin")
    nk.add_argument("--file", required=True, metavar="FILE", help="the key file")


PARSERS = {"serve": _add_serve, "log": _add_log, "keys": _add_keys}  # built when invoked (cli.parser)


def run_command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    if args.command == "serve":
        return _serve(args, err)
    if args.command == "keys":
        from policykit.server.keys import add_key

        secret = add_key(args.file, args.id, [s.strip() for s in args.scopes.split(",") if s.strip()])
        out.write(secret + "\n")
        print(f"policykit: key {args.id!r} added to {args.file}; it is shown only this once", file=err)
        return EXIT_OK
    from pathlib import Path

    from policykit.server.decision_log import DecisionLog, log_time

    if args.log_command == "export":
        problems = []
        for option, name in (("--from", "start"), ("--to", "end")):
            try:
                setattr(args, name, log_time(getattr(args, name)) if getattr(args, name) else None)
            except ValueError as exc:
                problems.append(Diagnostic(option, 0, 0, "bad-date", str(exc)))
        if problems:
            raise InputError(problems)
    if not Path(args.log_db).is_file():
        raise InputError([Diagnostic(args.log_db, 0, 0, "not-found", "no decision log here")])
    log = DecisionLog(args.log_db, create=False)  # a log already: never one made from another file
    try:
        if args.log_command == "export":
            for entry in log.export(args.start, args.end):
                out.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        else:
            removed = log.prune(args.older_than_days)
            print(f"policykit: {removed} entries older than {args.older_than_days} days removed", file=err)
    finally:
        log.close()
    return EXIT_OK


def _serve(args: argparse.Namespace, err: IO[str]) -> int:
    from policykit.cli.streams import limits_option
    from policykit.limits import DEFAULT
    from policykit.policy.resources import policies_dir
    from policykit.server.config import ServerConfig
    from policykit.server.run import serve

    chosen = limits_option(args.limit)
    changed = {k: v for k, v in chosen._asdict().items() if getattr(DEFAULT, k) != v}
    config = ServerConfig(
        policy_set=str(args.policy_set or policies_dir()),
        log_db=args.log_db,
        keys_file=args.keys,
        keep_personal=args.keep_personal,
        docs_url=args.docs_url,
        max_concurrency=args.max_concurrency,
        request_timeout_s=args.timeout,
        retention_days=args.retention_days,
        log_synchronous="FULL" if args.durable else "NORMAL",
        allow_draft=args.allow_draft,
        limits=changed,
    )
    serve(config, args.host, args.port, args.workers)
    return EXIT_OK
