"""The generated reader of a policy, made once per compiled policy: the case format and
the facts in, a function ``data -> Case | None`` out (None: let the exact reader decide
and word the problems).

The text is generated and compiled in the process that uses it (once per policy object;
a section's text on its first call), so its code never comes from a file or the compile
cache: a cold run generates it (about 1 ms), as it costs about what checking a text read
back from the cache would.
"""

from __future__ import annotations

from policykit.engine.case_reader.checks import case_checks
from policykit.engine.case_reader.model import Case, FactSpec
from policykit.lang.values import Unknown
from policykit.policy.model import Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Reader = Callable[[Any], "Case | None"]
else:
    Any = object  # in the type aliases only, which nothing reads at run time


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


def walked(policy: Policy) -> Reader:
    """A reader of ``policy``'s cases that gives what :func:`reader`'s gives, without
    generating code: the format walked for each case (:mod:`~policykit.engine.case_reader.walk`),
    for a process that reads one case (made once per policy object)."""
    memo = policy.memo
    found: Reader | None = memo.get("case_walker")
    if found is None:
        found = memo["case_walker"] = _walker(policy)
    return found


def _walker(policy: Policy) -> Reader:
    from policykit.engine.case_reader.walk import Walker

    given_sets = GivenSets(tuple(policy.facts))
    given, given_of = given_sets.memo, given_sets.make
    checks = case_checks(policy)
    schema = case_format(policy)
    typed = REQUEST_TYPE in policy.facts
    named = schema.get("additionalProperties") is not False or CASE_ID in schema.get("properties", {})
    walk = Walker(schema, fact_specs(policy))

    def read(d: Any) -> Case | None:
        found = walk(d)
        if found is None:
            return None
        facts, bits = found
        try:  # as the generated reader's last lines (:func:`finish_lines`)
            g = given.get(bits)
            if g is None:
                g = given_of(bits)
            q = facts.get(REQUEST_TYPE) if typed else None
            if checks is not None and not checks(facts, g, q):
                return None
            i = d.get(CASE_ID) if named else None
            return Case(i if i.__class__ is str else None, q if q.__class__ is str else "", facts, (), d, g)
        except Exception:
            return None

    return read


def _make(policy: Policy) -> Reader | None:
    given_sets = GivenSets(tuple(policy.facts))
    checks = case_checks(policy)
    names: dict[str, Any] = {"_Case": Case, "_new": tuple.__new__, "_given": given_sets.memo}
    names["_given_of"] = given_sets.make
    if checks is not None:
        names["_checks"] = checks
    schema = case_format(policy)
    # what the case's request type and id are, where the policy and the format leave them open
    typed = REQUEST_TYPE in policy.facts
    named = schema.get("additionalProperties") is not False or CASE_ID in schema.get("properties", {})
    from policykit.engine.case_reader.parts import Finish, reader_names  # the generated reader's

    finish = Finish(finish_lines(typed, checks is not None, named), names)
    facts = fact_specs(policy)
    missing = {f.name: f.missing for f in facts}
    from policykit.engine.case_reader.generate import Unsupported, reader_parts

    try:
        parts = reader_parts(schema, facts, finish.lines)
    except (Unsupported, RecursionError):
        return None
    made = reader_names(parts, missing, names)
    exec(compile(parts.text, "<case reader>", "exec"), made)  # our own source, generated from the policy's case format
    read: Reader = made["_read"]
    return read


def finish_lines(typed: bool, checked: bool, named: bool) -> tuple[str, ...]:
    """The lines that end the reader of a plainly good case (:class:`Finish`): ``typed``,
    the policy has a request type; ``checked``, it has checks of a case's facts; ``named``,
    a case may carry an id."""
    request = "_q if _q.__class__ is str else ''" if typed else "''"
    return (
        "_g = _given.get(_m)",
        "if _g is None: _g = _given_of(_m)",
        f"_q = _facts.get({REQUEST_TYPE!r})" if typed else "_q = None",
        *(["if not _checks(_facts, _g, _q): return None"] if checked else []),
        *([f"_i = d.get({CASE_ID!r})"] if named else []),
        # the named tuple made as its own constructor makes it, without a call of that constructor
        f"return _new(_Case, ({'_i if _i.__class__ is str else None' if named else 'None'}, {request}, "
        "_facts, (), d, _g))",
    )


REQUEST_TYPE = "request.type"
"""The fact that names a case's request type (the contract's; none: every case has the type '')."""
CASE_ID = "case_id"
"""The field of a case that names it (the contract's; a format with no such field and no
other fields than its own: no case has one)."""


class GivenSets:
    """The set of facts a case gives, from the bits the reader sets (bit ``i``: the policy's
    ``i``-th fact), each set made once: the cases of a batch give a few sets over and over.
    At most :data:`MAX_GIVEN_SETS` are kept; past that, a set is made anew each time."""

    __slots__ = ("memo", "names")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.memo: dict[int, frozenset[str]] = {}

    def make(self, bits: int) -> frozenset[str]:
        given = frozenset(name for i, name in enumerate(self.names) if bits >> i & 1)
        if len(self.memo) < MAX_GIVEN_SETS:
            self.memo[bits] = given
        return given


MAX_GIVEN_SETS = 1024  # a generated corpus has a few hundred; each kept set is ~1 KB
