"""A read case, and how a field path is written."""

from __future__ import annotations

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
