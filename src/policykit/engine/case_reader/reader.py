"""The generated reader of a policy, made once per compiled policy: the case format and
the facts in, a function ``data -> Case | None`` out (None: let the exact reader decide
and word the problems).

The code is compiled once and kept in the compile cache (:mod:`policykit.policy.cache`,
authenticated entries) by the SHA-256 of its source, so that a single CLI call does not
compile it again; code read back runs only if it names nothing but its own globals and a
few methods, with no builtins.
"""

from __future__ import annotations

import hashlib
import marshal
import types
from collections.abc import Callable
from typing import Any

from policykit.engine.case_reader.checks import case_checks
from policykit.engine.case_reader.generate import FactSpec, Unsupported, reader_source
from policykit.engine.case_reader.model import Case
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

GENERATOR = "case-reader-1"  # part of the cache key: a new generator never reads old code

Reader = Callable[[Any], "Case | None"]


def case_format(policy: Policy) -> dict[str, Any]:
    """The case format of ``policy``'s version (a JSON Schema): what the reader is made from."""
    return policy.case_schema


def fact_specs(policy: Policy) -> tuple[FactSpec, ...]:
    return tuple(
        FactSpec(name, fact.type, fact.item, fact.default if fact.has_default else Unknown(frozenset([name])))
        for name, fact in policy.facts.items()
    )


def reader(policy: Policy) -> Reader | None:
    """The generated reader of ``policy`` (made on first use), or None when its case format
    uses what the generator does not translate."""
    memo = policy.memo
    if "case_reader" not in memo:
        memo["case_reader"] = _make(policy)
    found: Reader | None = memo["case_reader"]
    return found


def _make(policy: Policy) -> Reader | None:
    try:
        text, names = reader_source(case_format(policy), fact_specs(policy))
    except Unsupported:
        return None
    code = _code(text, frozenset(names))
    exec(code, names)  # a code object compiled from our own source, or checked as such (see _plain)
    read = names["_read"]
    checks = case_checks(policy)

    def read_case(data: Any) -> Case | None:
        try:
            got = read(data)
            if got is None:
                return None
            facts, given_list = got
            given = frozenset(given_list)
            request = facts.get("request.type")
            if checks is not None and not checks(facts, given, request):
                return None
        except Exception:  # anything unusual: the exact reader decides, and words it
            return None
        case_id = data.get("case_id")
        return Case(
            case_id if case_id.__class__ is str else None,
            request if request.__class__ is str else "",
            facts,
            (),
            data,
            given,
        )

    return read_case


_METHODS = frozenset({"get", "append", "issuperset", "__class__"})


def _code(text: str, names: frozenset[str]) -> types.CodeType:
    """The code of ``text``: from the compile cache when an authentic entry holds it."""
    from policykit.policy import cache

    key = hashlib.sha256(f"{GENERATOR}\0{text}".encode()).hexdigest()
    entry = cache.read(key)
    if entry is not None and isinstance(entry.get("code"), bytes):
        try:
            code = marshal.loads(entry["code"])
        except (ValueError, EOFError, TypeError):
            code = None
        if isinstance(code, types.CodeType) and _plain(code, names):
            return code
    code = compile(text, "<case reader>", "exec")
    cache.write(key, {"code": marshal.dumps(code)})
    return code


def _plain(code: types.CodeType, names: frozenset[str]) -> bool:
    """Whether ``code`` names only its globals, the functions it defines, and a few methods."""
    allowed = names | _METHODS | {n for n in code.co_names if n.startswith("_p") or n == "_read"}
    for name in code.co_names:
        if name not in allowed:
            return False
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if not _plain(const, names):
                return False
        elif not isinstance(const, (type(None), bool, int, float, str, tuple)):
            return False
    return True
