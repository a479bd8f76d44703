"""JSON bytes -> data with orjson, where that gives what the exact parser gives.

The exact parser (:func:`policykit.engine.case.parse_json`) refuses duplicate keys, keeps
integers of any size and reads a byte order mark; orjson keeps the last of duplicate keys
and reads a long integer as a float.  So orjson's answer is taken only when it must be
the same: it parsed the text, no number has 19 digits or more, the text is not nested
near the exact parser's depth, and no key was lost.  A lost key is seen by counting
colons: the text has one per key plus those inside its texts, the data written back
compactly has one per key kept plus those inside the texts kept, so equal counts mean
no key was dropped (a colon written as ``\\u003a`` could hide one: such a text is left
to the exact parser).  Anything else returns None: the exact parser decides.

The first document a process reads goes to the exact parser too, and orjson is imported
for the second: one case (``policykit evaluate FILE``) is parsed as fast by the standard
library as its import would cost (orjson loads ``uuid`` and ``platform``: about 2 ms).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

_ORJSON: list[ModuleType | None] = []  # []: no document read yet; [None]: one; [orjson]: more


def _orjson() -> ModuleType | None:
    """orjson from the second document of the process on (None for the first)."""
    if _ORJSON and _ORJSON[0] is not None:
        return _ORJSON[0]
    if not _ORJSON:
        _ORJSON.append(None)
        return None
    import orjson

    _ORJSON[0] = orjson
    return orjson


_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # below -2**63 orjson gives a float: 19 digits
_MAX_OPENERS = 500  # well inside the exact parser's nesting limit


def loads(raw: bytes) -> Any | None:
    """The data of ``raw``, or None where only the exact parser can say (and for the first
    document of a process)."""
    orjson = _orjson()
    if orjson is None:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if b"\\" in raw and b"\\u003" in raw:  # (most texts have no escape: one quick scan)
        return None
    if len(raw) > 2 * _MAX_OPENERS and raw.count(b"{") + raw.count(b"[") > _MAX_OPENERS:
        return None  # (each level of nesting takes two bytes: a short text is never nested deep)
    if _LONG_NUMBER in raw.translate(_DIGITS):
        return None
    try:
        if raw.count(b":") != orjson.dumps(data).count(b":"):
            return None
    except (TypeError, orjson.JSONEncodeError):
        return None
    return data
