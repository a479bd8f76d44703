"""Reading a case: JSON text -> validated facts, or every problem with its field path.

A case takes one pass through the reader generated from its policy's case format
(:mod:`policykit.engine.case_reader`) when it is plainly good.  Otherwise the exact
reader here decides and words every problem: the shape is checked against the case
format (unknown extra fields become warnings), then each fact the policy declares is
read, typed and defaulted, and the policy's case checks (e.g. no fault before the ship
date) are applied.  JSON is parsed by orjson where that must give the same data, else
by the exact parser (duplicate keys, numbers too large, lone surrogates...).
"""

from __future__ import annotations

import json
import math
import re

from policykit.engine.case_reader.model import Case as Case
from policykit.engine.case_reader.model import dotted as dotted
from policykit.engine.case_words import Words
from policykit.errors import CaseError, Diagnostic
from policykit.lang.dates import parse_date
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_CASE_BYTES = DEFAULT.case_bytes


def _locate(text: str | bytes) -> dict[tuple[Any, ...], tuple[int, int]]:
    from policykit.policy.yamlload import load_yaml

    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        doc, _ = load_yaml(text, "case", max_bytes=MAX_CASE_BYTES)
    except Exception:
        return {}
    return doc.lines if doc else {}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key '{key}'")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(data: Any) -> tuple[Any, ...] | None:
    """The path of the first string holding a lone surrogate (not a character; not UTF-8)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(node, dict):
            for key, value in node.items():
                stack.append((path + (key,), key))
                stack.append((path + (key,), value))
        elif isinstance(node, list):
            stack.extend((path + (i,), value) for i, value in enumerate(node))
    return None


def parse_json(text: str | bytes, file: str, limit: int = MAX_CASE_BYTES) -> Any:
    """JSON text -> data; a :class:`CaseError` for bad bytes, bad JSON, duplicate keys,
    numbers too large to be finite, or strings that are not Unicode (a lone surrogate)."""
    if isinstance(text, bytes) and len(text) <= limit:
        from policykit.engine.case_reader.json_fast import loads  # orjson: imported when a case is read

        data = loads(text)  # orjson, where it must give what the exact parser gives
        if data is not None:
            return data
    return parse_json_exact(text, file, limit)


def parse_json_exact(text: str | bytes, file: str, limit: int = MAX_CASE_BYTES) -> Any:
    """The exact parser: the reference of the fast one, and the words of every problem."""
    size = len(text)
    if size > limit:
        raise CaseError([Diagnostic(file, 0, 0, "too-large", f"{size} bytes is over the case limit of {limit}")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CaseError([Diagnostic(file, 0, 0, "encoding", f"not valid UTF-8 (byte {exc.start})")]) from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=_finite)
        if _SURROGATE.search(text):
            bad = _lone_surrogate(data)
            if bad is not None:
                raise CaseError(
                    [
                        Diagnostic(
                            file, 0, 0, "encoding", "a lone surrogate (\\ud800-\\udfff) is not a character", dotted(bad)
                        )
                    ]
                )
        return data
    except json.JSONDecodeError as exc:
        raise CaseError([Diagnostic(file, exc.lineno, exc.colno, "json", exc.msg)]) from None
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise CaseError([Diagnostic(file, 0, 0, "json", message)]) from None


Notices = list[tuple[str, tuple[tuple[str, str], ...]]]


def _shape_problems(policy: Policy, data: Any, words: Words) -> tuple[list[tuple[tuple[Any, ...], str, str]], Notices]:
    """Every way ``data`` breaks the case schema (errors), and its unknown fields (notices)."""
    from jsonschema import Draft202012Validator

    errors: list[tuple[tuple[Any, ...], str, str]] = []
    warnings: Notices = []
    for error in Draft202012Validator(policy.case_schema).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
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


def read_case(
    policy: Policy, data: Any, file: str = "<case>", text: str | bytes | None = None, lang: str = "en"
) -> Case:
    """Validate ``data`` and return its facts; raise :class:`CaseError` with every problem,
    each worded in ``lang`` (``text``, the case's JSON, places them on their lines)."""
    fast: Any = policy.memo.get("case_reader", False)  # the generated reader, once made (None: there is none)
    if fast is False:
        from policykit.engine.case_reader.reader import reader  # the engine: imported when a case is first read

        fast = reader(policy)
    if fast is not None:
        case: Case | None = fast(data)
        if case is not None:
            return case
    return read_case_exact(policy, data, file, text, lang)


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

    env = FactEnv(policy, facts, given=given)
    out = []
    request_type = facts.get("request.type")
    for check in policy.case_checks:
        if check.applies_to and request_type not in check.applies_to:
            continue
        result = check.require(env)
        if result is False:
            out.append((tuple(check.field.split(".")), "case-check", check.message.get(lang)))
    return out
