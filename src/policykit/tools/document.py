"""One JSON document (bytes) in, its policy, case and result out, under a small picklable
``BatchSettings`` that chooses the policy each case is decided under: what a single
``policykit evaluate FILE`` runs, and what :mod:`policykit.tools.batch` runs for each line
(so results are identical whichever decides them).
"""

from __future__ import annotations

from policykit.digest import sha256_hex
from policykit.errors import CaseError, Diagnostic, InputError, PolicykitError, printable
from policykit.limits import DEFAULT, LimitError, Limits
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from typing import Any

# what :func:`printable` escapes but for the text view's own tabs and newlines: the other
# control characters, and surrogates (not Unicode: no UTF-8 for them)
_ESCAPED = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"


def _escaped() -> Any:
    """The pattern of :data:`_ESCAPED`, compiled when a text view first has a character
    that may be one (:func:`_printable`), then found in re's own cache."""
    import re

    return re.compile(_ESCAPED)


class BatchSettings(Frozen):
    """Everything a worker needs to decide a line as the CLI would (hashable: a memo key;
    picklable: handed to worker processes).  A :class:`~policykit.records.Frozen` record,
    not a named tuple, whose class would cost a cold start some 0.1 ms to make."""

    _FIELDS = _COMPARED = _SHOWN = (
        "policy",
        "policy_set",
        "allow_draft",
        "as_of",
        "lang",
        "docs_url",
        "explain",
        "fmt",
        "codes",
        "clauses",
        "columns",
        "limits",
    )

    policy: str | None
    policy_set: str | None
    allow_draft: bool
    as_of: date | None
    lang: str | None  # None: each case's policy's first language
    docs_url: str | None
    explain: bool
    fmt: str
    codes: bool
    clauses: str
    columns: int
    limits: Limits

    def __init__(
        self,
        policy: str | None = None,
        policy_set: str | None = None,
        allow_draft: bool = False,
        as_of: date | None = None,
        lang: str | None = None,
        docs_url: str | None = None,
        explain: bool = False,
        fmt: str = "json",
        codes: bool = False,
        clauses: str = "short",
        columns: int = 80,
        limits: Limits = DEFAULT,
    ) -> None:
        kept = self.__dict__
        kept["policy"], kept["policy_set"], kept["allow_draft"], kept["as_of"] = policy, policy_set, allow_draft, as_of
        kept["lang"], kept["docs_url"], kept["explain"], kept["fmt"] = lang, docs_url, explain, fmt
        kept["codes"], kept["clauses"], kept["columns"], kept["limits"] = codes, clauses, columns, limits


_CHOOSERS: dict[tuple[str | None, str | None, bool, Limits], Callable[[Any], Any]] = {}


def chooser(settings: BatchSettings) -> Callable[[Any], Any]:
    """How each case finds its policy: the file given, or the version in force on its day
    (loaded once per process)."""
    from policykit.policy.resources import policies_folder

    # the folder as found now: the working copy the command runs in decides
    folder = settings.policy_set or (None if settings.policy else policies_folder())
    key = (settings.policy, folder, settings.allow_draft, settings.limits)
    found = _CHOOSERS.get(key)
    if found is not None:
        return found
    from policykit.policy.compiler import load_policy

    if settings.policy:
        policy, _ = load_policy(settings.policy, use_cache=True, limits=settings.limits)
        found = lambda data: policy  # noqa: E731
    else:
        from policykit.tools.versions import load_policy_set

        # from the set's index when the folder is as it was: only the versions chosen are built
        policy_set = load_policy_set(folder or policies_folder(), use_cache=True, lazy=True, limits=settings.limits)
        allow = settings.allow_draft
        found = lambda data: policy_set.for_case(data, allow)  # noqa: E731
    _CHOOSERS[key] = found
    return found


class _Reader:
    """Decides JSON documents under ``settings``, one after another: what every case of a
    run shares (the functions, the chooser, each policy's file name) found once."""

    __slots__ = ("choose", "evaluate", "files", "origin", "parse_json", "read_case", "settings")

    def __init__(
        self, settings: BatchSettings, choose: Callable[[Any], Any] | None = None, generated: bool = True
    ) -> None:
        from policykit.engine.case import parse_json, read_case
        from policykit.evaluator import evaluate
        from policykit.policy.origin import origin

        if not generated:  # the interpreter alone (the same results): a case decided once
            from policykit.memo import partial

            evaluate = partial(evaluate, generated=False)
            read_case = partial(read_case, generated=False)  # the case format walked, not made into code
        self.settings, self.choose = settings, choose
        self.parse_json, self.read_case, self.evaluate, self.origin = parse_json, read_case, evaluate, origin
        # each policy met, by identity, with the name of its file (the folder does not change in a run)
        self.files: dict[int, tuple[Any, str]] = {}

    def file(self, policy: Any) -> str:
        """The name of ``policy``'s file in the output (``policy.file`` of the JSON)."""
        found = self.files.get(id(policy))
        if found is None or found[0] is not policy:
            found = (policy, self.origin(policy.file))
            if len(self.files) < 64:
                self.files[id(policy)] = found
        return found[1]

    def __call__(self, raw: bytes, name: str) -> tuple[Any, Any, Any]:
        """(policy, case, result) of one JSON document; raises PolicykitError on bad input."""
        settings = self.settings
        limits = settings.limits
        data = self.parse_json(raw.rstrip(b"\r\n"), name, limits.case_bytes)  # a final newline is not counted
        choose = self.choose
        if choose is None:
            choose = self.choose = chooser(settings)
        policy = choose(data)
        lang = settings.lang or policy.lang  # none asked for: the policy's own first language
        if settings.lang is not None and lang not in policy.languages:
            raise InputError([Diagnostic("--lang", 0, 0, "bad-lang", str(policy.not_spoken(lang)))])
        try:
            case = self.read_case(policy, data, name, raw, lang)  # the text is decoded only to place a problem
        except CaseError as exc:
            raise wrapped_hint(exc, data, policy, lang) from None
        try:
            result = self.evaluate(
                policy,
                case,
                settings.as_of or policy.today(),
                lang,
                settings.docs_url,
                settings.explain,
                sha256_hex(raw),
                settings.fmt == "text",
                limits,
                self.file(policy),
            )
        except (CaseError, LimitError) as exc:
            found = exc.diagnostics
            raise type(exc)([Diagnostic(name, d.line, d.col, d.code, d.message, d.path) for d in found]) from None
        return policy, case, result


_READERS: dict[int, tuple[BatchSettings, _Reader]] = {}


def _reader(settings: BatchSettings) -> _Reader:
    """The :class:`_Reader` of ``settings``, kept for the settings object while it names its
    policy file or folder (so the policy is found the same way on every call): a caller
    that hands lines over a few at a time (a stream, a worker's chunks) makes it once."""
    found = _READERS.get(id(settings))
    if found is not None and found[0] is settings:
        return found[1]
    reader = _Reader(settings, chooser(settings))
    if settings.policy or settings.policy_set:
        if len(_READERS) >= 64:  # bounded: a worker is handed new settings with every chunk
            _READERS.clear()
        _READERS[id(settings)] = (settings, reader)  # the settings kept: their id stays theirs
    return reader


def evaluate_raw(
    settings: BatchSettings,
    raw: bytes,
    name: str,
    choose: Callable[[Any], Any] | None = None,
    generated: bool = True,
) -> tuple[Any, Any, Any]:
    """(policy, case, result) of one JSON document (``choose``: the chooser of ``settings``,
    when the caller has it), the result naming the policy's file; raises PolicykitError
    on bad input.  ``generated=False``: decided on the interpreter alone (the same result;
    for one case in a process, which would compile code it runs once)."""
    return _Reader(settings, choose, generated)(raw, name)


def wrapped_hint(error: PolicykitError, data: Any, policy: Any, lang: str) -> PolicykitError:
    """``error``, the problems of reading ``data`` as a case, with a hint on its missing
    ``request`` where ``data`` holds its case under ``case`` (an object whose ``case`` is
    an object, and no ``request``): a file that wraps the case (with a name, a note, what
    to expect...) given for the case itself."""
    if not isinstance(data, dict) or "request" in data or not isinstance(data.get("case"), dict):
        return error
    hint = policy.message("case_wrapped", lang)
    found = [
        d.replace(message=d.message + hint) if d.code == "required" and d.path == "request" else d
        for d in error.diagnostics
    ]
    error.diagnostics = found  # (in place: sorted and capped already)
    error.args = ("\n".join(d.format() for d in found),)
    return error


def on_line(label: str, number: int, problem: Diagnostic) -> Diagnostic:
    """A problem of the case on line ``number`` of ``label`` (a JSON Lines file), placed on
    that line: a line is one JSON text, so a problem on its first and only line keeps its column."""
    return Diagnostic(
        label, number, problem.col if problem.line == 1 else 0, problem.code, problem.message, problem.path
    )


def requested_after(case: Any, as_of: date | None) -> str | None:
    """The request date of ``case`` (a read case), when ``as_of`` (the day given to decide it
    on) is before it: the day of evaluation before the request was made, likely a typo.
    (A date the case format has read is ``YYYY-MM-DD``: its text sorts as the day.)"""
    if as_of is None:
        return None
    request = case.raw.get("request")
    day = request.get("date") if isinstance(request, dict) else None
    return day if isinstance(day, str) and day > as_of.isoformat() else None


def named(result: Any, policy: Any) -> Any:
    """``result`` naming the policy file that decided it (``policy.file`` of the JSON)."""
    from policykit.policy.origin import origin

    file = origin(policy.file)
    if result.policy.file == file:
        return result
    return result._replace(policy=result.policy._replace(file=file))


def render_text(settings: BatchSettings, policy: Any, case: Any, result: Any) -> str:
    """The text view, and with ``--explain`` every rule considered."""
    from policykit.present.text import TextOptions
    from policykit.present.text import render_text as render

    codes = settings.codes or settings.explain
    lang = result.lang  # as asked for, or the policy's own
    text = render(policy, result, lang, case, TextOptions(settings.columns, codes, settings.clauses))
    if settings.explain:
        from policykit.present.explain import render_explain

        text += "\n" + render_explain(policy, result, lang, case, settings.columns)
    return _printable(text)  # a case's own control characters are never written raw


def _printable(text: str) -> str:
    """``printable(text, keep="\\n\\t")``, with no work where there is nothing to escape
    (a text view has a newline on every line).  A text printable but for its newlines and
    tabs has none of :data:`_ESCAPED` (each a control, a line or paragraph separator or a
    surrogate: none printable), and is told so without loading :mod:`re`."""
    if text.replace("\n", "").replace("\t", "").isprintable() or _none_escaped(text):
        return text
    return printable(text, keep="\n\t")


# the characters of _ESCAPED but the surrogates, each to be dropped by str.translate
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029])


def _none_escaped(text: str) -> bool:
    """Whether ``text`` has none of :data:`_ESCAPED` (``_escaped().search(text) is None``),
    told without :mod:`re`: no control or separator to drop, and UTF-8 for every character
    (a surrogate has none).  A Chinese address with an ideographic or no-break space is
    not printable, and has none of them."""
    if len(text.translate(_CONTROLS)) != len(text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
