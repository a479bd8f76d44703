"""Where in a JSON text a value was refused: the ``NaN`` or the number too large to be
finite itself, or the second of two keys alike, with the path of its field.

The exact parser's hooks (:func:`policykit.engine.case.parse_json_exact`) refuse those
without knowing where they stand; the standard library's own pure-Python scanner is run
again over a text already refused, its object and list readers wrapped to note the place
and the key or index of each value they read.  Only on that error path: a good case
never comes here.
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
    """A value refused at ``index`` of the text, the path to it built as it passes up."""

    def __init__(self, index: int, path: list[Any]) -> None:
        self.index, self.path = index, path


def _key_before(text: str, start: int, index: int) -> tuple[str, int] | None:
    """The key of the member whose value begins at ``index``, and where its quote is: the
    first string in ``text[start:index]`` (a comma, blanks, the key, blanks, a colon)."""
    quote = text.find('"', start, index)
    if quote < 0:
        return None
    try:
        key, _ = json.decoder.scanstring(text, quote + 1, True)  # type: ignore[attr-defined]
    except ValueError:
        return None
    return key, quote


def _object(read: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(s_and_end: tuple[str, int], strict: bool, scan_once: Callable[..., Any], *rest: Any) -> Any:
        after = s_and_end[1]
        state: dict[str, Any] = {"from": after, "seen": set(), "again": None}

        def noting(s: str, index: int) -> Any:
            member = _key_before(s, state["from"], index)
            key = member[0] if member is not None else None
            if member is not None and state["again"] is None:
                if key in state["seen"]:
                    state["again"] = (member[1], key)  # the second of two keys alike
                state["seen"].add(key)
            try:
                value, end = scan_once(s, index)
            except _At as at:
                at.path.insert(0, key)
                raise
            except (StopIteration, json.JSONDecodeError):
                raise
            except ValueError:  # the number or constant beginning here (its hooks refused it)
                raise _At(index, [key]) from None
            state["from"] = end
            return value, end

        try:
            return read(s_and_end, strict, noting, *rest)
        except (_At, json.JSONDecodeError):
            raise
        except ValueError:  # the object's own hook: a duplicate key
            again = state["again"]
            if again is None:
                raise _At(after - 1, []) from None
            raise _At(again[0], [again[1]]) from None

    return wrapped


def _array(read: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(s_and_end: tuple[str, int], scan_once: Callable[..., Any], *rest: Any) -> Any:
        count = [0]

        def noting(s: str, index: int) -> Any:
            at = count[0]
            try:
                found = scan_once(s, index)
            except _At as inner:
                inner.path.insert(0, at)
                raise
            except (StopIteration, json.JSONDecodeError):
                raise
            except ValueError:
                raise _At(index, [at]) from None
            count[0] += 1
            return found

        return read(s_and_end, noting, *rest)

    return wrapped


def refused_at(text: str, decoder: json.JSONDecoder) -> tuple[int, int, tuple[Any, ...]] | None:
    """(line, column, from 1; the path of the field) of the value ``decoder``'s hooks
    refused in ``text``: the number or constant itself (the whole text, if it is one), or
    the second of two keys alike; None where nothing is refused (or the text fails otherwise)."""
    located = json.JSONDecoder(
        object_hook=decoder.object_hook,
        object_pairs_hook=decoder.object_pairs_hook,
        parse_float=decoder.parse_float,
        parse_int=decoder.parse_int,
        parse_constant=decoder.parse_constant,
    )
    located.parse_object = _object(json.decoder.JSONObject)  # type: ignore[attr-defined]
    located.parse_array = _array(json.decoder.JSONArray)  # type: ignore[attr-defined]
    scan = json.scanner.py_make_scanner(located)  # type: ignore[attr-defined]

    def top(s: str, index: int) -> Any:  # the whole text one value: refused where it begins
        try:
            return scan(s, index)
        except (_At, StopIteration, json.JSONDecodeError):
            raise
        except ValueError:
            raise _At(index, []) from None

    located.scan_once = top  # type: ignore[attr-defined]
    try:
        located.decode(text)
    except _At as at:
        line = text.count("\n", 0, at.index) + 1
        col = at.index - (text.rfind("\n", 0, at.index) + 1) + 1
        return line, col, tuple(part for part in at.path if part is not None)
    except (ValueError, RecursionError):
        return None
    return None
