"""API keys and scopes: 401 without a valid key, 403 without the scope; no open service
on a public address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from policykit.errors import InputError
from policykit.server.config import ServerConfig
from policykit.server.keys import digest, match, parse_keys
from policykit.server.run import check, is_loopback

from ..conftest import cli
from .conftest import bearer, example, write_keys
from .live import free_port


def test_no_key_is_401_and_a_wrong_key_401(keyed: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"X-API-Key": "nope"}):
        response = keyed.post("/v1/evaluate", content=example("fault"), headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["title"] == "an API key is required"


@pytest.mark.parametrize(
    ("who", "method", "path", "allowed"),
    [
        ("evaluator", "POST", "/v1/evaluate", True),
        ("auditor", "POST", "/v1/evaluate", False),
        ("evaluator", "GET", "/v1/decisions", False),
        ("auditor", "GET", "/v1/decisions", True),
        ("evaluator", "POST", "/v1/admin/reload", False),
        ("root", "POST", "/v1/admin/reload", True),
        ("auditor", "GET", "/v1/policies", True),
    ],
)
def test_scopes(keyed: TestClient, who: str, method: str, path: str, allowed: bool) -> None:
    response = keyed.request(method, path, content=example("fault") if method == "POST" else None, headers=bearer(who))
    assert (response.status_code == 403) is not allowed, response.text
    assert response.status_code != 401


def test_the_log_records_the_key_id_never_the_key(keyed: TestClient) -> None:
    answer = keyed.post("/v1/evaluate", content=example("fault"), headers={"X-API-Key": "pk_eval"}).json()
    entry = keyed.get(f"/v1/decisions/{answer['decision_id']}", headers=bearer("auditor")).json()
    assert entry["key_id"] == "evaluator"
    assert "pk_eval" not in json.dumps(entry)


def test_health_and_metrics_need_no_key(keyed: TestClient) -> None:
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200
    assert keyed.get("/metrics").status_code == 200


def test_without_keys_only_loopback(tmp_path: Path) -> None:
    config = ServerConfig(policy_set=".", log_db=str(tmp_path / "log"))
    check(config, "127.0.0.1", 1)
    check(config, "::1", 1)
    with pytest.raises(InputError) as refused:
        check(config, "0.0.0.0", 1)
    assert refused.value.diagnostics[0].code == "no-keys"
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [{"id": "a", "sha256": digest("s"), "scopes": ["evaluate"]}]}))
    check(ServerConfig(policy_set=".", log_db="x", keys_file=str(keys)), "0.0.0.0", 1)
    assert is_loopback("localhost") and not is_loopback("192.0.2.1")


def test_serve_refuses_a_public_address_without_keys(tmp_path: Path) -> None:
    code, out, err = cli("serve", "--host", "0.0.0.0", "--port", "1", "--log-db", str(tmp_path / "l"))
    assert code == 2 and out == ""
    assert "no-keys" in err


def test_keys_new_prints_the_key_once_and_stores_its_hash(tmp_path: Path) -> None:
    file = tmp_path / "keys.json"
    code, out, err = cli("keys", "new", "crm", "--scopes", "evaluate,read_log", "--file", str(file))
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("pk_") and secret not in file.read_text()
    (key,) = parse_keys(file.read_text(), str(file))
    assert match((key,), secret) == key and key.scopes == {"evaluate", "read_log"}
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    code, _, err = cli("keys", "new", "crm", "--file", str(file))
    assert code == 2 and "exists already" in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[]", 'expected {"keys"'),
        ('{"keys": [{"id": "a", "sha256": "zz", "scopes": ["evaluate"]}]}', "sha256"),
        ('{"keys": [{"id": "a", "sha256": "' + "a" * 64 + '", "scopes": ["root"]}]}', "scopes"),
    ],
)
def test_a_bad_key_file_is_named(text: str, words: str) -> None:
    with pytest.raises(InputError) as bad:
        parse_keys(text, "keys.json")
    assert words in str(bad.value) and "keys.json" in str(bad.value)


def test_keys_new_refuses_a_folder_a_non_text_file_and_an_empty_id(tmp_path: Path) -> None:
    """Exit 2 naming the file or the id, never an internal error; nothing written."""
    folder, binary = tmp_path / "d", tmp_path / "keys.bin"
    folder.mkdir()
    binary.write_bytes(b"\xff\xfe\x00")
    for args, where, words in (
        (("crm", "--file", str(folder)), str(folder), "Is a directory"),
        (("crm", "--file", str(binary)), str(binary), "not UTF-8"),
        (("  ", "--file", str(tmp_path / "k.json")), "id", "not empty"),
    ):
        code, out, err = cli("keys", "new", *args, "--scopes", "evaluate")
        assert (code, out) == (2, ""), err
        assert err.startswith(f"{where}: bad-keys: ") and words in err, err
    assert not (tmp_path / "k.json").exists() and binary.read_bytes() == b"\xff\xfe\x00"


def test_serve_refuses_a_port_in_use_as_bad_input(tmp_path: Path) -> None:
    """A port another program listens on: exit 2 with one line naming the address, before
    any policy is loaded (uvicorn would log it and end with a status of its own)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = cli("serve", "--port", str(port), "--log-db", str(tmp_path / "l.sqlite3"))
    assert (code, out) == (2, "")
    assert err == f"--port: cannot-listen: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert not (tmp_path / "l.sqlite3").exists()


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"\xff\xfe", "bad-keys", "not UTF-8"),  # was: exit 1, internal error: UnicodeDecodeError
        (b'{"keys": []}', "no-keys", "the key file has no keys"),  # was: served with no key at all
        (b"[" * 100_000, "bad-keys", "nested too deeply"),
    ],
)
def test_serve_refuses_a_key_file_it_cannot_use_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, code: str, words: str
) -> None:
    served: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(a))
    keys = tmp_path / "k.json"
    keys.write_bytes(content)
    port = str(free_port())
    code_, out, err = cli("serve", "--keys", str(keys), "--port", port, "--log-db", str(tmp_path / "l.sqlite3"))
    assert (code_, out, served) == (2, "", [])
    assert err.startswith(f"{keys}: {code}: ") and words in err and len(err.splitlines()) == 1, err


def test_an_empty_key_variable_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_API_KEYS", '{"keys": []}')
    with pytest.raises(InputError) as refused:
        check(ServerConfig(policy_set="."), "127.0.0.1", 1)
    assert "no-keys" in str(refused.value) and "POLICYKIT_API_KEYS" in str(refused.value)


def test_serve_names_the_host_when_the_host_is_what_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The host was blamed on --port: ``--port: cannot-listen: cannot listen on nosuchhost.invalid:...``."""
    served: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(a))
    keys = write_keys(tmp_path / "keys.json")  # with keys: a host not of loopback may be asked for
    for host in ("nosuchhost.invalid", "192.0.2.1"):  # no such name; an address not of this machine
        code, out, err = cli("serve", "--keys", str(keys), "--host", host, "--log-db", str(tmp_path / "l.sqlite3"))
        assert (code, out, served) == (2, "", [])
        assert err.startswith("--host: cannot-listen: ") and host in err and len(err.splitlines()) == 1, err


def test_serve_refuses_a_metrics_folder_it_cannot_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PROMETHEUS_MULTIPROC_DIR naming no folder was an internal error (FileNotFoundError,
    exit 1) when the first metric was made; it is bad input, named, before anything starts."""
    import socket

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "nowhere"))
    with socket.socket() as taken:  # (a port in use: nothing could be served if the check let it by)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, out, err = cli("serve", "--port", str(taken.getsockname()[1]), "--log-db", str(tmp_path / "l"))
    assert code == 2 and out == ""
    assert err.startswith("PROMETHEUS_MULTIPROC_DIR: bad-value: ") and "nowhere is not a folder" in err, err
