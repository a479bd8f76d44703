"""Impact of a new version on real cases: evaluate each case under both versions and
count, per decision, the value transitions, with example case ids.  Streams the cases
(a folder of case files or a JSON Lines file), with a progress line on a terminal."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from policykit.engine.case import parse_json, read_case
from policykit.errors import Diagnostic, InputError, PolicykitError
from policykit.evaluator import Decided, decide
from policykit.policy.model import Policy
from policykit.present.result import jsonable

EXAMPLES = 3


@dataclass
class Impact:
    cases: int = 0
    changed: int = 0
    rejected: int = 0
    transitions: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    undecided: Counter[str] = field(default_factory=Counter)
    undecided_examples: dict[str, list[str]] = field(default_factory=dict)

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
        }


def _label(value: Any) -> str:
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def iter_cases(source: str | Path) -> Iterator[tuple[str, bytes]]:
    """(name, JSON bytes) of each case: files of a folder (sorted) or lines of a JSONL file."""
    path = Path(source)
    if path.is_dir():
        for file in sorted(path.glob("*.json")):
            yield str(file), file.read_bytes()
    elif path.is_file():
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{path}:{number}", line
    else:
        raise InputError([Diagnostic(str(path), 0, 0, "not-found", "no such case folder or JSON Lines file")])


def measure_impact(
    old: Policy, new: Policy, source: str | Path, as_of: date, progress: IO[str] | None = None
) -> Impact:
    impact = Impact()
    for count, (name, raw) in enumerate(iter_cases(source), 1):
        try:
            data = parse_json(raw, name)
            before = decide(old, read_case(old, data, name), as_of)
            after = decide(new, read_case(new, data, name), as_of)
        except PolicykitError:
            impact.rejected += 1
            continue
        impact.add(str(data.get("case_id") or name), before, after)
        if progress is not None and count % 500 == 0:
            progress.write(f"\r  {count} cases evaluated under both versions")
            progress.flush()
    if progress is not None:
        progress.write(f"\r  {impact.cases + impact.rejected} cases evaluated under both versions\n")
    return impact


def render_impact(old: Policy, new: Policy, impact: Impact) -> str:
    lines = [
        f"Impact of {old.id} {old.version} -> {new.version} on {impact.cases} cases: "
        f"{impact.changed} change, {impact.cases - impact.changed} do not"
        + (f"; {impact.rejected} cases rejected as bad input" if impact.rejected else "")
    ]
    if impact.transitions:
        lines.append("")
        lines.append("Decisions that change:")
        for (did, a, b), n in sorted(impact.transitions.items(), key=lambda kv: (kv[0][0], -kv[1])):
            noun = "case" if n == 1 else "cases"
            lines.append(f"  {did}  {a} → {b}: {n} {noun} (e.g. {', '.join(impact.examples[(did, a, b)])})")
    if impact.undecided:
        lines.append("")
        lines.append("Became undecided:")
        for did, n in sorted(impact.undecided.items()):
            lines.append(f"  {did}: {n} cases (e.g. {', '.join(impact.undecided_examples[did])})")
    return "\n".join(lines) + "\n"
