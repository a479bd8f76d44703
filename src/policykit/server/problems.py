"""Errors as RFC 9457 problem details (``application/problem+json``).

A case that cannot be read is 400, one that breaks the case format or a check of the
policy is 422, each problem with the CLI's code, field path and message."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import Send

from policykit.errors import Diagnostic

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An answer that is not a result: its status, title, detail and listed problems."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers, self.extra = errors, headers, extra

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "about:blank", "title": self.title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        if self.errors is not None:
            out["errors"] = self.errors
        out.update(self.extra)
        return out

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers, media_type=MEDIA_TYPE)


def diagnostics(diags: list[Diagnostic]) -> list[dict[str, Any]]:
    """The CLI's diagnostics as problem entries: code, path, message (and line where known)."""
    out = []
    for d in diags:
        entry: dict[str, Any] = {"code": d.code, "path": d.path or "", "message": d.message}
        if d.line:
            entry["line"] = d.line
        out.append(entry)
    return out


async def send_problem(send: Send, problem: Problem) -> None:
    """Answer ``problem`` on a raw ASGI channel (from a middleware, before any route)."""
    response = problem.response()
    await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})
