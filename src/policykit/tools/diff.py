"""``policykit diff OLD NEW``: what changed between two versions, grouped for an editor.

Compares the policy files as written: the contract, the case checks, metadata, the
words of the result (``messages``, ``summary``), clauses (with an inline text diff),
parameters, facts and their defaults, the registration, the calendar, interpretations,
every rule row of every value, actions and warnings.  ``DIFFED`` names the section each
top-level key of a policy is compared in and ``NOT_DIFFED`` why the others are not (a test
holds the two to the policy schema, so a new key cannot be forgotten).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any

from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy

SECTIONS = (
    "contract",
    "case_checks",
    "metadata",
    "messages",
    "summary",
    "clauses",
    "parameters",
    "facts",
    "registration",
    "calendar",
    "interpretations",
    "rules",
    "actions",
    "warnings",
)

# Each top-level key of a policy: the section its changes are shown in.
DIFFED = {
    "contract": "contract",
    "contract_extension": "contract",  # compared as the case format the two together make
    "case_checks": "case_checks",
    "metadata": "metadata",
    "messages": "messages",
    "summary": "summary",
    "clauses": "clauses",
    "parameters": "parameters",
    "facts": "facts",
    "registration": "registration",
    "calendar": "calendar",
    "interpretations": "interpretations",
    "derived": "rules",
    "decisions": "rules",
    "actions": "actions",
    "warnings": "warnings",
}
# The top-level keys deliberately not compared, and why.
NOT_DIFFED = {
    "policykit": "the format version a file is read with: no result or case depends on it",
    "amends": "an amendment is compared as the whole version it resolves to",
}

# What a change does to the cases and results, where a section says it on its own.
IMPACTS = {
    "breaking": "breaking: refuses cases the old version decided",
    "relaxing": "relaxing: decides cases the old version refused",
    "results": "changing results",
    "wording": "wording only: how results read, not what is decided",
}


@dataclass(frozen=True)
class Change:
    section: str
    key: str
    kind: str  # added, removed, changed
    old: Any = None
    new: Any = None
    detail: str = ""
    # a field of a rule row: the whole row before and after (the text view shows them)
    rows: tuple[Any, Any] | None = dataclass_field(default=None, compare=False, repr=False)
    impact: str = ""  # a key of IMPACTS, where the section says what the change does

    def to_dict(self) -> dict[str, Any]:
        out = {"section": self.section, "key": self.key, "kind": self.kind, "old": self.old, "new": self.new}
        if self.detail:
            out["detail"] = self.detail
        if self.impact:
            out["impact"] = self.impact
        return out


_TEXT_LIMIT: ContextVar[int] = ContextVar("text_diff_chars", default=DEFAULT.text_diff_chars)
_SENTENCE = re.compile(r"(?<=[。；;！？!?\n])")
_WORD = re.compile(r"\s+|[A-Za-z0-9_'.-]+|.", re.S)


def _tokens(text: str) -> list[str]:
    """Words for text in a spaced language, characters for Chinese (no spaces between words)."""
    if not text.isascii():
        return list(text)
    return _WORD.findall(text)


def inline_diff(old: str, new: str) -> str:
    """``[-removed-]{+added+}`` marks: character by character for Chinese, word by word
    for English.

    Texts longer than the ``text_diff_chars`` limit together are compared sentence by
    sentence instead (a character diff takes time growing with the square of the length),
    and in texts of very many sentences, all between the first and the last change is shown
    replaced whole."""
    limit = _TEXT_LIMIT.get()
    a: list[str] = _tokens(old)
    b: list[str] = _tokens(new)
    if len(old) + len(new) > limit:
        a, b = _SENTENCE.split(old), _SENTENCE.split(new)
        if len(a) + len(b) > limit // 10:
            return _replaced_middle(old, new)
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[a1:a2]))
            continue
        if a2 > a1:
            out.append(f"[-{''.join(a[a1:a2])}-]")
        if b2 > b1:
            out.append(f"{{+{''.join(b[b1:b2])}+}}")
    return "".join(out)


def _replaced_middle(old: str, new: str) -> str:
    """What lies between the common start and the common end, shown replaced whole."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    a, b = old[start : len(old) - end], new[start : len(new) - end]
    middle = (f"[-{a}-]" if a else "") + (f"{{+{b}+}}" if b else "")
    return old[:start] + middle + old[len(old) - end :]


def _keyed(items: list[dict[str, Any]] | None, key: str = "id") -> dict[str, dict[str, Any]]:
    return {str(item[key]): item for item in items or [] if isinstance(item, dict) and key in item}


def _mapping(section: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    for key in old:
        if key not in new:
            yield Change(section, key, "removed", old[key], None)
    for key, value in new.items():
        if key not in old:
            yield Change(section, key, "added", None, value)
        elif old[key] != value:
            yield from _fields(section, key, old[key], value)


def _fields(section: str, key: str, old: Any, new: Any) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        for field in dict.fromkeys([*old, *new]):
            if old.get(field) != new.get(field):
                a, b = old.get(field), new.get(field)
                detail = inline_diff(a, b) if isinstance(a, str) and isinstance(b, str) else ""
                if isinstance(a, dict) and isinstance(b, dict) and _is_texts(a) and _is_texts(b):
                    detail = _texts_detail(a, b)
                yield Change(
                    section,
                    f"{key}.{field}",
                    "changed" if field in old and field in new else ("added" if field in new else "removed"),
                    a,
                    b,
                    detail,
                )
    else:
        yield Change(section, key, "changed", old, new)


def _rules(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    olds = {**_keyed(old.get("derived")), **_keyed(old.get("decisions"))}
    news = {**_keyed(new.get("derived")), **_keyed(new.get("decisions"))}
    for vid in olds:
        if vid not in news:
            yield Change("rules", vid, "removed", olds[vid], None)
    for vid, item in news.items():
        if vid not in olds:
            yield Change("rules", vid, "added", None, item)
            continue
        before = olds[vid]
        for field in (
            "title",
            "type",
            "values",
            "labels",
            "applies_to",
            "interpretation",
            "unknown",
            "otherwise",
            "unique",
        ):
            if before.get(field) != item.get(field):
                yield Change("rules", f"{vid} {field}", "changed", before.get(field), item.get(field))
        key = "rules" if "rules" in item else "collect"
        yield from _rows(vid, before.get(key) or [], item.get(key) or [])


def _rows(vid: str, rows_old: list[Any], rows_new: list[Any]) -> Iterator[Change]:
    """Rows aligned as a sequence: an inserted row is added, not every row after it changed."""
    keys_old = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows_old]
    keys_new = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows_new]
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and a2 - a1 == b2 - b1:
            for i, j in zip(range(a1, a2), range(b1, b2), strict=True):
                yield from _row(f"{vid} row {j + 1}", rows_old[i], rows_new[j])
            continue
        for i in range(a1, a2):
            yield Change("rules", f"{vid} row {i + 1} (was)", "removed", rows_old[i], None)
        for j in range(b1, b2):
            yield Change("rules", f"{vid} row {j + 1}", "added", None, rows_new[j])


def _row(name: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    for part in ("when", "when_any", "value", "compute", "ask", "cites", "interpretation"):
        a, b = old.get(part), new.get(part)
        if a != b:
            detail = inline_diff(a, b) if isinstance(a, str) and isinstance(b, str) else ""
            yield Change("rules", f"{name} {part}", "changed", a, b, detail, (old, new))
    a, b = old.get("because") or {}, new.get("because") or {}
    if a != b:
        yield Change("rules", f"{name} because", "changed", a, b, _texts_detail(a, b), (old, new))


def _texts_detail(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Each language that changed, marked inline."""
    return "; ".join(
        f"{lang}: {inline_diff(str(a.get(lang, '')), str(b.get(lang, '')))}"
        for lang in dict.fromkeys([*a, *b])
        if a.get(lang) != b.get(lang)
    )


def _is_texts(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(v, str) for v in value.values())


def _with(changes: Iterator[Change], impact: str) -> Iterator[Change]:
    return (_impact(c, impact) for c in changes)


def _impact(change: Change, impact: str) -> Change:
    return replace(change, impact=impact)


def _numbered(items: Any) -> dict[str, Any]:
    """A list of groups as a mapping by position: ``group 1``, ``group 2``…"""
    return {f"group {n}": item for n, item in enumerate(items if isinstance(items, list) else [], 1)}


def _case_checks(old: list[Any], new: list[Any]) -> Iterator[Change]:
    """The checks in both versions alike left out (their order decides nothing), the rest
    paired by the field they check.  A new check refuses cases the old version decided
    (breaking); a check removed decides cases it refused (relaxing); a changed condition,
    field or request type may do either (changing results); a changed message only
    rewords the refusal."""
    keys_old = [json.dumps(c, sort_keys=True, ensure_ascii=False) for c in old]
    keys_new = [json.dumps(c, sort_keys=True, ensure_ascii=False) for c in new]
    both = Counter(keys_old) & Counter(keys_new)
    left = both.copy()
    unmatched = [i for i, k in enumerate(keys_old) if not _take(left, k)]
    left = both.copy()
    changed = [j for j, k in enumerate(keys_new) if not _take(left, k)]

    def name(check: Any, n: int) -> str:
        return f"check {n} ({check.get('field')})" if isinstance(check, dict) else f"check {n}"

    def field_of(check: Any) -> Any:
        return check.get("field") if isinstance(check, dict) else None

    for j in changed:
        after = new[j]
        i = next((i for i in unmatched if field_of(old[i]) == field_of(after) is not None), None)
        if i is None:
            yield Change("case_checks", name(after, j + 1), "added", None, after, impact="breaking")
            continue
        unmatched.remove(i)
        for change in _fields("case_checks", name(after, j + 1), old[i], after):
            yield _impact(change, "wording" if change.key.rsplit(".", 1)[-1] == "message" else "results")
    for i in unmatched:
        yield Change("case_checks", f"{name(old[i], i + 1)} (was)", "removed", old[i], None, impact="relaxing")


def _take(left: Counter[str], key: str) -> bool:
    """Whether one more of ``key`` is in ``left`` (and count it taken)."""
    if left[key] > 0:
        left[key] -= 1
        return True
    return False


def diff_policies(old: Policy, new: Policy, limits: Limits = DEFAULT) -> list[Change]:
    token = _TEXT_LIMIT.set(limits.text_diff_chars)
    try:
        return _diff_policies(old, new)
    finally:
        _TEXT_LIMIT.reset(token)


def _diff_policies(old: Policy, new: Policy) -> list[Change]:
    """Every change from ``old`` to ``new``, section by section."""
    from policykit.policy.contract_ext import contract_changes

    a, b = old.raw, new.raw
    changes: list[Change] = [
        Change("contract", subject, kind, detail=what)
        for kind, subject, what in contract_changes(a, old.case_schema, b, new.case_schema)
    ]
    changes.extend(_case_checks(a.get("case_checks") or [], b.get("case_checks") or []))
    changes.extend(_mapping("metadata", a.get("metadata") or {}, b.get("metadata") or {}))
    changes.extend(_with(_mapping("messages", a.get("messages") or {}, b.get("messages") or {}), "wording"))
    changes.extend(_with(_mapping("summary", _numbered(a.get("summary")), _numbered(b.get("summary"))), "wording"))
    old_clauses, new_clauses = _keyed(a.get("clauses")), _keyed(b.get("clauses"))
    for cid in old_clauses:
        if cid not in new_clauses:
            changes.append(Change("clauses", cid, "removed", old_clauses[cid].get("zh"), None))
    for cid, clause in new_clauses.items():
        if cid not in old_clauses:
            changes.append(Change("clauses", cid, "added", None, f"{clause.get('zh')} / en: {clause.get('en')}"))
            continue
        for field in ("zh", "en", "section", "informational"):
            x, y = old_clauses[cid].get(field), clause.get(field)
            if x != y:
                detail = inline_diff(x, y) if isinstance(x, str) and isinstance(y, str) else ""
                changes.append(
                    Change(
                        "clauses", f"{cid} {field}", "reworded" if field in ("zh", "en") else "changed", x, y, detail
                    )
                )
    changes.extend(_mapping("parameters", a.get("parameters") or {}, b.get("parameters") or {}))
    changes.extend(_mapping("facts", a.get("facts") or {}, b.get("facts") or {}))
    changes.extend(_with(_mapping("registration", a.get("registration") or {}, b.get("registration") or {}), "results"))
    changes.extend(_mapping("calendar", a.get("calendar") or {}, b.get("calendar") or {}))
    changes.extend(_mapping("interpretations", a.get("interpretations") or {}, b.get("interpretations") or {}))
    changes.extend(_rules(a, b))
    for section in ("actions", "warnings"):
        changes.extend(_mapping(section, _keyed(a.get(section)), _keyed(b.get(section))))
    return changes


def _short(value: Any) -> str:
    if isinstance(value, dict) and "value" in value and section_is_param(value):
        return f"{value['value']} {value.get('unit', '')}".strip()
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def section_is_param(value: dict[str, Any]) -> bool:
    return "cites" in value and "unit" in value
