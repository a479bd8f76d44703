"""What keeps a service without API keys to this machine's own clients.

Without keys the server binds to loopback only (:func:`policykit.server.run.check`), but a
web page the user opens elsewhere can still reach it through the browser: by DNS
rebinding (a name of the attacker's that resolves to 127.0.0.1: its requests carry that
name in ``Host``) or by a cross-site request (a form or a ``fetch`` that needs no
preflight: its requests carry the page's ``Origin``).  So, without keys, a request is
served only when

- its ``Host`` names loopback (``127.0.0.1``, ``localhost``, ``[::1]``, or the address the
  server was bound to): Starlette's :class:`TrustedHostMiddleware` checks it, and a
  refusal is answered 400 as a problem like every other;
- its ``Origin``, if it has one, is the server's own (same scheme, host and port as the
  request's ``Host``): else 403.  The interview page's own requests are same-origin;
- its ``Sec-Fetch-Site``, if the browser sent one, says the same origin or none (a URL typed
  by the user): else 403.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykit.server.problems import Problem, send_problem

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_PASSED = "policykit.host_passed"  # set in the scope once the Host check let the request in
_DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_hosts(bound: str | None) -> list[str]:
    """The names a request's ``Host`` may give: loopback's, and the address bound to."""
    hosts = list(LOOPBACK_HOSTS)
    if bound:
        name = f"[{bound.strip('[]')}]" if ":" in bound else bound
        if name.lower() not in hosts:
            hosts.append(name.lower())
    return hosts


class LoopbackOnly:
    """Host and Origin checks for a service without keys (see the module's words)."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = TrustedHostMiddleware(self._origin_checked, allowed_hosts=hosts, www_redirect=False)
        self.names = ", ".join(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def refusing(message: Message) -> None:
            if scope.get(_PASSED):
                await send(message)
            elif message["type"] == "http.response.start":  # the Host check's own refusal, reworded
                detail = f"without API keys this server answers only to {self.names}"
                await send_problem(send, Problem(400, "this Host is not served", detail))

        await self.hosts(scope, receive, refusing)

    async def _origin_checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_PASSED] = True
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is not None and _origin(origin) != _origin(f"{scope.get('scheme', 'http')}://{headers['host']}"):
            detail = f"a request from {origin} is refused: without API keys only this server's own pages may call it"
            await send_problem(send, Problem(403, "another site may not use this server", detail))
            return
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            detail = (
                f"the browser says this request is {site}: without API keys only this server's own pages may call it"
            )
            await send_problem(send, Problem(403, "another site may not use this server", detail))
            return
        await self.app(scope, receive, send)


def _origin(url: str) -> tuple[str, str, int] | None:
    """The (scheme, host, port) of ``url``; None for what is not a URL (``null``, say)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port if port is not None else _DEFAULT_PORTS.get(scheme, 0)
