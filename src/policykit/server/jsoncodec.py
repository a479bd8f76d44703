"""JSON for the service's answers and its decision log: orjson where it can, the standard
library where it cannot.

orjson is fast but refuses an integer outside 64 bits and reads a long one back as a float;
a case may carry such a number (in a field the engine ignores, say), and the CLI decides
it.  So a value orjson will not write is written by :mod:`json` (as compact, UTF-8 as is),
and a text with a number of 19 digits or more is read by :mod:`json` (integers of any size).
Where orjson works, the bytes are orjson's.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # orjson reads an integer from 19 digits on as a float (or not at all)


def dumps(data: Any) -> bytes:
    """``data`` as compact JSON bytes; ValueError or TypeError if it is not JSON at all."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:  # an integer outside 64 bits, among others
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(text: str | bytes) -> Any:
    """The data of ``text``, with integers of any size kept as integers."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if _LONG_NUMBER in raw.translate(_DIGITS):
        return json.loads(raw)
    return orjson.loads(raw)
