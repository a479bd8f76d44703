"""A read case, how a field path is written, and how a fact is read."""

from __future__ import annotations

from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from policykit.records import NamedTuple


class Case(NamedTuple):
    """A validated case: its facts (typed, defaulted or unknown) and the notices it raised
    (message key and fields: an unknown field...).  A named tuple: immutable, made once per
    line of a batch at a tuple's cost, and its class defined at next to no cost on a cold start."""

    case_id: str | None
    request_type: str
    facts: dict[str, Any]
    notices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    raw: dict[str, Any]
    given: frozenset[str] = frozenset()


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(case)"


class FactSpec(Frozen):
    """How one fact is read: its dotted name, kind, item kinds (a list's) and its value when
    the case does not give it (the default, or unknown).  (This and the records of
    :mod:`~policykit.engine.case_reader.parts` are :class:`~policykit.records.Frozen`, not
    named tuples, whose classes cost a cold start more to make.)"""

    _FIELDS = _COMPARED = _SHOWN = ("name", "kind", "item", "missing")

    name: str
    kind: str
    item: tuple[tuple[str, str], ...]
    missing: Any

    def __init__(self, name: str, kind: str, item: tuple[tuple[str, str], ...], missing: Any) -> None:
        kept = self.__dict__
        kept["name"], kept["kind"], kept["item"], kept["missing"] = name, kind, item, missing
