"""The cases of an impact run that one version refuses as bad input and the other decides:
a change (a case new under the new version, say of a request type it adds, or one no
longer accepted), not a bad case.  Per side that refuses: how many, the values the other
side decides, with example case ids, and why the first few were refused."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from policykit.errors import Diagnostic

EXAMPLES = 3
SIDES = ("old", "new")  # the side that refuses


@dataclass
class OneSided:
    """The cases one side (``refused_by``) refuses and the other decides."""

    refused_by: str
    cases: int = 0
    values: Counter[tuple[str, str]] = field(default_factory=Counter)  # (decision, value) on the deciding side
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    refusals: list[tuple[str, str, tuple[Diagnostic, ...]]] = field(default_factory=list)  # (case, name, problems)

    def add(self, case_id: str, name: str, problems: tuple[Diagnostic, ...], values: dict[str, str]) -> None:
        """A case (``name``, its problems on the refusing side) and its values (labels) on the other."""
        self.cases += 1
        if len(self.refusals) < EXAMPLES:
            self.refusals.append((case_id, name, problems))
        for did, label in values.items():
            self.values[did, label] += 1
            bucket = self.examples.setdefault((did, label), [])
            if len(bucket) < EXAMPLES:
                bucket.append(case_id)

    def merge(self, other: OneSided) -> None:
        self.cases += other.cases
        self.values.update(other.values)
        self.refusals += other.refusals[: EXAMPLES - len(self.refusals)]
        for key, ids in other.examples.items():
            bucket = self.examples.setdefault(key, [])
            bucket.extend(ids[: EXAMPLES - len(bucket)])

    def to_dict(self, versions: dict[str, str]) -> dict[str, Any]:
        decided_by = "new" if self.refused_by == "old" else "old"
        return {
            "refused_by": self.refused_by,
            "refused_by_version": versions[self.refused_by],
            "decided_by": decided_by,
            "decided_by_version": versions[decided_by],
            "cases": self.cases,
            "decisions": [
                {"decision": did, "value": label, "cases": n, "examples": self.examples[did, label]}
                for (did, label), n in _ordered(self.values)
            ],
            "refusals": [
                {"case": case_id, "name": name, "problems": [_problem(d) for d in problems]}
                for case_id, name, problems in self.refusals
            ],
        }

    def lines(self, versions: dict[str, str]) -> list[str]:
        """The text: the cases, what the refusing side says of the first, and the values the other side gives."""
        n = self.cases
        cases = "case" if n == 1 else "cases"
        refuses, them = versions[self.refused_by], "it" if n == 1 else "them"
        if self.refused_by == "old":
            head = (
                f"  {n} {cases} new under {versions['new']} ({refuses} refuses {them}), as {versions['new']} decides:"
            )
        else:
            head = (
                f"  {n} {cases} no longer accepted under {refuses} ({refuses} refuses {them}),"
                f" as {versions['old']} decided:"
            )
        out = [head]
        for (did, label), count in _ordered(self.values):
            shown = ", ".join(self.examples[did, label])
            out.append(f"    {did}  {label}: {count} {'case' if count == 1 else 'cases'} (e.g. {shown})")
        if self.refusals:
            _, _, problems = self.refusals[0]
            first = problems[0].format() if problems else self.refusals[0][1]
            out.append(f"    {refuses} says, e.g.: {first}")
        return out


def _ordered(values: Counter[tuple[str, str]]) -> list[tuple[tuple[str, str], int]]:
    return sorted(values.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))


def _problem(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "col": d.col, "code": d.code, "message": d.message, "path": d.path}


def label(value: Any) -> str:
    """A decision's value as the impact writes it: text as itself, anything else as JSON."""
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
