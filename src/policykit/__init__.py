"""policykit: a company's written service standard as versioned, tested policy code.

The public surface, small on purpose (everything else is private)::

    import policykit

    policy = policykit.load_policy()                  # the bundled standard, or a path
    case = policykit.read_case(policy, {...})         # a case dict in the case format
    record = policykit.decide(policy, case, as_of)    # language-free: values, rules, clause ids
    result = policykit.render(record, lang="en")      # in words: reasons, steps, questions
    result.to_dict()                                  # the JSON of ``policykit evaluate``

``evaluate`` does ``decide`` then ``render`` in one call; ``load_policy_set`` loads a
folder of versions and picks the one in force on a day; ``validate`` lists a policy
file's problems without raising.  Errors derive from :class:`PolicykitError`, each
carrying :class:`Diagnostic` items (file, line, column, code, message, path).  The records
given (a result and its parts, a policy, a diagnostic) are immutable and compare as frozen
dataclasses do, but are none: ``r._replace(...)``, ``r._asdict()`` and ``r._fields`` stand
for ``dataclasses.replace``, ``asdict`` and ``fields`` (README, "API note").

The package is built in layers, each importing only those below it (``pyproject.toml``,
``[tool.importlinter]``): ``lang`` (the expression language) → ``policy`` (the policy
format) → ``engine`` (deciding) → ``present`` (words and formats) → ``evaluator`` →
``tools`` (editor's tools) → ``docsite`` → ``cli``.  Importing ``policykit`` loads none of
them until a function is called, and the error classes, ``Limits`` and ``__version__``
only when first named (``import policykit`` costs next to nothing).
"""

try:  # first: a Ctrl-C in the microseconds before the handler below is in place is caught too
    import sys as _sys  # no "from __future__" import here: it would load a module before the handler below

    def _is_command() -> bool:
        """Whether the policykit command is starting (python -m policykit, or the console script)."""
        started = getattr(_sys, "orig_argv", [])
        at = started.index("-m") if "-m" in started else -1
        return (at >= 0 and started[at + 1 : at + 2] == ["policykit"]) or bool(
            _sys.argv and _sys.argv[0].endswith(("/policykit", "\\policykit.exe"))
        )

    if _is_command():
        # Ctrl-C while its modules load ends it quietly, as it does later (cli.app.main puts
        # back the usual handler).  A program that imports policykit keeps its own handler.
        import _signal  # type: ignore[import-not-found]  # the C module: no import of enum first
        import os as _os

        _signal.signal(_signal.SIGINT, lambda *_: _os._exit(130))
except KeyboardInterrupt:
    import os as _os
    import sys as _sys

    if "_is_command" in globals() and _is_command():
        _os._exit(130)
    raise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path
    from typing import Any

    from policykit.engine.case import Case
    from policykit.engine.record import CaseRecord
    from policykit.errors import CaseError, Diagnostic, PolicyError, PolicykitError
    from policykit.limits import DEFAULT as DEFAULT_LIMITS
    from policykit.limits import LimitError, Limits
    from policykit.policy.model import Policy
    from policykit.present.result import Result
    from policykit.tools.versions import PolicySet
    from policykit.version import __version__

# name -> (module, its name there): imported when first asked for (PEP 562)
_LAZY = {
    "CaseError": ("policykit.errors", "CaseError"),
    "Diagnostic": ("policykit.errors", "Diagnostic"),
    "PolicyError": ("policykit.errors", "PolicyError"),
    "PolicykitError": ("policykit.errors", "PolicykitError"),
    "LimitError": ("policykit.limits", "LimitError"),
    "Limits": ("policykit.limits", "Limits"),
    "DEFAULT_LIMITS": ("policykit.limits", "DEFAULT"),
    "__version__": ("policykit.version", "__version__"),
}


def __getattr__(name: str) -> "Any":
    found = _LAZY.get(name)
    if found is None:
        raise AttributeError(f"module 'policykit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(found[0]), found[1])
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_LIMITS",
    "CaseError",
    "Diagnostic",
    "LimitError",
    "Limits",
    "PolicyError",
    "PolicykitError",
    "__version__",
    "decide",
    "evaluate",
    "load_policy",
    "load_policy_set",
    "read_case",
    "render",
    "validate",
]


def load_policy(path: "str | Path | None" = None, *, use_cache: bool = True) -> "Policy":
    """Load and compile a policy file (default: the bundled standard).

    Raises :class:`PolicyError` listing every problem when the file is invalid.  With
    ``use_cache`` a policy compiled before from the same bytes is read back from the
    compile cache."""
    from policykit.policy.compiler import load_policy as _load
    from policykit.policy.resources import default_policy

    policy, _ = _load(path if path is not None else default_policy(), use_cache=use_cache)
    return policy


def load_policy_set(directory: "str | Path | None" = None, *, use_cache: bool = True) -> "PolicySet":
    """Load every version in a policy folder (default: the bundled set) and check the
    chain of versions; ``.select(day)`` gives the version in force on a day."""
    from policykit.policy.resources import data_dir
    from policykit.tools.versions import load_policy_set as _load_set

    return _load_set(directory if directory is not None else data_dir("policies"), use_cache=use_cache)


def validate(path: "str | Path | None" = None) -> "list[Diagnostic]":
    """Every problem (errors and warnings) of a policy file, sorted by place; empty if clean."""
    from policykit.errors import PolicykitError
    from policykit.policy.compiler import load_policy as _load
    from policykit.policy.resources import default_policy

    try:
        _, warnings = _load(path if path is not None else default_policy())
    except PolicykitError as exc:
        return list(exc.diagnostics)
    return warnings


def read_case(policy: "Policy", data: "Any", file: str = "<case>") -> "Case":
    """Check a case (a dict in the case format) against ``policy``; raise :class:`CaseError`
    with every problem, each naming its field path."""
    from policykit.engine.case import read_case as _read

    return _read(policy, data, file)


def decide(
    policy: "Policy", case: "Case", as_of: "date", *, trace: bool = False, limits: "Limits | None" = None
) -> "CaseRecord":
    """Decide ``case`` as of ``as_of``: a record with no language in it (values, the rows
    that fired, the clause ids they cite, the steps due, the facts missing).  With
    ``trace``, every value worked out keeps the rows considered (for ``--explain``).
    ``limits`` (default: ``DEFAULT_LIMITS``) bounds the work; past one,
    :class:`LimitError` names it."""
    from policykit.engine.decide import decide_case
    from policykit.limits import DEFAULT

    return decide_case(policy, case, as_of, trace=trace, limits=limits or DEFAULT)


def render(record: "CaseRecord", lang: str | None = None, *, docs_url: str | None = None) -> "Result":
    """Put a decision record in words in ``lang`` (``zh`` or ``en``; None: the policy's
    first language, ``Policy.lang``): the result that
    ``policykit evaluate`` prints; ``.to_dict()`` is its JSON.  With ``docs_url``, each
    cited clause links to the docs site there."""
    from policykit.present.assemble import build_result

    return build_result(record, lang, docs_url)


def evaluate(
    policy: "Policy",
    case: "Case",
    as_of: "date",
    lang: str | None = None,
    *,
    explain: bool = False,
    limits: "Limits | None" = None,
) -> "Result":
    """``decide`` then ``render``: the result of ``case`` in ``lang``, within ``limits``
    (default: ``DEFAULT_LIMITS``)."""
    from policykit.evaluator import evaluate as _evaluate
    from policykit.limits import DEFAULT

    return _evaluate(policy, case, as_of, lang, explain=explain, limits=limits or DEFAULT)
