"""Where in a JSON text a value was refused: the container (object or list) that holds a
duplicate key, a ``NaN`` or a number too large to be finite.

The exact parser's hooks (:func:`policykit.engine.case.parse_json_exact`) refuse those
without knowing where they stand; the standard library's own pure-Python scanner is run
again over a text already refused, its object and list readers wrapped to note where
the innermost container that refused began.  Only on that error path: a good case never
comes here.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class _At(Exception):
    def __init__(self, index: int, kind: str) -> None:
        self.index, self.kind = index, kind


def _noting(read: Callable[..., Any], kind: str) -> Callable[..., Any]:
    def wrapped(s_and_end: tuple[str, int], *rest: Any) -> Any:
        try:
            return read(s_and_end, *rest)
        except json.JSONDecodeError:
            raise
        except ValueError:
            raise _At(s_and_end[1] - 1, kind) from None  # where its bracket opened

    return wrapped


def refused_at(text: str, decoder: json.JSONDecoder) -> tuple[int, int, str] | None:
    """(line, column, "object" or "list"), from 1, of the innermost container whose
    value ``decoder``'s hooks refused in ``text``; None where no container holds it (or
    nothing is refused)."""
    located = json.JSONDecoder(
        object_hook=decoder.object_hook,
        object_pairs_hook=decoder.object_pairs_hook,
        parse_float=decoder.parse_float,
        parse_int=decoder.parse_int,
        parse_constant=decoder.parse_constant,
    )
    located.parse_object = _noting(json.decoder.JSONObject, "object")  # type: ignore[attr-defined]
    located.parse_array = _noting(json.decoder.JSONArray, "list")  # type: ignore[attr-defined]
    located.scan_once = json.scanner.py_make_scanner(located)  # type: ignore[attr-defined]
    try:
        located.decode(text)
    except _At as at:
        line = text.count("\n", 0, at.index) + 1
        return line, at.index - (text.rfind("\n", 0, at.index) + 1) + 1, at.kind
    except (ValueError, RecursionError):
        return None
    return None
