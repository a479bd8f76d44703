"""Query parameters are read strictly on every endpoint that takes some: one the endpoint
does not know, one given twice and one given empty are each refused (400, named), never
read as a default, the first or the last value, or the first page."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from .conftest import example

CASE = example("fault")
# (method, path, body) of each endpoint that reads query parameters
ENDPOINTS = [
    ("POST", "/v1/evaluate", CASE),
    ("POST", "/v1/evaluate/batch", CASE.replace(b"\n", b" ")),
    ("POST", "/v1/interview", b'{"case": {}}'),
    ("POST", "/v1/interview/record", CASE),
    ("GET", "/v1/policies/1.0.0", None),
    ("GET", "/v1/decisions", None),
    ("GET", "/", None),
]
LANG = {"/v1/decisions": "limit"}  # a parameter each endpoint reads (lang, where it has it)
GOOD = {"lang": "en", "limit": "5"}


def _call(client: TestClient, method: str, path: str, body: bytes | None, query: str) -> Any:
    return client.request(method, f"{path}?{query}", content=body)


def _errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [(e["code"], e["path"]) for e in response.json()["errors"]]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_a_parameter_given_twice_or_empty_is_refused_on_every_endpoint(
    client: TestClient, method: str, path: str, body: bytes | None
) -> None:
    name = LANG.get(path, "lang")
    good = GOOD[name]
    assert _call(client, method, path, body, f"{name}={good}").status_code == 200
    twice = _call(client, method, path, body, f"{name}={good}&{name}={good}")
    assert _errors(twice) == [("repeated-parameter", name)]
    assert "given twice" in twice.json()["errors"][0]["message"]
    empty = _call(client, method, path, body, f"{name}=")
    assert _errors(empty) == [("empty-parameter", name)]
    assert "empty" in empty.json()["errors"][0]["message"]
    if path == "/":  # a page for people: a parameter its link picked up on the way is let by
        shared = _call(client, method, path, body, "lang=en&from=singlemessage&isappinstalled=0")
        assert shared.status_code == 200 and "text/html" in shared.headers["content-type"]
        return
    assert _errors(_call(client, method, path, body, "langs=en")) == [("unknown-parameter", "langs")]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("as_of=2026-11-27&as_of=2025-01-01", "as_of"),  # was: as of the last one
        ("as_of=", "as_of"),  # was: as of today
        ("lang=", "lang"),  # was: zh
        ("explain", "explain"),  # was: no explain block
        ("version=", "version"),
    ],
)
def test_evaluate_refuses_a_repeated_or_empty_option(client: TestClient, query: str, path: str) -> None:
    response = client.post(f"/v1/evaluate?{query}", content=CASE)
    assert [p for _, p in _errors(response)] == [path]
    assert client.get("/v1/decisions").json()["decisions"] == []  # nothing decided, nothing logged


def test_the_log_refuses_an_unknown_parameter_naming_the_one_meant(client: TestClient) -> None:
    """``caseId`` or ``cursor`` gave the first page of the whole log, unfiltered."""
    client.post("/v1/evaluate", content=CASE)
    response = client.get("/v1/decisions", params={"caseId": "X"})
    (error,) = response.json()["errors"]
    assert (response.status_code, error["code"], error["path"]) == (400, "unknown-parameter", "caseId")
    assert "did you mean 'case_id'?" in error["message"] and "after" in error["message"]
    assert _errors(client.get("/v1/decisions", params={"cursor": "x"})) == [("unknown-parameter", "cursor")]
    for params in ({"case_id": ""}, {"after": ""}, {"from": ""}, {"case_id": ["X", "Y"]}):
        assert [p for _, p in _errors(client.get("/v1/decisions", params=params))] == list(params)


ID = "01a229e9-7bca-7265-a02f-ba7859a4e0e3"


@pytest.mark.parametrize("after", ["zzz", ID.upper(), "{" + ID + "}", ID.replace("-", "")])
def test_a_malformed_cursor_is_400_naming_after(client: TestClient, after: str) -> None:
    """``after=zzz`` gave an empty page, as if the log had been read to its end."""
    client.post("/v1/evaluate", content=CASE)
    assert _errors(client.get("/v1/decisions", params={"after": after})) == [("bad-value", "after")]


def test_the_cursor_pages_through_the_log(client: TestClient) -> None:
    ids = [client.post("/v1/evaluate", content=CASE).json()["decision_id"] for _ in range(3)]
    first = client.get("/v1/decisions", params={"limit": "2"}).json()
    assert [e["decision_id"] for e in first["decisions"]] == ids[:2] and first["next"] == ids[1]
    rest = client.get("/v1/decisions", params={"limit": "2", "after": first["next"]}).json()
    assert [e["decision_id"] for e in rest["decisions"]] == ids[2:] and rest["next"] is None


def test_a_policy_in_a_language_not_served_is_400(client: TestClient) -> None:
    """``lang=fr`` gave a version whose titles and labels were all null."""
    assert _errors(client.get("/v1/policies/1.0.0", params={"lang": "fr"})) == [("bad-value", "lang")]
    assert _errors(client.get("/", params={"lang": "fr"})) == [("bad-value", "lang")]
    assert client.get("/v1/policies/1.0.0", params={"lang": "en"}).json()["decisions"][0]["title"]
