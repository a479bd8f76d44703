"""The text of ``policykit diff`` for an editor: the contract first and loud, then each
section; every value written out in full (never JSON, never cut), texts marked inline
(Chinese by character, English by word), and each rule row that changed shown before and
after, whole, with the parts that changed marked: ``[-removed-]`` in the row before,
``{+added+}`` in the row after."""

from __future__ import annotations

import difflib
import re
from typing import Any

from policykit.policy.model import Policy
from policykit.policy.origin import origin
from policykit.tools.diff import IMPACTS, SECTIONS, Change

_TOKEN = re.compile(r"\s+|[A-Za-z0-9_'.-]+|.", re.S)  # English words whole, Chinese by character
_MARKS = {"added": "+", "removed": "-", "changed": "~", "reworded": "~"}
_ROW = re.compile(r"^(?P<row>.+ row \d+)(?: \(was\))?(?: (?P<field>[a-z_]+))?$")


def readable(value: Any) -> str:
    """A value of the policy as an editor reads it: a text in each language as
    ``zh / en``, a mapping as ``key: value · key: value``, a list as ``[a, b]``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        if value and set(value) <= {"zh", "en"} and all(isinstance(v, str) for v in value.values()):
            return " / ".join(str(v) for v in value.values())
        return " · ".join(f"{k}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value) and value:
            return "; ".join(f"({readable(v)})" for v in value)
        return "[" + ", ".join(readable(v) for v in value) + "]"
    return str(value)


def _condition(when: Any) -> str:
    if isinstance(when, list):
        return " and ".join(f"({w})" if " or " in str(w) else str(w) for w in when)
    return readable(when)


def row_line(row: Any) -> str:
    """A rule row on one line: ``when COND → OUTCOME · cites A, B · because ZH / EN``."""
    if not isinstance(row, dict):
        return readable(row)
    parts = []
    if "when" in row:
        parts.append(f"when {_condition(row['when'])}")
    if "when_any" in row:
        grounds = [g if isinstance(g, dict) else {"when": g} for g in row["when_any"]]
        parts.append("when any of (" + "; ".join(row_line(g) for g in grounds) + ")")
    outcome = ""
    if "compute" in row:
        outcome = f"→ {row['compute']}"
    elif "ask" in row:
        outcome = f"→ ask {', '.join(map(str, row['ask']))}"
    elif "value" in row:
        outcome = f"→ {readable(row['value'])}"
    if outcome and parts:
        parts[-1] += " " + outcome
    elif outcome:
        parts.append(outcome)
    for key, value in row.items():
        if key not in ("when", "when_any", "compute", "ask", "value"):
            parts.append(f"{key} {', '.join(map(readable, value)) if isinstance(value, list) else readable(value)}")
    return " · ".join(parts) if parts else "(always)"


def marked_pair(old: str, new: str) -> tuple[str, str]:
    """``old`` with what went marked ``[-...-]`` and ``new`` with what came marked ``{+...+}``."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left: list[str] = []
    right: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, came = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            left.append(gone)
            right.append(came)
            continue
        if gone:
            left.append(f"[-{gone}-]")
        if came:
            right.append(f"{{+{came}+}}")
    return "".join(left), "".join(right)


def _before_after(lines: list[str], head: str, old: str, new: str) -> None:
    before, after = marked_pair(old, new)
    lines.append(head)
    lines.append(f"      - {before}")
    lines.append(f"      + {after}")


def _added_value(item: dict[str, Any]) -> list[str]:
    """A new derived value or decision: what it is, then its rows."""
    head = [readable(item.get("title")) if item.get("title") else ""]
    head += [", ".join(map(str, item.get("applies_to") or [])), str(item.get("type", ""))]
    if item.get("values"):
        head.append("values: " + ", ".join(map(str, item["values"])))
    if item.get("labels"):
        head.append("labels: " + readable(item["labels"]))
    out = [" · ".join(h for h in head if h)]
    key = "rules" if "rules" in item else "collect"
    out += [f"      row {n}: {row_line(row)}" for n, row in enumerate(item.get(key) or [], 1)]
    if item.get("otherwise"):
        out.append(f"      otherwise: {row_line(item['otherwise'])}")
    return out


def _list_items(lines: list[str], head: str, old: list[Any], new: list[Any]) -> None:
    """A list that changed: the items that went and came, each whole."""
    a, b = [readable(v) for v in old], [readable(v) for v in new]
    lines.append(head)
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            lines.extend(f"      - {item}" for item in a[a1:a2])
            lines.extend(f"      + {item}" for item in b[b1:b2])


def _change_lines(lines: list[str], c: Change) -> None:
    mark = _MARKS.get(c.kind, "~")
    if c.section == "rules" and c.kind == "added" and " row " not in c.key and isinstance(c.new, dict):
        first, *rows = _added_value(c.new)
        lines.append(f"  + {c.key}: {first}")
        lines.extend(rows)
    elif c.kind == "added":
        lines.append(f"  + {c.key}: {row_line(c.new) if c.section == 'rules' else readable(c.new)}")
    elif c.kind == "removed":
        lines.append(f"  - {c.key}: {row_line(c.old) if c.section == 'rules' else readable(c.old)}")
    elif c.detail:
        lines.append(f"  {mark} {c.key}: {c.detail}")
    elif isinstance(c.old, list) and isinstance(c.new, list):
        _list_items(lines, f"  {mark} {c.key}:", c.old, c.new)
    elif isinstance(c.old, dict) and isinstance(c.new, dict):
        items = [[f"{k}: {readable(v)}" for k, v in side.items()] for side in (c.old, c.new)]
        _list_items(lines, f"  {mark} {c.key}:", items[0], items[1])
    else:
        old, new = readable(c.old), readable(c.new)
        if len(old) + len(new) <= 60:
            lines.append(f"  {mark} {c.key}: {old} -> {new}")
        else:
            _before_after(lines, f"  {mark} {c.key}:", old, new)


def _rule_lines(lines: list[str], group: list[Change]) -> None:
    """The rule changes: the field changes of one row shown as that row before and after."""
    shown: set[str] = set()
    for c in group:
        match = _ROW.match(c.key)
        if c.rows is not None and match and match["field"]:
            if match["row"] not in shown:
                shown.add(match["row"])
                _before_after(lines, f"  ~ {match['row']}:", row_line(c.rows[0]), row_line(c.rows[1]))
            continue
        _change_lines(lines, c)


def _impacts(group: list[Change]) -> str:
    """What the changes of a section do, where it says: ``: 1 breaking: refuses cases…``."""
    counts = {impact: sum(c.impact == impact for c in group) for impact in IMPACTS}
    said = [f"{n} {IMPACTS[impact]}" for impact, n in counts.items() if n]
    return ": " + "; ".join(said) if said else ""


def same_version(old: Policy, new: Policy, changes: list[Change]) -> str | None:
    """The note for two different texts under one version (a result names its policy by
    version: they could not be told apart), or None."""
    if changes and old.id == new.id and old.version == new.version:
        return f"both say version {new.version}: give the changed one a version of its own, metadata.version"
    return None


def render_diff(old: Policy, new: Policy, changes: list[Change]) -> str:
    """What changed from ``old`` to ``new``, for an editor."""
    lines = [
        f"{old.id} {old.version} ({old.status}) -> {new.id} {new.version} ({new.status}"
        + (f", effective {new.metadata['effective_from']}" if new.metadata.get("effective_from") else "")
        + ")",
        f"{origin(old.file)} -> {origin(new.file)}",
    ]
    note = same_version(old, new, changes)
    if note is not None:
        lines.append(f"({note})")
    if not changes:
        lines.append("no changes")
    for section in SECTIONS:
        group = [c for c in changes if c.section == section]
        if not group:
            continue
        lines.append("")
        if section == "contract":
            breaking = sum(c.kind == "breaking" for c in group)
            lines.append(f"CONTRACT ({len(group)}: {breaking} breaking, {len(group) - breaking} additive)")
            lines.extend(f"  {'!' if c.kind == 'breaking' else '+'} {c.kind}: {c.key}: {c.detail}" for c in group)
            continue
        lines.append(f"{section.replace('_', ' ').capitalize()} ({len(group)}{_impacts(group)})")
        if section == "rules":
            _rule_lines(lines, group)
        else:
            for c in group:
                at = len(lines)
                _change_lines(lines, c)
                if c.impact == "breaking":  # loud, as a breaking change of the contract
                    lines[at] = "  ! " + lines[at][2:]
    return "\n".join(lines) + "\n"
