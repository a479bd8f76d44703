"""The result for a person at the service desk: who and what the case is, the decisions
in words, what was assumed, the steps, the questions, the clauses, laid out for a terminal.

Internal codes (value codes, clause ids, fact names) appear only with ``codes``; every
fixed word comes from the policy's messages or the package catalogue, in one language.
"""

from __future__ import annotations

from policykit.engine.case import Case
from policykit.lang.dates import date
from policykit.memo import lru_cache
from policykit.policy.model import Policy
from policykit.policy.origin import BUNDLED, is_bundled, origin
from policykit.present.calendar_notes import counted, skipped_line
from policykit.present.catalogue import day, say, title
from policykit.present.layout import hang, width
from policykit.present.result import CitedClause, DecisionResult, Result
from policykit.present.words import fmt, show

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from policykit.records import NamedTuple


class TextOptions(NamedTuple):
    """How the text view is laid out: the width, codes shown or not, clauses whole or short."""

    width: int = 80
    codes: bool = False
    clauses: str = "short"  # or "full"


class _View:
    def __init__(self, policy: Policy, result: Result, lang: str, options: TextOptions) -> None:
        self.policy, self.result, self.lang, self.options = policy, result, lang, options
        self.lines: list[str] = []

    def say(self, key: str, **fields: object) -> str:
        return say(self.policy, key, self.lang, **fields)

    def code(self, text: str) -> str:
        return f" [{text}]" if self.options.codes else ""

    def heading(self, key: str) -> None:
        self.lines.append("")
        self.lines.append(self.say(key))

    def para(self, lead: str, text: str, indent: int) -> None:
        self.lines.extend(hang(lead, text, indent, self.options.width))

    def day(self, value: date, deadline: bool = False) -> str:
        text = day(self.policy, value, self.lang)
        return text + late(self.policy, value, self.result.as_of, self.lang) if deadline else text


def late(policy: Policy, due: date, as_of: date, lang: str) -> str:
    """`` · overdue by N days`` (or `` · today``) for a day something is to be done by, as
    of ``as_of``; nothing for a day still ahead (the text view's and the interview's)."""
    days = (as_of - due).days
    if days > 0:
        return " · " + say(policy, "overdue_one" if days == 1 else "overdue", lang, days=days)
    return " · " + say(policy, "due_today", lang) if days == 0 else ""


def render_text(
    policy: Policy,
    result: Result,
    lang: str,
    case: Case | None = None,
    options: TextOptions | None = None,
) -> str:
    """The text view of ``result`` (``case`` gives the header's customer and product)."""
    view = _View(policy, result, lang, options or TextOptions())
    _header(view, case)
    if result.warnings:
        view.heading("warnings")
        for warning in result.warnings:
            view.para("  ! ", warning, 4)
    view.heading("decisions")
    _decisions(view, case)
    _assumed(view)
    _actions(view)
    _questions(view)
    _clauses(view)
    return "\n".join(view.lines) + "\n"


def _header(view: _View, case: Case | None) -> None:
    policy, result = view.policy, view.result
    facts = case.facts if case is not None else {}
    kind = show(policy, "request.type", result.request_type, view.lang) + view.code(result.request_type)
    head = [f"{policy.message('case', view.lang)} {result.case_id or view.say('no_case_id')}", kind]
    request_day = facts.get("request.date")
    if isinstance(request_day, date):
        head.append(view.day(request_day))
    view.para("", " · ".join(head), 0)
    rows: list[tuple[str, str]] = []
    for group_title, names in policy.summary:
        shown = [str(facts[n]) for n in names if isinstance(facts.get(n), str | int) and str(facts[n]).strip()]
        if shown:  # a group the case says nothing of (no customer on a shipment) is left out
            rows.append((group_title.get(view.lang), " · ".join(shown)))
    meta_title = policy.metadata.get("title")
    name = meta_title.get(view.lang) or policy.id if isinstance(meta_title, dict) else policy.id
    status = view.say(f"status_{result.policy.status}")
    rows.append(
        (
            policy.message("policy", view.lang),
            view.say("with_note", text=f"{name} {result.policy.version}", note=status) + f"{view.code(policy.id)} · "
            f"{view.say('as_of')} {view.day(result.as_of)}",
        )
    )
    rows.append((view.say("policy_file"), _file(view)))
    indent = max(width(label) for label, _ in rows) + 2
    for label, text in rows:
        view.para(label, text, indent)


def _file(view: _View) -> str:
    """The policy file that decided: from the project root, or the bundled one."""
    name = view.result.policy.file or origin(view.policy.file)
    if is_bundled(name):
        return view.say("bundled_file", name=name[len(BUNDLED) :])
    return name


def _value(view: _View, d: DecisionResult) -> str:
    policy, lang = view.policy, view.lang
    if not d.decided:
        return view.policy.message("unknown_value", view.lang)
    value = d.value
    definition = policy.values.get(d.id)
    if value is None:
        return policy.message("not_applicable", lang)
    if isinstance(value, date):
        return view.day(value, deadline=bool(definition and definition.deadline))
    if isinstance(value, list):
        if not value:
            return view.say("none_word")
        sep = view.say("list_sep")
        return sep.join(show(policy, d.id, v, lang) + view.code(str(v)) for v in value)
    text = show(policy, d.id, value, lang)
    return text + (view.code(str(value)) if isinstance(value, str) and text != value else "")


def _decisions(view: _View, case: Case | None) -> None:
    result = view.result
    label_width = min(max((width(d.title) for d in result.decisions), default=0), 20) + 4
    for d in result.decisions:
        mark = f" ({d.assumed_note})" if d.decided and d.assumed_note else ""
        view.para("  " + d.title, _value(view, d) + mark, label_width)
        skipped = _skipped(view, d, case)
        if skipped:
            view.para("", skipped, label_width)
        for because in d.because:
            if because and because != d.assumed_note:
                view.para(" " * label_width + "- ", because, label_width + 2)
        if view.options.codes:
            ids = ", ".join(c.clause for c in d.cites)
            view.para("", f"{d.id}" + (f" ⟨{ids}⟩" if ids else ""), label_width)


def _skipped(view: _View, d: DecisionResult, case: Case | None) -> str:
    """For a working-day deadline: the days off it stepped over (weekend, holiday, a named
    day of the policy with its reason) and the named days it counted as working days."""
    found = counted(view.policy, view.result, d, case)
    return skipped_line(view.policy, found, view.lang, view.options.codes) if found else ""


def _assumed(view: _View) -> None:
    """The facts the case left out whose defaults a decision or step rests on, and why."""
    if not view.result.assumed:
        return
    view.heading("assumed")
    for fact in view.result.assumed:
        # the fact by its name and the default's value, never a label that states it as so
        shown = fmt(view.policy, fact.value, view.lang, True)
        text = f"{title(view.policy, fact.fact, view.lang)}: {shown}"
        if fact.reason:
            text = view.say("with_note", text=text, note=fact.reason)
        view.para("  · ", text + view.code(fact.fact), 4)


def _actions(view: _View) -> None:
    if not view.result.actions:
        return
    view.heading("actions")
    for i, action in enumerate(view.result.actions, 1):
        lead = f"  {i}. "
        view.para(lead, action.text, len(lead))
        if action.due:
            view.para("", f"{view.policy.message('due', view.lang)} {view.day(action.due, True)}", len(lead))
        if view.options.codes:
            view.para("", f"{action.id} ⟨{', '.join(c.clause for c in action.cites)}⟩", len(lead))


def _questions(view: _View) -> None:
    if not view.result.missing:
        return
    view.heading("missing")
    for m in view.result.missing:
        view.para("  ? ", m.question + view.code(m.fact), 4)
        sep = view.say("list_sep")
        decided = [title(view.policy, n, view.lang) for n in m.needed_for if n in view.policy.values]
        steps = [_step(view, n) for n in m.needed_for if n not in view.policy.values]
        if decided:
            view.para("", view.say("decides", titles=sep.join(decided)), 4)
        if steps:
            view.para("", view.say("needed_for_steps", steps=sep.join(steps)), 4)


def _step(view: _View, name: str) -> str:
    """A step by its text (a step whose text shows no values), else its id."""
    for step in view.policy.actions:
        if step.id == name and not step.text.names:
            return step.text.get(view.lang)
    return name


def _clauses(view: _View) -> None:
    cited: dict[str, CitedClause] = {}
    for d in view.result.decisions:
        for c in d.cites:
            cited.setdefault(c.clause, c)
    for a in view.result.actions:
        for c in a.cites:
            cited.setdefault(c.clause, c)
    if not cited:
        return
    view.heading("citations")
    full = view.options.clauses == "full"
    section = None
    for c in sorted(cited.values(), key=lambda c: view.policy.clauses[c.clause].line):
        clause = view.policy.clauses[c.clause]
        if view.lang == "zh" and clause.section != section:
            section = clause.section
            view.lines.append("  " + section)
        lead = ("    " if view.lang == "zh" else "  · ") + (f"{c.clause}  " if view.options.codes else "")
        indent = len(lead) if width(lead) < 30 else 6
        # the original, the English beside it, in either language (CONTRACT 2); short: a
        # short clause whole (at any width), else its first sentence in about two lines (the
        # first sentence alone can be the wrong one: "Shipped by express: ..." for a unit
        # shipped by freight, where the second sentence is the one that applies)
        # (whole or short for the pair, by the original: its English said as much as it does)
        limit = None if full or width(c.text) <= WHOLE_CLAUSE else 2 * (view.options.width - indent) - 12
        view.para(lead, _short(c.text, limit), indent)
        if c.en.strip() != c.text.strip():  # (a standard written in English: said once)
            view.para("", _short(c.en, limit), indent)
        if c.url:
            view.para("", c.url, indent)
    if not full:
        view.para("  ", view.say("clauses_full_hint"), 2)


WHOLE_CLAUSE = 220  # columns: a clause about three lines long at 80 is cited whole


def _short(text: str, limit: int | None) -> str:
    """``text`` whole where ``limit`` is None, else its first sentence within ``limit``."""
    return text.strip() if limit is None else _sentence(text, limit)


_ENDS = frozenset("。；;!?！？")  # a sentence ends after one of these, or after ". "


def first_sentence(text: str) -> str:
    """The first piece of ``text`` that is not blank when it is cut after each sentence
    end (``re.split(r"(?<=[。；;!?！？])|(?<=\\. )", text)``), or ``text`` where none is."""
    start = 0
    for i in range(1, len(text) + 1):
        if text[i - 1] in _ENDS or (i >= 2 and text[i - 2 : i] == ". "):
            if text[start:i].strip():
                return text[start:i]
            start = i
    return text[start:] if text[start:].strip() else text


@lru_cache(maxsize=4096)
def _sentence(text: str, limit: int = 70) -> str:
    """The first sentence of a clause, cut at ``limit`` columns."""
    first = first_sentence(text).strip()
    if width(first) <= limit:
        return first
    cut, used = 0, 0
    for i, ch in enumerate(first):
        used += width(ch)
        if used > limit - 1:
            cut = i
            break
    kept = first[:cut]
    if kept[-1:].isascii() and kept[-1:].isalnum() and " " in kept:  # not inside an English word
        kept = kept[: kept.rindex(" ")]
    return kept.rstrip(" ,，、;；") + "…"
