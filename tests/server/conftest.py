"""The decision service in-process (Starlette's TestClient over the ASGI app), with its
own decision log and, where a test asks, API keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from policykit.policy.resources import data_dir
from policykit.server.app import create_app
from policykit.server.config import ServerConfig
from policykit.server.context import Service
from policykit.server.keys import digest

from ..conftest import ROOT, SHARED

BASE_URL = "http://127.0.0.1:8080"
KEYS = {
    "evaluator": ("pk_eval", ["evaluate"]),
    "auditor": ("pk_audit", ["read_log"]),
    "root": ("pk_root", ["admin", "evaluate", "read_log"]),
}


def acceptance_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "acceptance" / "cases").glob("*.json"))]


def example(name: str) -> bytes:
    return (ROOT / "examples" / f"{name}.json").read_bytes()


def write_keys(path: Path) -> Path:
    entries = [{"id": k, "sha256": digest(secret), "scopes": scopes} for k, (secret, scopes) in KEYS.items()]
    path.write_text(json.dumps({"keys": entries}), encoding="utf-8")
    return path


@pytest.fixture()
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A client of a fresh app; keyword arguments change its ServerConfig."""
    made: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings: dict[str, Any] = {"policy_set": str(data_dir("policies")), "log_db": str(tmp_path / "log.sqlite3")}
        settings.update(changes)
        # a loopback name, as a client of a keyless server must give
        client = TestClient(create_app(ServerConfig(**settings)), base_url=BASE_URL, raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture()
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture()
def keyed(make_client: Callable[..., TestClient], tmp_path: Path) -> TestClient:
    return make_client(keys_file=str(write_keys(tmp_path / "keys.json")))


def service(client: TestClient) -> Service:
    """The service behind the client's app (what a test reaches into: its log, its policies)."""
    app = client.app
    assert isinstance(app, Starlette)
    svc = app.state.service
    assert isinstance(svc, Service)
    return svc


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[name][0]}"}
