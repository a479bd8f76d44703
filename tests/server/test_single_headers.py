"""A header the service reads once, given twice, is refused with 400 and the API's problem
body, whatever the key mode and whichever comes first: one of them would be read, and
whatever stands in front of the service may read the other (DNS rebinding and request
smuggling past the Host check, a second credential carried along unread)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from policykit.server.single_headers import ONCE, repeated

from .conftest import KEYS, example, service, write_keys
from .live import live_server

HOST = ("host", "127.0.0.1:8080")
GOOD = {
    "host": ["127.0.0.1:8080", "evil.example"],
    "authorization": [f"Bearer {KEYS['evaluator'][0]}", "Bearer not-a-key"],
    "x-api-key": [KEYS["evaluator"][0], "not-a-key"],
    "content-type": ["application/json", "text/plain"],
    "content-length": None,  # the body's own length, twice: as a client that repeats it sends it
    "origin": ["http://127.0.0.1:8080", "http://evil.example"],
    "sec-fetch-site": ["same-origin", "cross-site"],
}
NAMES = {
    "host": "Host",
    "authorization": "Authorization",
    "x-api-key": "X-API-Key",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "origin": "Origin",
    "sec-fetch-site": "Sec-Fetch-Site",
}


def test_every_header_read_once_is_tried() -> None:
    assert set(GOOD) == set(NAMES) == {name.decode() for name in ONCE}


def _client(make_client: Callable[..., TestClient], tmp_path: Path, keyed: bool) -> TestClient:
    return make_client(keys_file=str(write_keys(tmp_path / "keys.json"))) if keyed else make_client()


@pytest.mark.parametrize("keyed", [False, True], ids=["no keys", "keys"])
@pytest.mark.parametrize("name", list(GOOD))
@pytest.mark.parametrize("reverse", [False, True], ids=["good first", "good last"])
def test_a_header_given_twice_is_refused_and_nothing_is_decided(
    make_client: Callable[..., TestClient], tmp_path: Path, keyed: bool, name: str, reverse: bool
) -> None:
    client = _client(make_client, tmp_path, keyed)
    body = example("fault")
    values = GOOD[name] or [str(len(body)), str(len(body))]
    pairs = [(name, v) for v in (reversed(values) if reverse else values)]
    headers = [*([] if name == "host" else [HOST]), *pairs]
    if keyed and name not in ("authorization", "x-api-key"):
        headers.append(("x-api-key", KEYS["evaluator"][0]))
    response = client.post("/v1/evaluate", content=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "a header is given more than once",
        "status": 400,
        "detail": f"{NAMES[name]}: given more than once; a request gives each of these headers once at most",
    }
    assert service(client).log.count() == 0


@pytest.mark.parametrize("keyed", [False, True], ids=["no keys", "keys"])
def test_each_once_is_served(make_client: Callable[..., TestClient], tmp_path: Path, keyed: bool) -> None:
    client = _client(make_client, tmp_path, keyed)
    headers = [HOST, ("content-type", "application/json"), ("origin", "http://127.0.0.1:8080")]
    headers += [("sec-fetch-site", "same-origin"), ("authorization", f"Bearer {KEYS['evaluator'][0]}")]
    response = client.post("/v1/evaluate", content=example("fault"), headers=headers)
    assert response.status_code == 200, response.text
    assert service(client).log.count() == 1


def test_the_refusals_are_counted(client: TestClient) -> None:
    assert client.get("/healthz", headers=[HOST, ("host", "evil.example")]).status_code == 400
    metrics = client.get("/metrics").text
    assert 'route="/healthz",status="400"' in metrics


def test_other_headers_may_come_twice(client: TestClient) -> None:
    """Headers that are lists by nature (Accept, Cache-Control...) are not this check's."""
    headers = [HOST, ("accept", "application/json"), ("accept", "*/*"), ("x-trace", "a"), ("x-trace", "b")]
    assert client.post("/v1/evaluate", content=example("fault"), headers=headers).status_code == 200


LISTED = st.sampled_from([*ONCE, b"accept", b"cache-control", b"x-trace"])


@given(st.lists(st.tuples(LISTED, st.binary(max_size=8))))
def test_repeated_names_exactly_the_headers_read_once_given_more_than_once(
    headers: list[tuple[bytes, bytes]],
) -> None:
    counts = {name: sum(1 for n, _ in headers if n == name) for name in ONCE}
    assert repeated(headers) == [NAMES[name.decode()] for name in ONCE if counts[name] > 1]


def test_a_real_server_refuses_two_hosts(tmp_path: Path) -> None:
    """Over the wire, as a client that writes its own request: the server uvicorn runs
    hands both Host lines on, and the second is not lost."""
    with live_server(tmp_path / "log.sqlite3") as (url, _):
        port = int(url.rsplit(":", 1)[1])
        body = example("fault")
        request = (
            b"POST /v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(payload)["title"] == "a header is given more than once"
