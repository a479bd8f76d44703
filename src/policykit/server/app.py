"""The ASGI application of the decision service (Starlette).

``create_app(config)`` builds it; ``app_from_env()`` is the factory uvicorn's worker
processes call, reading the settings from ``$POLICYKIT_SERVE_CONFIG``.
"""

from __future__ import annotations

import contextlib
import signal
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykit.server import interview_routes, routes
from policykit.server.config import ServerConfig
from policykit.server.context import Service
from policykit.server.loopback import LoopbackOnly, allowed_hosts
from policykit.server.metrics import worker_ended
from policykit.server.problems import Problem, send_problem
from policykit.server.single_headers import SingleHeaders

UNGUARDED = ("/healthz", "/readyz", "/metrics")
CLIENT_CLOSED = 499  # nginx's "client closed request": in the metrics, never a 5xx
STREAMING = ("/v1/evaluate/batch",)


class Guard:
    """Bounded concurrency (503 and Retry-After when full), a time limit per request,
    metrics per route, and no traceback ever sent: a 500 names only its error id.  A client
    that closes the connection before its request is read is counted 499, not an error."""

    def __init__(self, app: ASGIApp, get_service: Any) -> None:
        self.app = app
        self.get_service = get_service
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        svc: Service = self.get_service()
        path = scope["path"]
        if path not in UNGUARDED and self.active >= svc.config.max_concurrency:
            svc.metrics.rejected.inc()
            await send_problem(send, Problem(503, "the server is busy", "try again", headers={"Retry-After": "1"}))
            return
        started = {"status": 0}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
            await send(message)

        self.active += 1
        svc.metrics.in_flight.inc()
        begin = time.perf_counter()
        try:
            # a batch streams for as long as its input does; each line is bounded by the engine
            with anyio.fail_after(None if path in STREAMING else svc.config.request_timeout_s):
                await self.app(scope, receive, tracking_send)
        except ClientDisconnect:  # gone before its body was read (or its answer written): nothing to answer
            svc.logger.info("client closed the connection: %s %s not answered", scope.get("method"), path)
            started["status"] = CLIENT_CLOSED
        except TimeoutError:
            if not started["status"]:
                await send_problem(
                    tracking_send, Problem(503, "the request took too long", headers={"Retry-After": "1"})
                )
        except Exception:
            error_id = uuid.uuid4().hex
            svc.logger.exception("internal error %s on %s %s", error_id, scope.get("method"), path)
            if not started["status"]:
                await send_problem(tracking_send, Problem(500, "internal error", error_id=error_id))
        finally:
            self.active -= 1
            svc.metrics.in_flight.dec()
            route = _route_of(scope)
            svc.metrics.latency.labels(route).observe(time.perf_counter() - begin)
            svc.metrics.requests.labels(scope.get("method", ""), route, str(started["status"])).inc()


def _route_of(scope: Scope) -> str:
    for route in ROUTES:
        if route.matches(scope)[0] is Match.FULL:
            return str(getattr(route, "path", "(other)"))
    return "(other)"


ROUTES = [
    Route("/v1/evaluate", routes.evaluate_one, methods=["POST"]),
    Route("/v1/evaluate/batch", routes.EvaluateBatch(), methods=["POST"]),
    Route("/v1/policies", routes.list_policies, methods=["GET"]),
    Route("/v1/policies/{version}", routes.show_policy, methods=["GET"]),
    Route("/v1/policies/{version}/clauses/{clause_id}", routes.show_clause, methods=["GET"]),
    Route("/v1/decisions", routes.list_decisions, methods=["GET"]),
    Route("/v1/decisions/{decision_id}", routes.get_decision, methods=["GET"]),
    Route("/v1/decisions/{decision_id}/replay", routes.replay_decision, methods=["POST"]),
    Route("/v1/admin/reload", routes.reload_policies, methods=["POST"]),
    Route("/healthz", routes.healthz, methods=["GET"]),
    Route("/readyz", routes.readyz, methods=["GET"]),
    Route("/metrics", routes.metrics, methods=["GET"]),
    Route("/openapi.json", routes.openapi, methods=["GET"]),
    Route("/docs", routes.api_page, methods=["GET"]),
    Route("/", interview_routes.page, methods=["GET"]),
    Route("/favicon.ico", interview_routes.favicon, methods=["GET"]),
    Route("/v1/interview", interview_routes.interview_step, methods=["POST"]),
    Route("/v1/interview/record", interview_routes.record, methods=["POST"]),
    Mount("/static", StaticFiles(directory=interview_routes.HERE / "static"), name="static"),
]


async def _problem_response(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, Problem)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Any:
    status = int(getattr(exc, "status_code", 500))
    title = {404: "not found", 405: "method not allowed"}.get(status, "request refused")
    headers = getattr(exc, "headers", None)
    return Problem(status, title, _http_detail(request, status, headers), headers=headers).response()


def _http_detail(request: Request, status: int, headers: dict[str, str] | None) -> str | None:
    """What a client can do about a path the service has no endpoint at, or a method it
    does not take there."""
    path = request.url.path
    if status == 404:
        return f"no endpoint at {path}: the endpoints are listed at /openapi.json and /docs"
    allowed = (headers or {}).get("allow") or (headers or {}).get("Allow")
    if status == 405 and allowed:
        return f"{path} takes {allowed}, not {request.method}"
    return None


def create_app(config: ServerConfig) -> Starlette:
    """The application; the policy set and the log are opened now, so a bad set or an
    unwritable log stops the server from starting rather than failing its first request."""
    from starlette.exceptions import HTTPException

    svc = Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        svc.log.reopen()
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            # SIGHUP reloads the policy set (in the main thread of a worker process only)
            loop = __import__("asyncio").get_running_loop()
            loop.add_signal_handler(signal.SIGHUP, _reload_quietly, svc)
        async with anyio.create_task_group() as tasks:
            if config.retention_days is not None:
                tasks.start_soon(_prune_forever, svc)
            yield
            tasks.cancel_scope.cancel()
        svc.writer.stop()
        svc.log.close()
        worker_ended()

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={Problem: _problem_response, HTTPException: _http_error},
    )
    app.state.service = svc
    if not svc.keys:  # open to this machine only: no other site through its browser either
        app.add_middleware(LoopbackOnly, hosts=allowed_hosts(config.extra.get("host")))
    app.add_middleware(SingleHeaders)  # before any check reads a header, whatever the key mode
    app.add_middleware(Guard, get_service=lambda: svc)  # outermost: refusals are counted too
    return app


def _reload_quietly(svc: Service) -> None:
    try:
        svc.refresh()
        svc.logger.info("SIGHUP: policy set and keys reloaded")
    except Exception as exc:
        svc.logger.error("SIGHUP: refused; the old policy set and keys go on serving:\n%s", exc)


async def _prune_forever(svc: Service) -> None:
    while True:
        days = svc.config.retention_days
        if days is not None:
            removed = await anyio.to_thread.run_sync(svc.log.prune, days)
            if removed:
                svc.logger.info("pruned %d decisions older than %s days", removed, days)
        await anyio.sleep(3600)


def app_from_env() -> Starlette:
    """The factory uvicorn's workers call (``policykit.server.app:app_from_env``)."""
    return create_app(ServerConfig.from_env())
