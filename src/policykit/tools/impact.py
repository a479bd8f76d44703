"""Impact of a new version on real cases: evaluate each case under both versions and
count, per decision, the value transitions, with example case ids.  Streams the cases
(a folder of case files or a JSON Lines file), with a progress line on a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from policykit.engine.case import parse_json, read_case
from policykit.errors import MAX_ERRORS, Diagnostic, InputError, PolicykitError
from policykit.evaluator import Decided, decide
from policykit.limits import DEFAULT, Limits, read_bounded
from policykit.policy.model import Policy
from policykit.present.result import jsonable
from policykit.tools.document import on_line, requested_after, wrapped_hint
from policykit.tools.impact_sides import SIDES, OneSided
from policykit.tools.impact_sides import label as _label

EXAMPLES = 3


@dataclass
class Impact:
    cases: int = 0
    changed: int = 0
    rejected: int = 0
    rejected_examples: list[str] = field(default_factory=list)  # the first few, as file:line
    transitions: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    undecided: Counter[str] = field(default_factory=Counter)
    undecided_examples: dict[str, list[str]] = field(default_factory=dict)
    # why the first rejected cases were: their problems, as evaluate --batch words them
    rejected_problems: list[tuple[Diagnostic, ...]] = field(default_factory=list)  # a case's each
    early: int = 0  # cases decided as of a day before their request date (a mistyped --as-of?)
    early_first: str = ""  # the name of the first (its file, or file:line)
    # cases one side refuses and the other decides, by the side that refuses ("old", "new")
    one_sided: dict[str, OneSided] = field(default_factory=dict)

    def add(self, case_id: str, old: Decided, new: Decided) -> None:
        self.cases += 1
        changed = False
        for did in dict.fromkeys([*old.values, *new.values]):
            a, b = jsonable(old.values.get(did)), jsonable(new.values.get(did))
            if a == b and type(a) is type(b):
                continue
            changed = True
            key = (did, _label(a), _label(b))
            self.transitions[key] += 1
            bucket = self.examples.setdefault(key, [])
            if len(bucket) < EXAMPLES:
                bucket.append(case_id)
            if did in new.missing and did not in old.missing:
                self.undecided[did] += 1
                more = self.undecided_examples.setdefault(did, [])
                if len(more) < EXAMPLES:
                    more.append(case_id)
        self.changed += changed

    def seen(self, case: Any, name: str, as_of: date) -> None:
        """A case read (``name``), counted when decided as of a day before its request."""
        if requested_after(case, as_of):
            self.early += 1
            self.early_first = self.early_first or name

    def decided_on_one_side(
        self, case_id: str, name: str, refused_by: str, error: PolicykitError, decided: Decided
    ) -> None:
        """A case the ``refused_by`` side refuses (``error``) and the other decides: a change."""
        self.cases += 1
        self.changed += 1
        side = self.one_sided.setdefault(refused_by, OneSided(refused_by))
        problems = tuple(_placed(name, d) for d in error.diagnostics)
        side.add(case_id, name, problems, {did: _label(jsonable(v)) for did, v in decided.values.items()})

    def reject(self, name: str, error: PolicykitError | None = None) -> None:
        """A case that could not be read or decided (bad input), named by ``name``; ``error``
        says why (its problems are kept for the first few)."""
        self.rejected += 1
        if len(self.rejected_examples) < EXAMPLES:
            self.rejected_examples.append(name)
        if self._told() < MAX_ERRORS:
            found = [_placed(name, d) for d in error.diagnostics] if error is not None else []
            self.rejected_problems.append(
                tuple(found or [_placed(name, Diagnostic(name, 0, 0, "unreadable", "the case could not be read"))])
            )

    def _told(self) -> int:
        return sum(len(problems) for problems in self.rejected_problems)

    def refused(self, source: str) -> InputError | None:
        """The error of an impact measured on no case of ``source``: none there, or every one
        of them bad input (an impact of 0 cases would say nothing: it would only hide that
        none could be read)."""
        if self.cases:
            return None
        if not self.rejected:
            said = "no case here: a folder's *.json files, or a JSON Lines file's lines"
            return InputError([Diagnostic(source, 0, 0, "no-cases", said)])
        error = InputError([d for problems in self.rejected_problems for d in problems])  # sorted, capped
        more = self.rejected - len(self.rejected_problems)
        if more:  # last, as the cap's own line is
            last = error.diagnostics[-1]
            error.diagnostics.append(Diagnostic(last.file, 0, 0, "bad-case", f"and {more} more bad cases, not shown"))
        return error

    def merge(self, other: Impact) -> None:
        """Add the impact of the cases that came after these (examples keep their order)."""
        self.cases += other.cases
        self.changed += other.changed
        if len(self.rejected_problems) == self.rejected:  # the first cases' problems, none left out before
            for problems in other.rejected_problems:
                if self._told() >= MAX_ERRORS:
                    break
                self.rejected_problems.append(problems)
        self.rejected += other.rejected
        self.rejected_examples += other.rejected_examples[: EXAMPLES - len(self.rejected_examples)]
        self.early += other.early
        self.early_first = self.early_first or other.early_first
        self.transitions.update(other.transitions)
        self.undecided.update(other.undecided)
        _first_examples(self.examples, other.examples)
        _first_examples(self.undecided_examples, other.undecided_examples)
        for refused_by, side in other.one_sided.items():
            self.one_sided.setdefault(refused_by, OneSided(refused_by)).merge(side)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "changed": self.changed,
            "unchanged": self.cases - self.changed,
            "rejected": self.rejected,
            "transitions": [
                {"decision": d, "from": a, "to": b, "cases": n, "examples": self.examples[(d, a, b)]}
                for (d, a, b), n in sorted(self.transitions.items(), key=lambda kv: (kv[0][0], -kv[1]))
            ],
            "became_undecided": [
                {"decision": d, "cases": n, "examples": self.undecided_examples[d]}
                for d, n in sorted(self.undecided.items())
            ],
            "rejected_examples": self.rejected_examples,  # (added after the keys there were)
        }

    def one_sided_dict(self, old_version: str, new_version: str) -> list[dict[str, Any]]:
        """The cases one side refuses and the other decides, per side that refuses (old first)."""
        versions = {"old": old_version, "new": new_version}
        return [self.one_sided[side].to_dict(versions) for side in SIDES if side in self.one_sided]


def _placed(name: str, problem: Diagnostic) -> Diagnostic:
    """A problem of the case ``name`` placed as ``evaluate --batch`` places it: a line of a
    JSON Lines file (``file:N``) as that line, and the column where the line is the case's."""
    file, _, number = name.rpartition(":")
    if problem.file != name or not file or not number.isdigit():
        return problem
    return on_line(file, int(number), problem)


def _first_examples(mine: dict[Any, list[str]], theirs: dict[Any, list[str]]) -> None:
    for key, ids in theirs.items():
        bucket = mine.setdefault(key, [])
        bucket.extend(ids[: EXAMPLES - len(bucket)])


STDIN = "<stdin>"  # how cases read from standard input (``--cases -``) are named


def cases_label(source: str | Path) -> str:
    """How the cases of ``source`` are named: standard input (``-``) as ``<stdin>``."""
    return STDIN if str(source) == "-" else str(source)


def iter_cases(
    source: str | Path | IO[bytes], limits: Limits = DEFAULT
) -> Iterator[tuple[str, bytes | PolicykitError]]:
    """(name, JSON bytes) of each case: files of a folder (sorted, ``.json`` in any case),
    lines of a JSONL file, or lines of a stream (standard input, ``--cases -``).

    Each is read within the case size limit; a file that leads out of the folder (a
    symlink, say) or is not a regular file is not read, and comes as its error instead."""
    if not isinstance(source, str | Path):  # standard input, as the command was given it
        yield from _lines(source, STDIN, limits)
        return
    path = Path(source)
    if path.is_dir():
        root = path.resolve()
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"):
            try:
                yield str(file), read_bounded(file, limits.case_bytes, str(file), inside=root)
            except PolicykitError as exc:
                yield str(file), exc
    elif path.is_file():
        with open(path, "rb") as handle:
            yield from _lines(handle, str(path), limits)
    else:
        raise InputError([Diagnostic(str(path), 0, 0, "not-found", "no such case folder or JSON Lines file")])


def _lines(handle: IO[bytes], label: str, limits: Limits) -> Iterator[tuple[str, bytes | PolicykitError]]:
    """(``label:N``, the line) of each line of ``handle`` that is not blank; a line over
    the case size limit is read no further, and comes as its error."""
    number = 0
    while True:
        line = handle.readline(limits.case_bytes + 2)
        if not line:
            break
        number += 1
        name = f"{label}:{number}"
        if len(line.rstrip(b"\r\n")) > limits.case_bytes:
            while line and not line.endswith(b"\n"):
                line = handle.readline(limits.case_bytes + 2)
            yield name, InputError([Diagnostic(name, 0, 0, "too-large", "line over the case size limit")])
        elif line.strip():
            yield name, line


def impact_of(
    old: Policy,
    new: Policy,
    as_of: date,
    items: Iterable[tuple[str, bytes | PolicykitError | None]],
    limits: Limits = DEFAULT,
) -> Impact:
    """The impact on some cases, in order (None or an error: a case that could not be read,
    rejected).  A case that one version refuses and the other decides is a change, kept
    apart (:attr:`Impact.one_sided`); one both refuse is rejected, with the old one's problems."""
    impact = Impact()
    for name, raw in items:
        if raw is None or isinstance(raw, PolicykitError):  # could not be read
            impact.reject(name, raw)
            continue
        try:
            data = parse_json(raw, name, limits.case_bytes)
        except PolicykitError as exc:
            impact.reject(name, exc)
            continue
        was = _decided(old, data, name, raw, as_of, limits)
        now = _decided(new, data, name, raw, as_of, limits)
        case_id = str(data.get("case_id") or name) if isinstance(data, dict) else name
        if isinstance(was, PolicykitError):
            if isinstance(now, PolicykitError):
                impact.reject(name, was)
                continue
            impact.seen(now[0], name, as_of)
            impact.decided_on_one_side(case_id, name, "old", was, now[1])
        elif isinstance(now, PolicykitError):
            impact.seen(was[0], name, as_of)
            impact.decided_on_one_side(case_id, name, "new", now, was[1])
        else:
            impact.seen(was[0], name, as_of)
            impact.add(case_id, was[1], now[1])
    return impact


def _decided(
    policy: Policy, data: Any, name: str, raw: bytes, as_of: date, limits: Limits
) -> tuple[Any, Decided] | PolicykitError:
    """(the case as ``policy`` reads it, its values), or the error that refuses it."""
    try:
        case = read_case(policy, data, name, raw)  # (the text places a problem where it stands)
    except PolicykitError as exc:
        return wrapped_hint(exc, data, policy, "en")
    try:
        return case, decide(policy, case, as_of, limits)
    except PolicykitError as exc:
        return exc


_POLICIES: dict[tuple[str, Limits], Policy] = {}


def impact_of_files(
    old: str,
    new: str,
    as_of: date,
    items: list[tuple[str, bytes | PolicykitError | None]],
    limits: Limits = DEFAULT,
) -> Impact:
    """:func:`impact_of` with the two versions named by file (loaded under ``limits`` once per
    worker process)."""
    from policykit.policy.compiler import load_policy

    for path in (old, new):
        if (path, limits) not in _POLICIES:
            _POLICIES[path, limits] = load_policy(path, use_cache=True, limits=limits)[0]
    return impact_of(_POLICIES[old, limits], _POLICIES[new, limits], as_of, items, limits)


CHUNK = 500


def measure_impact(
    old: Policy,
    new: Policy,
    source: str | Path | IO[bytes],
    as_of: date,
    progress: IO[str] | None = None,
    jobs: int = 1,
    files: tuple[str, str] | None = None,
    limits: Limits = DEFAULT,
) -> Impact:
    """The impact on every case of ``source``, streamed ``CHUNK`` cases at a time; with
    ``jobs`` > 1 (and the two policies' ``files``), in that many worker processes."""
    from functools import partial

    from policykit.tools.parallel import chunks, ordered_map
    from policykit.tools.progress import Progress

    if jobs > 1 and files is not None:
        work: Any = partial(impact_of_files, files[0], files[1], as_of, limits=limits)
    else:
        work, jobs = partial(impact_of, old, new, as_of, limits=limits), 1
    impact = Impact()
    line = Progress(progress, "cases evaluated under both versions") if progress is not None else None
    for part in ordered_map(work, chunks(iter_cases(source, limits), CHUNK), jobs):
        impact.merge(part)
        if line is not None:
            line.update(impact.cases + impact.rejected)
    if line is not None:
        line.done(impact.cases + impact.rejected)
    return impact


def summarize(impact: Impact, old: Policy, new: Policy) -> list[dict[str, Any]]:
    """Per decision that changes (in id order), how many cases it changes in, and how: for a
    date, by how many days the cases shifted (``shifts``, most cases first); for any other
    value, and a date that comes or goes, the cases per old -> new value (``changes``; a
    date decision's dates written ``date`` there, whatever the day)."""
    summary: dict[str, dict[str, Any]] = {}
    for (did, a, b), n in impact.transitions.items():
        value = new.values.get(did) or old.values.get(did)
        dated = value is not None and value.type == "date"
        entry = summary.setdefault(did, {"decision": did, "cases": 0, "shifts": Counter(), "changes": Counter()})
        entry["cases"] += n
        day_a, day_b = (_day(a), _day(b)) if dated else (None, None)
        if day_a is not None and day_b is not None:
            entry["shifts"][(day_b - day_a).days] += n
        else:
            entry["changes"][("date" if day_a is not None else a, "date" if day_b is not None else b)] += n
    return [
        {
            **entry,
            "shifts": [
                {"days": d, "cases": n} for d, n in sorted(entry["shifts"].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "changes": [
                {"from": a, "to": b, "cases": n}
                for (a, b), n in sorted(entry["changes"].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }
        for _, entry in sorted(summary.items())
    ]


def _day(label: str) -> date | None:
    """The day a date decision's label names (None: ``null``)."""
    try:
        return date.fromisoformat(label)
    except ValueError:
        return None


SHOWN = 5  # the kinds of change a summary line names; the rest are counted


def _summary_lines(summary: list[dict[str, Any]]) -> list[str]:
    """One line a decision: ``id  N cases: n shifted by +1 day, m by +3 days, k a → b``
    (``all shifted by +1 day`` when every case changed alike), naming its :data:`SHOWN`
    commonest kinds of change and counting the rest."""
    width = max(len(entry["decision"]) for entry in summary)
    lines = []
    for entry in summary:
        kinds = [(f"by {s['days']:+d} {_days(s['days'])}", s["cases"]) for s in entry["shifts"]]
        kinds += [(f"{c['from']} → {c['to']}", c["cases"]) for c in entry["changes"]]
        said = [f"{n} {what}" for what, n in kinds[:SHOWN]]
        if entry["shifts"]:
            said[0] = said[0].replace(" by ", " shifted by ", 1)
        if len(kinds) == 1:  # every case alike
            said = [said[0].split(" ", 1)[1] if entry["cases"] == 1 else "all " + said[0].split(" ", 1)[1]]
        if kinds[SHOWN:]:
            said.append(f"{sum(n for _, n in kinds[SHOWN:])} otherwise ({len(kinds) - SHOWN} more kinds of change)")
        lines.append(f"  {entry['decision']:<{width}}  {entry['cases']} {_cases(entry['cases'])}: {', '.join(said)}")
    return lines


def _days(count: int) -> str:
    return "day" if abs(count) == 1 else "days"


def _cases(count: int) -> str:
    return "case" if count == 1 else "cases"


def _first(impact: Impact) -> str:
    """Where the rejected cases are: ``b.jsonl:2, b.jsonl:5`` (the first few)."""
    shown = ", ".join(impact.rejected_examples)
    return shown if impact.rejected <= len(impact.rejected_examples) else f"the first {shown}"


def render_impact(old: Policy, new: Policy, impact: Impact) -> str:
    lines = [
        f"Impact of {old.id} {old.version} -> {new.version} on {impact.cases} {_cases(impact.cases)}: "
        f"{impact.changed} change, {impact.cases - impact.changed} do not"
        + (
            f"; {impact.rejected} {_cases(impact.rejected)} rejected as bad input"
            f" ({_first(impact)}: evaluate --batch says why)"
            if impact.rejected
            else ""
        )
    ]
    if impact.transitions:
        lines.append("")
        lines.append("Summary by decision:")
        lines.extend(_summary_lines(summarize(impact, old, new)))
        lines.append("")
        lines.append("Decisions that change:")
        for (did, a, b), n in sorted(impact.transitions.items(), key=lambda kv: (kv[0][0], -kv[1])):
            lines.append(f"  {did}  {a} → {b}: {n} {_cases(n)} (e.g. {', '.join(impact.examples[(did, a, b)])})")
    if impact.undecided:
        lines.append("")
        lines.append("Became undecided:")
        for did, n in sorted(impact.undecided.items()):
            lines.append(f"  {did}: {n} {_cases(n)} (e.g. {', '.join(impact.undecided_examples[did])})")
    if impact.one_sided:
        versions = {"old": old.version, "new": new.version}
        lines.append("")
        lines.append("Decided under one version only:")
        for side in SIDES:
            if side in impact.one_sided:
                lines.extend(impact.one_sided[side].lines(versions))
    return "\n".join(lines) + "\n"
