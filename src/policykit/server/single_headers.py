"""A request that gives twice a header the service reads once is refused (400), whatever
the key mode: the service would read one of them, and whatever stands in front of it (a
proxy, a cache, another check) may read the other.

- ``Host`` twice: the Host check would let in a request by its first ``Host`` while the
  second names another site (DNS rebinding, request smuggling).  RFC 9112 §3.2: a server
  answers 400 to a request with more than one ``Host``.
- ``Authorization`` or ``X-API-Key`` twice: one valid key would carry another credential
  along unread (a second key of either header is refused: see ``Service.authorize``).
- ``Content-Type``, ``Content-Length``: the body read one way, and checked or passed on
  another (RFC 9110 §8.6 allows refusing differing lengths; any two are refused here).
- ``Origin`` and ``Sec-Fetch-Site``: what the keyless service's cross-site check reads.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from policykit.server.problems import Problem, send_problem

ONCE = (b"host", b"authorization", b"x-api-key", b"content-type", b"content-length", b"origin", b"sec-fetch-site")
_NAMES = {b"x-api-key": "X-API-Key", b"sec-fetch-site": "Sec-Fetch-Site"}


def repeated(headers: list[tuple[bytes, bytes]]) -> list[str]:
    """The names, in :data:`ONCE`'s order, of the headers of ``ONCE`` given more than once
    (ASGI gives header names in lower case)."""
    seen: dict[bytes, int] = {}
    for name, _ in headers:
        if name in ONCE:
            seen[name] = seen.get(name, 0) + 1
    return [_NAMES.get(name, name.decode().title()) for name in ONCE if seen.get(name, 0) > 1]


class SingleHeaders:
    """The ASGI middleware that refuses a request giving a header of :data:`ONCE` twice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            twice = repeated(scope.get("headers") or [])
            if twice:
                names = ", ".join(twice)
                detail = f"{names}: given more than once; a request gives each of these headers once at most"
                await send_problem(send, Problem(400, "a header is given more than once", detail))
                return
        await self.app(scope, receive, send)
