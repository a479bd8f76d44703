"""The command line of a plain ``policykit evaluate FILE [--as-of D] [--lang L] [--format F]``
read without building a parser (importing :mod:`argparse` and building its parser cost a
cold start more than deciding the case does).

:func:`quick_evaluate` takes only words it can read exactly as argparse reads them: the
command ``evaluate`` first, one case file, and each of those three options at most once,
as ``--name VALUE`` or ``--name=VALUE``, with a value argparse would accept.  Anything
else (another option or command, an abbreviation, ``--help``, a value starting with
``-``, a second file, a word it is unsure of) gives None, and argparse reads the line as
before, with its own messages.  ``tests/cli/test_quick.py`` holds the two readings equal
for every line it tries.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import SimpleNamespace
else:  # as the types module takes it (without loading that module)
    SimpleNamespace = type(sys.implementation)

# the options read here, with the values argparse allows (None: any)
_OPTIONS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "--as-of": ("as_of", None),
    "--lang": ("lang", None),  # (any code: checked against the policy, as argparse's type does it)
    "--format": ("format", ("text", "json")),
}


def evaluate_defaults() -> dict[str, object]:
    """What argparse gives ``evaluate`` for each option not on the line."""
    return {
        "batch": None,
        "limit": None,
        "format": None,
        "lang": None,
        "as_of": None,
        "policy": None,
        "policy_set": None,
        "allow_draft": False,
        "explain": False,
        "codes": False,
        "clauses": "short",
        "docs_url": os.environ.get("POLICYKIT_DOCS_URL") or None,
        "jobs": None,
        "engine": "local",
        "scheduler": None,
        "output": None,
    }


def quick_evaluate(argv: list[str]) -> SimpleNamespace | None:
    """The options of a plain ``evaluate`` line, as argparse would give them; else None."""
    if len(argv) < 2 or len(argv) > 8 or argv[0] != "evaluate":
        return None
    found: dict[str, object] = {}
    case: str | None = None
    i = 1
    while i < len(argv):
        word = argv[i]
        if word == "-" or not word.startswith("-"):
            if case is not None:
                return None  # a second file: argparse's usage error
            case = word
            i += 1
            continue
        name, eq, value = word.partition("=")
        option = _OPTIONS.get(name)
        if option is None:
            return None
        if not eq:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        i += 1
        dest, allowed = option
        if not value or value.startswith("-") or dest in found or (allowed is not None and value not in allowed):
            return None
        if dest == "lang" and not (len(value) == 2 and value.isascii() and value.isalpha() and value.islower()):
            return None  # (argparse says what is wrong with it)
        found[dest] = value
    if case is None:
        return None
    return SimpleNamespace(command="evaluate", case=case, **{**evaluate_defaults(), **found})
