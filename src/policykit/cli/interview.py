"""``policykit interview``: the service desk's interview in a terminal.

The same questions in the same order as the web page (one implementation:
:mod:`policykit.interview.core`); answers are checked as they are typed, Enter leaves a
default standing as an assumption (or skips), ``?`` shows the clauses behind a question, Ctrl-D stops.  At the end it
prints the result and writes the case.
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from policykit.cli.streams import EXIT_OK, as_of_option, as_of_warning, lang_code, write_output

if TYPE_CHECKING:  # the interview is imported when it runs, not on every CLI start (add_parser)
    from collections.abc import Callable

    from policykit.interview.core import Question, Step


class _Stop(Exception):
    """Ctrl-D: the clerk ends the interview (``entries``: those of a list made so far)."""

    entries: list[dict[str, Any]] | None = None


class Terminal:
    def __init__(self, out: IO[str], inp: IO[str], lang: str) -> None:
        from policykit.interview import view

        self.out, self.inp, self.lang = out, inp, lang
        self.ui = view.ui(lang)
        self.words: Any = None  # the case reader's words for a bad day (set once a policy is read)
        # the problems of the last of a list's entries (fact, entries), as the case reader finds them
        self.check_entry: Callable[[str, list[dict[str, Any]]], list[str]] | None = None

    def bad_day(self, text: str) -> str:
        """Why ``text`` is no day, as the case reader words it."""
        if self.words is None:
            return f"{text!r}: YYYY-MM-DD"
        shaped = len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit()
        return str(self.words.not_a_day(text) if shaped else self.words.not_a_date(text))

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def read(self) -> str:
        self.out.write(self.ui["prompt"])
        self.out.flush()
        line = self.inp.readline()
        if not line:
            raise _Stop
        return line.rstrip("\r\n")

    def ask(self, q: Question) -> tuple[bool, Any]:
        """(answered?, value) for ``q``: Enter gives (False, None): the question is skipped,
        or its default stands as an assumption (not written into the case as a fact)."""
        from policykit.interview.answers import NotAnAnswer, parse

        self.say()
        self.say(q.text)
        if q.needed_for:
            joined = ("、" if self.lang == "zh" else ", ").join(q.needed_for)
            self.say(f"  {self.ui['needed_for']}{self.ui['colon']}{joined}")  # (the colon of the interview's language)
        for i, (_, words) in enumerate(q.choices, 1):
            self.say(f"  {i}) {words}")
        if q.assumed:
            shown = next((w for v, w in q.choices if v == q.default), str(q.default))
            if q.kind == "list" and not q.default:
                shown = str(self.ui["none"])
            self.say(
                "  "
                + self.ui["default_hint"].format(value=shown)
                + (f" — {q.default_reason}" if q.default_reason else "")
            )
        if q.kind == "list":  # an empty line at once: as Enter on any question
            entries = self.ask_list(q)
            return (True, entries) if entries else (False, None)
        while True:
            text = self.read()
            if text.strip() == "?":
                for c in q.clauses:  # the original, with its English beside it, in either language
                    self.say(f"  [{c.clause}] {c.text}")
                    if c.en and c.en != c.text:
                        self.say(f"      {c.en}")
                continue
            if not text.strip():  # a default stays an assumption: only an answer establishes a fact
                return False, None
            try:
                return True, parse(q, text)
            except NotAnAnswer:
                choices = ", ".join(f"{i}) {w}" for i, (_, w) in enumerate(q.choices, 1))
                self.say("  " + self.ui["not_a_choice"].format(choices=choices))

    def ask_list(self, q: Question) -> list[dict[str, Any]]:
        """The entries of a list, field by field: a field that takes one of a few values
        shows them numbered, and an answer that is none of them, or a day that is not one,
        is refused and the field asked again (not the whole list, after its last entry), as is
        a required field left empty; each field says what it takes (a day, a whole number)."""
        choices = dict(q.item_choices)
        entries: list[dict[str, Any]] = []
        first = q.item[0][0] if q.item else ""
        fields = self.ui["list_sep"].join(q.field_words(f)[0] for f, _ in q.item)
        self.say("  " + self.ui["item_hint"].format(field=fields))
        try:
            return self._entries(q, entries, first, choices)
        except (_Stop, KeyboardInterrupt) as stop:  # Ctrl-D, Ctrl-C: the entries made so far are kept
            stop.entries = entries  # type: ignore[union-attr]  # (not the one half typed)
            raise

    def _entries(
        self, q: Question, entries: list[dict[str, Any]], first: str, choices: dict[str, tuple[Any, ...]]
    ) -> list[dict[str, Any]]:
        from policykit.interview.answers import NotAnAnswer, as_day, parse
        from policykit.interview.core import Question
        from policykit.lang.dates import parse_date

        while True:
            entry: dict[str, Any] = {}
            for field, kind in q.item:
                values = choices.get(field, ())
                title, labels = q.field_words(field)
                asked = Question(field, kind, title, tuple((v, labels.get(v, str(v))) for v in values), (), (), ())
                hint = self.ui["field_kinds"].get(kind)
                self.say(f"  {title}" + (self.ui["paren"].format(text=hint) if hint and not values else ""))
                for i, value in enumerate(values, 1):
                    self.say(f"    {i}) {labels.get(value, value)}")
                while True:
                    text = self.read()
                    if field == first and not text.strip():
                        return entries
                    if not text.strip() and field in q.item_required:
                        self.say("  ! " + self.ui["field_required"])
                        continue
                    if not text.strip():
                        break  # a field that may be left out
                    try:
                        if kind == "date" and not values:
                            text = as_day(text)
                            parse_date(text)
                        value = parse(asked, text)
                        if kind in ("int", "number") and isinstance(value, str):  # said now, not after the list
                            kinds = self.ui["field_kinds"]
                            self.say("  ! " + self.ui["not_a_number"].format(text=value, kind=kinds[kind]))
                            continue
                        entry[field] = value
                        break
                    except NotAnAnswer:
                        listed = ", ".join(f"{i}) {labels.get(v, v)}" for i, v in enumerate(values, 1))
                        self.say("  " + self.ui["not_a_choice"].format(choices=listed))
                    except ValueError:
                        self.say(f"  ! {self.bad_day(text.strip())}")
            problems = self.check_entry(q.fact, [*entries, entry]) if self.check_entry is not None else []
            for problem in problems:  # (a cost below 0, say): this entry asked again, not the list
                self.say(f"  ! {problem}")
            if not problems:
                entries.append(entry)


def _entry_problems(
    policy: Any, case: dict[str, Any], lang: str, colon: str, fact: str, entries: list[dict[str, Any]]
) -> list[str]:
    """The problems the case reader finds in the last of ``entries`` of the list ``fact``,
    in the case so far (each placed by its field's words): none, where it reads well."""
    from policykit.engine.case import read_case
    from policykit.errors import PolicykitError
    from policykit.interview.core import set_answer
    from policykit.interview.view import place

    try:
        read_case(policy, set_answer(case, fact, entries), lang=lang)
    except PolicykitError as exc:
        own = [d for d in exc.diagnostics if (d.path or "").startswith(f"{fact}[{len(entries) - 1}]")]
        return [f"{place(policy, d.path, lang)}{colon}{d.message}" for d in own]
    return []


def interview_command(args: argparse.Namespace, out: IO[str], err: IO[str], inp: IO[str]) -> int:
    from policykit.errors import Diagnostic, InputError
    from policykit.interview.core import START, set_answer, step
    from policykit.policy.resources import policies_dir
    from policykit.present.text import render_text
    from policykit.tools.versions import load_policy_set

    for option, given in (("--type", args.type), ("--date", args.date)):
        if given is not None and not given.strip():  # given, but empty: never taken for "ask it"
            said = f"{option} is empty: give a value, or leave it out"
            raise InputError([Diagnostic(option, 0, 0, "bad-value", said)])
    if args.out:
        _check_writable(args.out)  # refused before the clerk answers anything
    policies = load_policy_set(args.policy_set or policies_dir(), use_cache=True)
    args.lang = args.lang or policies.latest.lang  # none asked for: the policy's own first language
    refused = policies.latest.not_spoken(args.lang)
    if refused is not None:
        raise InputError([Diagnostic("--lang", 0, 0, "bad-lang", refused)])
    terminal = Terminal(out, inp, args.lang)
    from policykit.engine.case_words import Words

    terminal.words = Words(policies.latest, args.lang)
    case: dict[str, Any] = {}
    if args.type:
        case = set_answer(case, "request.type", args.type)
    if args.date:
        from policykit.interview.answers import as_day

        case = set_answer(case, "request.date", as_day(args.date))  # as the question takes a day
    _check_options(policies.latest, case, as_of_option(args.as_of), args.lang)
    skipped: set[str] = set()
    confirmed: set[str] = set()
    terminal.say(terminal.ui["terminal_help"])
    last: Step | None = None
    last_case: dict[str, Any] = {}
    policy = policies.latest
    try:
        while True:
            policy = policies.for_case(case, args.allow_draft)
            as_of = as_of_option(args.as_of) or policy.today()
            current = step(policy, case, as_of, args.lang)
            if current.errors:
                for e in current.errors:  # (where, as the interview names it: by title, not request.date)
                    at = e.get("where") or e["path"]
                    terminal.say(f"  ! {at}{terminal.ui['colon']}{e['message']}" if at else f"  ! {e['message']}")
                if case is last_case:
                    break
                case = last_case  # the answer is not taken; its question comes again
                continue
            last = current
            pending = [q for q in current.questions if q.fact not in skipped]
            pending += [q for q in current.assumed if q.fact not in confirmed]
            if not pending:
                break
            q = pending[0]
            terminal.check_entry = partial(_entry_problems, policy, case, args.lang, terminal.ui["colon"])
            answered, value = terminal.ask(q)
            last_case = case
            if not answered and q.fact in START:
                continue  # nothing is decided without them: asked again
            if not answered:  # Enter: skipped, or the default left standing as assumed
                (confirmed if q.assumed else skipped).add(q.fact)
                continue
            case = set_answer(case, q.fact, value)
    except _Stop as stop:
        if stop.entries:  # a list's entries made before Ctrl-D are answers given
            case = set_answer(case, q.fact, stop.entries)
        terminal.say()
        terminal.say(terminal.ui["stopped"])
    except KeyboardInterrupt as stopped:  # Ctrl-C stops too (exit 130), but the answers given are not lost
        entries = getattr(stopped, "entries", None)
        if entries:  # a list's entries made before it
            case = set_answer(case, q.fact, entries)
        if all((case.get("request") or {}).get(name.split(".")[1]) for name in START):
            _keep(args.out, case, terminal, err)
        raise
    if any(not (case.get("request") or {}).get(name.split(".")[1]) for name in START):
        where = Diagnostic("<interview>", 0, 0, "incomplete", "stopped before the request was given: no case written")
        raise InputError([where])
    given_as_of = as_of_option(args.as_of)
    day = (case.get("request") or {}).get("date")
    if given_as_of is not None and isinstance(day, str) and day > given_as_of.isoformat():
        # as evaluate says it: the interview decided as of a day before the request was made
        print(as_of_warning(given_as_of, "<interview>", 0, 0, day=day), file=err)
    if last is not None and last.result is not None:
        from policykit.engine.case import read_case
        from policykit.present.text import TextOptions

        terminal.say()
        from policykit.present.assemble import build_result

        # worded as evaluate's text view words it: the days with their weekdays
        shown = build_result(last.record, args.lang, None, None, True) if last.record is not None else last.result
        terminal.say(render_text(policy, shown, args.lang, read_case(policy, case), TextOptions()))
    _keep(args.out, case, terminal, err)
    return EXIT_OK


def _keep(out: str | None, case: dict[str, Any], terminal: Terminal, err: IO[str]) -> None:
    """Write the case to ``out`` (and say so), else print it."""
    if out:
        write_output(out, json.dumps(case, ensure_ascii=False, indent=2) + "\n")
        print(terminal.ui["written"].format(path=out), file=err)
    else:
        terminal.say(json.dumps(case, ensure_ascii=False, indent=2))


def _check_writable(path: str) -> None:
    """Refuse an --out the interview could not write at its end: the file is opened for
    writing now (and left as it was), so that whatever would refuse it then (no such
    folder, a folder, a name too long, a read-only place) refuses it before any question."""
    import os

    from policykit.errors import Diagnostic, InputError

    try:
        if os.path.isdir(path):
            raise IsADirectoryError(21, "is a folder")
        existed = os.path.lexists(path)
        with open(path, "a", encoding="utf-8"):
            pass
        if not existed:
            os.unlink(path)
    except OSError as exc:
        raise InputError([Diagnostic(path, 0, 0, "not-writable", exc.strerror or str(exc))]) from None


def _check_options(policy: Any, case: dict[str, Any], as_of: Any, lang: str) -> None:
    """--type and --date as the case format reads them: a bad one is bad input (exit 2), not a
    question asked again."""
    from policykit.errors import Diagnostic, InputError
    from policykit.interview.core import START, set_answer, step

    given = {name for name in START if (case.get("request") or {}).get(name.split(".")[1])}
    if not given:
        return
    kind, day = START
    probe = case if kind in given else set_answer(case, kind, policy.facts[kind].values[0])
    probe = probe if day in given else set_answer(probe, day, (as_of or policy.today()).isoformat())
    errors = [e for e in step(policy, probe, as_of or policy.today(), lang).errors if e["path"] in given]
    if errors:
        raise InputError([Diagnostic("--" + e["path"].split(".")[-1], 0, 0, e["code"], e["message"]) for e in errors])


def add_parser(sub: Any) -> None:
    it = sub.add_parser("interview", help="ask the questions the standard needs, in a terminal; write the case")
    it.add_argument("--type", help="the request type (else it is asked)")
    it.add_argument("--date", metavar="DATE", help="the day of the request, YYYY-MM-DD (else it is asked)")
    it.add_argument(
        "--lang", type=lang_code, metavar="LANG", help="one the policy speaks (default: its first; zh, bundled)"
    )
    it.add_argument("--out", metavar="FILE", help="write the case here (default: print it at the end)")
    it.add_argument("--as-of", metavar="DATE", help="evaluation day (default: today)")
    it.add_argument(
        "--policy-set",
        metavar="DIR",
        help="folder of policy versions (default: the working copy's policies/, else the bundled set)",
    )
    it.add_argument("--allow-draft", action="store_true")
