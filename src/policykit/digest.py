"""The digests policykit takes: SHA-256 (a case's and a policy's, shown in every result),
BLAKE2b (the compile cache's key of a file's bytes) and keyed BLAKE2b (the MAC that
authenticates a cache entry, the keyed mode the BLAKE2 designers and Python's ``hashlib``
documentation give as a replacement for HMAC).

They come from the interpreter's own modules (``_sha2``/``_sha256`` and ``_blake2``, which
``hashlib`` itself falls back to), not from OpenSSL: loading OpenSSL's library is most of
what importing ``hashlib`` costs (over 2 ms of a cold start that decides one case in a few
more).  An interpreter without them gets ``hashlib``'s; the digests are the same bytes
(``tests/test_digest.py``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    sha256: Callable[[bytes], Any]
    blake2b: Callable[..., Any]
    compare_digest: Callable[[bytes, bytes], bool]
else:
    try:
        from _sha2 import sha256  # Python 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256
        except ImportError:  # pragma: no cover - an interpreter built without it
            from hashlib import sha256
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover
        from hashlib import blake2b
    try:
        from _operator import _compare_digest as compare_digest  # what hmac.compare_digest is
    except ImportError:  # pragma: no cover
        from hmac import compare_digest

MAC_BYTES = 32


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return str(sha256(data).hexdigest())


def key_hex(data: bytes) -> str:
    """A 256-bit BLAKE2b of ``data``, in hex: a collision-resistant name for its contents."""
    return str(blake2b(data, digest_size=32).hexdigest())


def mac(key: bytes, data: bytes) -> bytes:
    """The keyed BLAKE2b (``MAC_BYTES`` long) of ``data`` under ``key`` (at most 64 bytes)."""
    return bytes(blake2b(data, key=key, digest_size=MAC_BYTES).digest())


def same(a: bytes, b: bytes) -> bool:
    """``a == b`` in a time that does not depend on where they differ."""
    return bool(compare_digest(a, b))
