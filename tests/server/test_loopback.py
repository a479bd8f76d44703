"""A server without keys answers this machine's own clients only: a loopback Host, and no
other site's Origin (DNS rebinding and cross-site requests, as the review found them open)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from policykit.server.loopback import allowed_hosts

from .conftest import bearer, example, service

OWN = "http://127.0.0.1:8080"  # the test client's base URL: the server's own origin


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "127.0.0.1.nip.io", "10.0.0.1", ""])
def test_a_host_other_than_loopback_is_refused(client: TestClient, host: str) -> None:
    for method, path in [("GET", "/v1/decisions"), ("GET", "/metrics"), ("POST", "/v1/evaluate"), ("GET", "/")]:
        response = client.request(method, path, headers={"Host": host}, content=example("fault"))
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "this Host is not served"
    assert service(client).log.count() == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080"])
def test_loopback_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/v1/decisions", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "null", "http://localhost:8080", "http://127.0.0.1:9999", "https://127.0.0.1:8080"],
)
def test_a_request_from_another_origin_is_refused_and_does_nothing(client: TestClient, origin: str) -> None:
    headers = {"Origin": origin, "Content-Type": "text/plain"}
    for path in ("/v1/admin/reload", "/v1/evaluate", "/v1/evaluate/batch"):
        response = client.post(path, headers=headers, content=example("fault"))
        assert response.status_code == 403, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert origin in response.json()["detail"]
    assert client.get("/v1/decisions", headers={"Origin": origin}).status_code == 403
    assert service(client).log.count() == 0
    assert 'policykit_policy_reloads_total{outcome="done"}' not in client.get("/metrics").text


def test_a_cross_site_fetch_without_an_origin_is_refused(client: TestClient) -> None:
    refused = client.post("/v1/evaluate", headers={"Sec-Fetch-Site": "cross-site"}, content=example("fault"))
    assert refused.status_code == 403 and "cross-site" in refused.json()["detail"]
    for site in ("same-origin", "none"):
        assert client.get("/v1/decisions", headers={"Sec-Fetch-Site": site}).status_code == 200


def test_the_interview_page_works_from_its_own_origin(client: TestClient) -> None:
    headers = {"Origin": OWN, "Sec-Fetch-Site": "same-origin"}
    assert client.get("/", headers={"Sec-Fetch-Site": "none"}).status_code == 200
    step = client.post("/v1/interview", headers=headers, json={"case": {"request": {"type": "fault"}}})
    assert step.status_code == 200 and step.json()["questions"]
    answer = client.post("/v1/evaluate", headers=headers, content=example("fault"))
    assert answer.status_code == 200 and "decision_id" in answer.json()


def test_with_keys_the_key_decides_not_the_host(keyed: TestClient) -> None:
    """A keyed server may sit behind any name (it may bind a public address): the key is the check."""
    headers = {**bearer("evaluator"), "Host": "decisions.example.com", "Origin": "https://crm.example.com"}
    assert keyed.post("/v1/evaluate", headers=headers, content=example("fault")).status_code == 200


@pytest.mark.parametrize(
    ("bound", "extra"),
    [(None, None), ("127.0.0.1", None), ("127.0.0.2", "127.0.0.2"), ("::1", None), ("localhost", None)],
)
def test_the_address_bound_to_is_a_name_served(bound: str | None, extra: str | None) -> None:
    assert allowed_hosts(bound) == ["127.0.0.1", "localhost", "[::1]", *([extra] if extra else [])]


def test_a_server_bound_to_another_loopback_address_answers_to_it(make_client: Any) -> None:
    client = make_client(extra={"host": "127.0.0.2"})
    assert client.get("/v1/decisions", headers={"Host": "127.0.0.2:8080"}).status_code == 200
