"""The generated reader of a policy, made once per compiled policy: the case format and
the facts in, a function ``data -> Case | None`` out (None: let the exact reader decide
and word the problems).

The code is compiled from the source generated here, once per process: the compile cache
keeps data only, so code never comes from a file.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from policykit.engine.case_reader.checks import case_checks
from policykit.engine.case_reader.generate import FactSpec, Unsupported, reader_source
from policykit.engine.case_reader.model import Case
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
else:
    Any = object  # in the type aliases only, which nothing reads at run time

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
    exec(_code(text), names)  # our own source, generated from the policy's case format
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


def _code(text: str) -> types.CodeType:
    """The code of ``text``, compiled here from the source just generated: the compile cache
    keeps data only, never code (it must not be a way to run code), so this costs a compile
    of a few milliseconds once per process."""
    return compile(text, "<case reader>", "exec")
