"""Health, readiness, metrics, the OpenAPI document and its page, errors as problems,
and bounded concurrency."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient
from starlette.types import Message

from policykit.server.openapi import embed

from .conftest import BASE_URL, example, service


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["versions"] == ["1.0.0"] and ready["log_schema"] >= 1


def test_metrics_count_requests_decisions_and_latency(client: TestClient) -> None:
    client.post("/v1/evaluate", content=example("fault"), params={"as_of": "2026-11-27"})
    client.post("/v1/evaluate", content=b"{")
    text = client.get("/metrics").text
    assert 'policykit_http_requests_total{method="POST",route="/v1/evaluate",status="200"} 1.0' in text
    assert 'policykit_http_requests_total{method="POST",route="/v1/evaluate",status="400"} 1.0' in text
    assert (
        'policykit_decisions_total{decision="service.type",request_type="fault",value="free_replacement"} 1.0' in text
    )
    assert 'policykit_http_request_duration_seconds_count{route="/v1/evaluate"} 2.0' in text
    assert "policykit_decision_log_write_failures_total 0.0" in text
    # a free-text or date value is counted by its kind, never by itself
    assert 'value="2025-06-04"' not in text and 'value="date"' in text


def test_openapi_is_3_1_and_its_schemas_are_the_projects(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    # the policy's title as text (its English one), not the mapping of its languages
    assert "{" not in doc["info"]["title"] and doc["info"]["title"].startswith("policykit decision service · ")
    schemas = doc["components"]["schemas"]
    assert set(schemas) >= {"Case", "Result", "Answer", "Problem"}
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert "$id" not in schema, name
    refs = set(_refs(doc))
    assert "#/components/schemas/Case/$defs/date" in refs
    for ref in refs:  # every reference resolves inside the document
        node: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
    answer = client.post("/v1/evaluate", content=example("fault")).json()
    resolver_doc = {**schemas["Answer"], "components": doc["components"]}
    Draft202012Validator(resolver_doc).validate(answer)
    assert set(doc["paths"]) >= {"/v1/evaluate", "/v1/evaluate/batch", "/v1/decisions/{decision_id}/replay"}


def _refs(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_embed_reroots_references() -> None:
    schema = {
        "$id": "x",
        "$schema": "y",
        "$defs": {"d": {"type": "string"}},
        "properties": {"a": {"$ref": "#/$defs/d"}},
    }
    assert embed(schema, "Case") == {
        "$defs": {"d": {"type": "string"}},
        "properties": {"a": {"$ref": "#/components/schemas/Case/$defs/d"}},
    }


def test_the_api_page_is_self_contained(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/v1/evaluate" in page.text and "X-API-Key" in page.text
    assert "http://" not in page.text.replace("http://testserver", "") and "https://" not in page.text.split("<pre>")[0]


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert client.get("/v2/nothing").json() == {
        "type": "about:blank",
        "title": "not found",
        "status": 404,
        "detail": "no endpoint at /v2/nothing: the endpoints are listed at /openapi.json and /docs",
    }
    response = client.get("/v1/evaluate")
    assert response.status_code == 405 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "/v1/evaluate takes POST, not GET"


def test_an_internal_error_says_only_its_id(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("policykit.server.routes.decide_body", boom)
    response = client.post("/v1/evaluate", content=example("fault"))
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"type", "title", "status", "error_id"} and len(body["error_id"]) == 32
    assert "secret" not in response.text and "Traceback" not in response.text


def test_a_log_that_cannot_be_written_gives_no_decision(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = service(client)

    def full(entries: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(svc.log, "write_many", full)
    response = client.post("/v1/evaluate", content=example("fault"))
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert "decision_id" not in response.text
    assert "policykit_decision_log_write_failures_total 1.0" in client.get("/metrics").text


def test_a_full_server_answers_503_with_retry_after(make_client: Any) -> None:
    """With room for one request, a second one while the first is in flight is refused."""
    app = make_client(max_concurrency=1).app

    async def scenario() -> tuple[int, str, int]:
        gate = asyncio.Event()

        async def slow_body() -> Any:
            yield example("fault").replace(b"\n", b" ") + b"\n"
            await gate.wait()

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            first = asyncio.create_task(http.post("/v1/evaluate/batch", content=slow_body()))
            await asyncio.sleep(0.2)
            second = await http.post("/v1/evaluate", content=example("fault"))
            gate.set()
            done = await first
            health = await http.get("/healthz")
        return second.status_code, second.headers.get("retry-after", ""), done.status_code + health.status_code

    status, retry, rest = asyncio.run(scenario())
    assert (status, retry, rest) == (503, "1", 400)


def test_a_request_over_the_time_limit_is_503(make_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(request_timeout_s=0.2)

    async def slow(*args: Any, **kwargs: Any) -> bytes:
        await asyncio.sleep(5)
        return b""

    monkeypatch.setattr("policykit.server.routes.read_body", slow)
    response = client.post("/v1/evaluate", content=example("fault"))
    assert response.status_code == 503 and response.json()["title"] == "the request took too long"


def test_a_case_past_the_work_limit_is_refused_and_the_server_goes_on(make_client: Any) -> None:
    client = make_client(limits={"operations": 50})
    response = client.post("/v1/evaluate", content=example("fault"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["title"].startswith("deciding this case needs more work")
    assert problem["errors"][0]["code"] == "limit-exceeded"
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/decisions").json()["decisions"] == []  # nothing logged for it


@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/evaluate/batch"])
def test_a_client_gone_mid_body_is_counted_499_and_not_an_error(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    """It declared 50 bytes, sent 2 and closed: no answer, no traceback, no 5xx, nothing logged."""
    messages: list[Message] = [{"type": "http.request", "body": b"{ ", "more_body": True}, {"type": "http.disconnect"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8080"), (b"content-length", b"50")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    with caplog.at_level(logging.INFO, logger="policykit.server"):
        asyncio.run(_coroutine(client.app(scope, receive, send)))
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] in ([], [200])  # a batch began its answer
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    text = client.get("/metrics").text
    assert f'policykit_http_requests_total{{method="POST",route="{path}",status="499"}} 1.0' in text
    assert 'status="500"' not in text
    assert service(client).log.count() == 0


async def _coroutine(awaitable: Any) -> None:
    """``awaitable`` as the coroutine ``asyncio.run`` takes (an ASGI app is typed as giving
    an awaitable)."""
    await awaitable
