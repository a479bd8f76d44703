"""The exact reader of a case: the reference of the generated one
(:mod:`policykit.engine.case_reader`), and the words of every problem.  The shape is
checked against the case format (unknown extra fields become warnings), then each fact the
policy declares is read, typed and defaulted, and the policy's case checks (e.g. no fault
before the ship date) are applied; each problem is placed on its line of the case's text.
"""

from __future__ import annotations

from policykit.engine.case_reader.model import Case, dotted
from policykit.engine.case_words import Words
from policykit.errors import CaseError, Diagnostic
from policykit.lang.dates import parse_date
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _locate(text: str | bytes) -> dict[tuple[Any, ...], tuple[int, int]]:
    from policykit.policy.yamlload import load_yaml

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        doc, _ = load_yaml(text, "case", max_bytes=DEFAULT.case_bytes)
    except Exception:
        return {}
    return doc.lines if doc else {}


Notices = list[tuple[str, tuple[tuple[str, str], ...]]]


def _shape_problems(policy: Policy, data: Any, words: Words) -> tuple[list[tuple[tuple[Any, ...], str, str]], Notices]:
    """Every way ``data`` breaks the case schema (errors), and its unknown fields (notices)."""
    from policykit.engine.case_schema import case_validator, unknown_keys

    errors: list[tuple[tuple[Any, ...], str, str]] = []
    warnings: Notices = []
    for error in case_validator(policy.case_schema).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            for key in unknown_keys(error):
                name = dotted(path + (key,))
                hint = _close_name(name, [dotted(path + (k,)) for k in allowed] + list(policy.facts))
                warnings.append(("unknown_field", (("field", name), ("suggestion", hint))))
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    errors.append((path + (key,), "required", words.required()))
            continue
        errors.append((path, "schema", words.schema(error)))
    return errors, warnings


def _close_name(name: str, candidates: list[str]) -> str:
    """The known field ``name`` most likely means (a misspelling, or a field put at the wrong level)."""
    import difflib

    last = name.rpartition(".")[2]
    moved = [c for c in candidates if c.rpartition(".")[2] == last and c != name]
    if moved:
        return moved[0]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return close[0] if close else ""


def read_case_exact(
    policy: Policy, data: Any, file: str = "<case>", text: str | bytes | None = None, lang: str = "en"
) -> Case:
    """The exact reader: the reference of the generated one, and the words of every problem."""
    words = Words(policy, lang)
    errors, warnings = _shape_problems(policy, data, words)
    facts: dict[str, Any] = {}
    given: list[str] = []
    broken = {path for path, _, _ in errors}
    for name, parts, kind, item, has_default, default, unknown in _readers(policy):
        node = data
        for part in parts:
            node = node.get(part) if node.__class__ is dict else None
        if node is None:
            facts[name] = default if has_default else unknown
            continue
        if any(parts[:i] in broken for i in range(len(parts) + 1)):
            facts[name] = unknown  # already reported: its checks wait until it is fixed
            continue
        given.append(name)
        try:
            node = _typed(words, kind, item, node, parts, broken)
        except _Bad as bad:
            errors.append((bad.path, "bad-value", bad.message))
            facts[name] = unknown
            continue
        facts[name] = node
    errors.extend(_checks(policy, facts, frozenset(given), lang))
    if errors:
        lines = _locate(text) if text is not None else {}
        diags = []
        for path, code, message in errors:
            probe = path
            while probe not in lines and probe:
                probe = probe[:-1]
            line, col = lines.get(probe, (0, 0))
            diags.append(Diagnostic(file, line, col, code, message, dotted(path)))
        raise CaseError(diags)
    request = facts.get("request.type")
    request_type = request if isinstance(request, str) else ""
    case_id = data.get("case_id")
    return Case(
        case_id if isinstance(case_id, str) else None, request_type, facts, tuple(warnings), data, frozenset(given)
    )


class _Bad(Exception):
    def __init__(self, path: tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def _readers(policy: Policy) -> tuple[Any, ...]:
    """How to read each fact of ``policy`` from a case, worked out once per policy."""
    readers: tuple[Any, ...] | None = policy.memo.get("readers")
    if readers is None:
        readers = policy.memo["readers"] = tuple(
            (
                name,
                tuple(name.split(".")),
                fact.type,
                dict(fact.item),
                fact.has_default,
                fact.default,
                Unknown(frozenset([name])),
            )
            for name, fact in policy.facts.items()
        )
    return readers


def _typed(
    words: Words,
    kind: str,
    item: dict[str, str],
    raw: Any,
    path: tuple[Any, ...],
    broken: frozenset[Any] | set[Any] = frozenset(),
) -> Any:
    """``raw`` as a value of ``kind``; :class:`_Bad` with the path and what is expected."""
    if raw is None:
        return None
    if kind == "date":
        if not isinstance(raw, str):
            raise _Bad(path, words.not_a_date(raw))
        try:
            return parse_date(raw)
        except (ValueError, TypeError):
            form_ok = len(raw) == 10 and raw[4] == "-" and raw[7] == "-"
            raise _Bad(path, words.not_a_day(raw) if form_ok else words.not_a_date(raw)) from None
    if kind == "int" and isinstance(raw, float):
        raise _Bad(path, words.not_whole(raw))
    if kind == "list" and isinstance(raw, list):
        out = []
        for i, entry in enumerate(raw):
            if isinstance(entry, dict):
                entry = {
                    k: v if path + (i, k) in broken else _typed(words, item.get(k, "string"), {}, v, path + (i, k))
                    for k, v in entry.items()
                }
            out.append(entry)
        return out
    return raw


def _checks(
    policy: Policy, facts: dict[str, Any], given: frozenset[str], lang: str
) -> list[tuple[tuple[Any, ...], str, str]]:
    from policykit.engine.env import FactEnv
    from policykit.lang.expr import EvalError

    env = FactEnv(policy, facts, given=given)
    out = []
    request_type = facts.get("request.type")
    for check in policy.case_checks:
        if check.applies_to and request_type not in check.applies_to:
            continue
        try:
            result = check.require(env)
        except EvalError as exc:  # the policy's check cannot be worked out: said where it is
            out.append((tuple(check.field.split(".")), "evaluation", Words(policy, lang).check_error(exc)))
            continue
        if result is False:
            out.append((tuple(check.field.split(".")), "case-check", check.message.get(lang)))
    return out
