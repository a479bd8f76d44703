"""The options of every command, built lazily: ``policykit evaluate FILE`` builds the
parser of ``evaluate`` alone, so that a cold start pays for one command's options, not
for all of them (and imports no other command's module).

:func:`parser_for` looks at the command line the way argparse will: when its first word
that is not an option names a command, and no option comes before it, only that
command's parser is built; otherwise (no command, ``--help``, ``--version``, an unknown
or misspelt command) every command is, so that help and usage errors list them all.
The result of parsing is the same either way.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import Any

from policykit.cli.streams import JOBS_PER_CORE, cores, lang_code, max_jobs, number, whole
from policykit.errors import Diagnostic, InputError
from policykit.version import __version__

LIMIT_HELP = "change one limit of the work (repeatable; see README, Limits and safety), e.g. operations=5000000"
DESCRIPTION = "A service standard as policy code: validate it, evaluate cases."

# Options that name the policy in two ways: a command that takes both refuses them together
# (one would be ignored), whichever command it is.
EXCLUSIVE = (("--policy", "--policy-set"), ("--policy", "--version"))


class _Parser(argparse.ArgumentParser):
    _checking = False

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError([Diagnostic("policykit", 0, 0, "usage", message + self._closest(message))])

    def _closest(self, message: str) -> str:
        """ "; did you mean 'x'?" for a misspelt command, choice or option named in ``message``."""
        from policykit.lang.hints import suggest

        if "invalid choice: '" in message and "(choose from " in message:
            given = message.split("invalid choice: '", 1)[1].split("'", 1)[0]
            choices = [c.strip(" '") for c in message.split("(choose from ", 1)[1].rstrip(")").split(",")]
            return suggest(given, choices)
        if message.startswith("unrecognized arguments: "):
            options = [o for parser in self._parsers() for o in parser._option_string_actions]
            for word in message[len("unrecognized arguments: ") :].split():
                if word.startswith("--"):
                    return suggest(word.split("=", 1)[0], options)
        return ""

    def parse_known_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        self._words = list(args) if args is not None else []  # the command named, for a suggestion
        parsed, rest = super().parse_known_args(args, namespace)
        self._refuse_both(parsed)
        return parsed, rest

    def _refuse_both(self, parsed: argparse.Namespace) -> None:
        """A usage error when two options of an :data:`EXCLUSIVE` pair are both given."""
        options = self._option_string_actions
        for first, second in EXCLUSIVE:
            pair = [options.get(first), options.get(second)]
            if all(a is not None and getattr(parsed, a.dest, a.default) != a.default for a in pair):
                self.error(f"argument {second}: not allowed with argument {first} (they name the policy twice)")

    def _parsers(self) -> list[argparse.ArgumentParser]:
        """This parser and the parser of the command named (the options a word may have meant)."""
        found: list[argparse.ArgumentParser] = [self]
        words = getattr(self, "_words", [])
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.extend(parser for name, parser in action.choices.items() if name in words[:1])
        return found

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        # argparse checks each argument's metavar with a help formatter; a formatter sizes
        # itself to the terminal through ``shutil`` (and its compression modules).  That
        # check never prints, so it gets a formatter of a fixed width; help does not.
        self._checking = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._checking = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._checking:
            return argparse.HelpFormatter(prog=self.prog, width=80)
        return super()._get_formatter()


_positive = whole(1)
_percent = number(0, 100, "a percentage from 0 to 100")


def _scale_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--jobs, --engine and --scheduler: many cases on many cores or machines."""
    most = max_jobs()
    parser.add_argument(
        "--jobs",
        type=whole(1, most, f" ({JOBS_PER_CORE} per core, {cores()} cores here)"),
        default=None,  # (1; None tells an option given where it does nothing)
        metavar="N",
        help=f"{what}: decide in N worker processes (order kept; never more than there are chunks of work), "
        f"N at most {JOBS_PER_CORE} per core ({most} here)",
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


def _evaluate(sub: Any) -> None:
    ev = sub.add_parser("evaluate", help="decide a case (JSON) under the policy")
    ev.add_argument("case", nargs="?", help="case file, or - for standard input")
    ev.add_argument("--batch", metavar="FILE", help="JSON Lines: one case per line (- for standard input)")
    ev.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    ev.add_argument("--format", choices=["text", "json"], help="default: text on a terminal, JSON otherwise")
    ev.add_argument(
        "--lang",
        type=lang_code,
        metavar="LANG",
        help="language of all a person reads: one the policy speaks (default: its first, zh for the bundled standard)",
    )
    ev.add_argument("--as-of", metavar="DATE", help="evaluation day YYYY-MM-DD (default: today)")
    ev.add_argument(
        "--policy", metavar="PATH", help="use this policy file, whatever the case's date (not with --policy-set)"
    )
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
        help="text view: each cited clause, the original with the English beside it, "
        "by its first sentence (short) or whole (full)",
    )
    ev.add_argument(
        "--docs-url",
        metavar="URL",
        default=os.environ.get("POLICYKIT_DOCS_URL") or None,
        help="link each cited clause to the docs site at URL (default: $POLICYKIT_DOCS_URL)",
    )
    _scale_options(ev, "evaluate --batch")


def _test(sub: Any) -> None:
    te = sub.add_parser(
        "test", help="run policy test files (default: the working copy's policies/tests, else the bundled tests)"
    )
    te.add_argument("paths", nargs="*", help="test files or folders")
    te.add_argument("-k", dest="keyword", metavar="TEXT", help="only tests whose file or title contains TEXT")
    te.add_argument("--format", choices=["text", "json", "junit"], default="text")
    te.add_argument("--coverage", action="store_true", help="report which rules and clauses the tests exercised")
    te.add_argument("--fail-under", type=_percent, metavar="N", help="exit 1 when rule coverage is under N percent")
    te.add_argument("--policy", metavar="PATH", help="test this policy instead of the one the files name")


def _on_policy_files(sub: Any, name: str, summary: str) -> None:
    """``check`` and ``validate``: policy files, limits, a format."""
    parser = sub.add_parser(name, help=summary)
    parser.add_argument(
        "policies", nargs="*", help="policy files (default: the working copy's standard, else the bundled one)"
    )
    parser.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    parser.add_argument("--format", choices=["text", "json"], default="text")


def _check(sub: Any) -> None:
    _on_policy_files(sub, "check", "static checks: shadowed rows, gaps, overlaps, unused definitions")


def _diff(sub: Any) -> None:
    di = sub.add_parser("diff", help="what changed between two policy versions; with --cases, the impact")
    di.add_argument("old", help="the older version: a policy file, or a version of the policy set (1.0.0)")
    di.add_argument("new", help="the newer version: a policy file, or a version of the policy set (1.2.0)")
    di.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions a version is looked up in (default: the working copy's)",
    )
    di.add_argument(
        "--cases",
        metavar="CASES",
        help="a folder of case files, a JSON Lines file or - (standard input, JSON Lines): "
        "evaluate each under both versions and count the decisions that change",
    )
    di.add_argument("--as-of", metavar="DATE", help="evaluation day for --cases (default: today)")
    di.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    di.add_argument("--format", choices=["text", "json"], default="text")
    _scale_options(di, "diff --cases")


def _replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="re-run a stored JSON result on its case; exit 0 identical, 1 different")
    rp.add_argument("result", help="a JSON result written by policykit evaluate")
    rp.add_argument("case", help="the case file it was made from")
    rp.add_argument("--limit", action="append", metavar="NAME=VALUE", help=LIMIT_HELP)
    rp.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions (default: the working copy's policies/, else the bundled set)",
    )


def _show(sub: Any) -> None:
    sh = sub.add_parser("show", help="print a version as resolved: an amendment with its changes applied")
    sh.add_argument("version", help="a version of the policy set (1.1.0) or a policy file")
    sh.add_argument("--policy-set", metavar="DIR", help="folder of policy versions (default: the working copy's)")
    sh.add_argument("--format", choices=["yaml", "json"], default="yaml")


def _validate(sub: Any) -> None:
    _on_policy_files(sub, "validate", "check policy files; print a summary")


def _service(name: str) -> Callable[[Any], None]:
    def add(sub: Any) -> None:
        from policykit.cli import serve

        serve.PARSERS[name](sub)

    return add


def _interview(sub: Any) -> None:
    from policykit.cli import interview

    interview.add_parser(sub)


def _schema(sub: Any) -> None:
    from policykit.cli import schema

    schema.add_parser(sub)


# every command, in the order ``policykit --help`` lists them
COMMANDS: dict[str, Callable[[Any], None]] = {
    "evaluate": _evaluate,
    "test": _test,
    "check": _check,
    "diff": _diff,
    "replay": _replay,
    "show": _show,
    "validate": _validate,
    "serve": _service("serve"),
    "log": _service("log"),
    "keys": _service("keys"),
    "interview": _interview,
    "schema": _schema,
}


def invoked(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names before any option, or None (build every command)."""
    for word in argv:
        if word.startswith("-"):
            return None  # --help, --version, or a bad option: argparse needs every command
        return word if word in COMMANDS else None
    return None


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of ``argv``: the top level with only the command invoked, else with all."""
    parser = _Parser(prog="policykit", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"policykit {__version__}")
    # prog given: argparse would size a formatter to the terminal to work out the same words
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, prog=parser.prog)
    command = invoked(argv)
    for name, add in COMMANDS.items():
        if command is None or name == command:
            add(sub)
    return parser
