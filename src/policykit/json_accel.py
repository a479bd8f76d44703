"""JSON read and written by the interpreter's own C accelerator (``_json``), without
importing :mod:`json`.

The :mod:`json` package compiles six regular expressions as it loads, so importing it
loads :mod:`re`, :mod:`enum` and :mod:`functools` too: some 5 ms of a ~30 ms cold
``policykit evaluate FILE``, which reads one document and writes one.  Both are done here
by the C parts :mod:`json` itself runs:

- :func:`scanner` gives ``_json.make_scanner`` for a context of hooks (the attributes
  :class:`json.JSONDecoder` hands it), and :func:`scan` decodes a whole text as
  ``JSONDecoder.decode`` does (white space around one value, nothing else), returning
  :data:`REFUSED` for anything the decoder would raise on (bad JSON, what a hook refuses,
  nesting too deep): the caller then asks :mod:`json`, for its words;
- :func:`dumps_indented` writes what ``json.dumps(data, ensure_ascii=False, indent=2,
  allow_nan=False)`` writes, strings escaped by ``_json.encode_basestring``, or None for
  anything :mod:`json` must write itself (a key that is no string, a number that is not
  finite, a value of another type).

``tests/test_json_accel.py`` holds both to :mod:`json` on generated documents.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_string: Callable[[str], str] | None
_make_scanner: Callable[[object], Callable[[str, int], tuple[Any, int]]] | None
try:
    from _json import encode_basestring as _string
    from _json import make_scanner as _make_scanner  # type: ignore[assignment]
except ImportError:  # pragma: no cover - an interpreter without the accelerator: json does it all
    _string = _make_scanner = None

__all__ = ["REFUSED", "dumps_indented", "scan", "scanner"]

REFUSED = object()
"""What :func:`scan` gives for a text it does not decode."""

_WHITE = " \t\n\r"  # JSON's white space (json.decoder.WHITESPACE)


def scanner(context: object) -> Callable[[str, int], tuple[Any, int]] | None:
    """The C scanner for ``context`` (an object with the attributes ``strict``,
    ``object_hook``, ``object_pairs_hook``, ``parse_float``, ``parse_int`` and
    ``parse_constant``, as :class:`json.JSONDecoder` has them), or None on an interpreter
    without the accelerator."""
    return _make_scanner(context) if _make_scanner is not None else None


def scan(scan_once: Callable[[str, int], tuple[Any, int]], text: str) -> Any:
    """The value of the JSON text ``text`` as ``JSONDecoder.decode`` gives it with the
    scanner ``scan_once``, or :data:`REFUSED` where the decoder would raise."""
    start = len(text) - len(text.lstrip(_WHITE))
    try:
        value, end = scan_once(text, start)
    except Exception:  # bad JSON, a hook's refusal, nesting too deep: json words it
        return REFUSED
    if len(text.rstrip(_WHITE)) > end:  # more than white space after the value
        return REFUSED
    return value


_int = int.__repr__
_float = float.__repr__
_INFINITY = float("inf")


class _NotPlain(Exception):
    """A value :mod:`json` must write itself."""


def dumps_indented(data: Any) -> str | None:
    """``json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)``, or None where
    only :mod:`json` can say (its errors among them)."""
    if _string is None:  # pragma: no cover - no accelerator
        return None
    parts: list[str] = []
    try:
        _value(data, parts, "\n")
    except (_NotPlain, RecursionError):
        return None
    return "".join(parts)


def _value(value: Any, parts: list[str], newline: str) -> None:
    """``value`` written into ``parts``; ``newline``: a new line and the current indent.
    In the order :mod:`json` tries the types, so that a subclass is written as it is."""
    if isinstance(value, str):
        parts.append(_string(value))  # type: ignore[misc]  # (not None: checked by dumps_indented)
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(_int(value))
    elif isinstance(value, float):
        if value != value or value == _INFINITY or value == -_INFINITY:
            raise _NotPlain  # (json refuses it: allow_nan=False)
        parts.append(_float(value))
    elif isinstance(value, (list, tuple)):
        _items(parts, newline, "[]", [(_ITEM, item) for item in value])
    elif isinstance(value, dict):
        _items(parts, newline, "{}", value.items())
    else:
        raise _NotPlain


_ITEM = object()  # the key of a list's items (a list is written as an object without keys)


def _items(parts: list[str], newline: str, brackets: str, pairs: Any) -> None:
    """A list (``pairs`` of :data:`_ITEM` and each item) or an object (its pairs), one item
    a line, indented a step further than ``newline``."""
    if not pairs:
        parts.append(brackets)
        return
    inner = newline + "  "
    separator = "," + inner
    parts.append(brackets[0] + inner)
    first = True
    for key, item in pairs:
        if not first:
            parts.append(separator)
        first = False
        if key is not _ITEM:
            if not isinstance(key, str):
                raise _NotPlain  # (json turns numbers and constants into keys its own way)
            parts.append(_string(key))  # type: ignore[misc]  # (not None: checked by dumps_indented)
            parts.append(": ")
        _value(item, parts, inner)
    parts.append(newline + brackets[1])
