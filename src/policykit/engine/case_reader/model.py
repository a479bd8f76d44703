"""A read case, and how a field path is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, init=False)
class Case:
    """A validated case: its facts (typed, defaulted or unknown) and the notices it raised
    (message key and fields: an unknown field...)."""

    case_id: str | None
    request_type: str
    facts: dict[str, Any]
    notices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    raw: dict[str, Any]
    given: frozenset[str] = frozenset()

    def __init__(
        self,
        case_id: str | None,
        request_type: str,
        facts: dict[str, Any],
        notices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
        raw: dict[str, Any],
        given: frozenset[str] = frozenset(),
    ) -> None:
        # the fields set at once, past the frozen __setattr__ (a case is made per line of a
        # batch: the generated __init__, one object.__setattr__ a field, costs twice as much)
        self.__dict__.update(
            case_id=case_id, request_type=request_type, facts=facts, notices=notices, raw=raw, given=given
        )


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(case)"
