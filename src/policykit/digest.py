"""The digests policykit takes: SHA-256 (a case's and a policy's, shown in every result),
the compile cache's key of a file's bytes and the MAC that authenticates a cache entry.

The cache uses BLAKE2b for both (the key a 256-bit BLAKE2b, the MAC keyed BLAKE2b: the
keyed mode the BLAKE2 designers and Python's ``hashlib`` documentation give as a
replacement for HMAC).  An interpreter built without BLAKE2 (no ``_blake2`` module: then
``hashlib`` has none either) gets SHA-256 and HMAC-SHA256 instead, with the same lengths
(its entries' names, digests of other bytes, are other names).

The digests come from the interpreter's own modules (``_sha2``/``_sha256`` and
``_blake2``, which ``hashlib`` itself uses for BLAKE2), not from OpenSSL: loading OpenSSL's
library is most of what importing ``hashlib`` costs (over 2 ms of a cold start that decides
one case in a few more).  ``_blake2`` is imported when a cache key or MAC is first made, so
that :func:`sha256_hex` never depends on it.  The digests are the standard bytes
(``tests/test_digest.py``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    sha256: Callable[..., Any]
    compare_digest: Callable[[bytes, bytes], bool]
else:
    import sys

    try:  # each Python's own module first: a name looked for in vain searches the whole path
        if sys.version_info >= (3, 12):
            from _sha2 import sha256
        else:
            from _sha256 import sha256
    except ImportError:  # pragma: no cover - an interpreter built without it
        from hashlib import sha256
    try:
        from _operator import _compare_digest as compare_digest  # what hmac.compare_digest is
    except ImportError:  # pragma: no cover
        from hmac import compare_digest

MAC_BYTES = 32

_BLAKE2: list[Any] = []  # the BLAKE2b constructor, or None without one: looked for once


def blake2b() -> Any:
    """The interpreter's BLAKE2b constructor, or None when it was built without one."""
    if not _BLAKE2:
        try:
            import _blake2
        except ImportError:  # hashlib's blake2b is this one's: it has none either
            _BLAKE2.append(None)
        else:
            _BLAKE2.append(_blake2.blake2b)
    return _BLAKE2[0]


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return str(sha256(data).hexdigest())


def key_hex(data: bytes) -> str:
    """A 256-bit digest of ``data`` in hex (BLAKE2b, else SHA-256): a collision-resistant
    name for its contents."""
    made = blake2b()
    if made is None:
        return sha256_hex(data)
    return str(made(data, digest_size=32).hexdigest())


def mac(key: bytes, data: bytes) -> bytes:
    """The MAC (``MAC_BYTES`` long) of ``data`` under ``key`` (at most 64 bytes): keyed
    BLAKE2b, else HMAC-SHA256."""
    made = blake2b()
    if made is None:
        return hmac_sha256(key, data)
    return bytes(made(data, key=key, digest_size=MAC_BYTES).digest())


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256 of ``data`` under ``key``: OpenSSL's, else :mod:`hmac`'s (which imports
    :mod:`hashlib`: on an interpreter without BLAKE2 that logs an error for each BLAKE2
    function it cannot find)."""
    try:
        from _hashlib import hmac_digest
    except ImportError:  # pragma: no cover - an interpreter without OpenSSL
        import hmac

        return hmac.digest(key, data, sha256)
    return bytes(hmac_digest(key, data, "sha256"))


def same(a: bytes, b: bytes) -> bool:
    """``a == b`` in a time that does not depend on where they differ."""
    return bool(compare_digest(a, b))
