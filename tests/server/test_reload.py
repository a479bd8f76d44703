"""Reloading the policy set: checked first; a broken set never replaces the one serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policykit.server.keys import digest

from ..conftest import POLICY_FILE
from .conftest import bearer, example, service, write_keys


def _set(tmp_path: Path) -> Path:
    folder = tmp_path / "set"
    folder.mkdir()
    shutil.copy(POLICY_FILE, folder / "standard_v1.yaml")
    return folder


def test_a_broken_set_leaves_the_old_one_serving(make_client: Any, tmp_path: Path) -> None:
    folder = _set(tmp_path)
    client = make_client(policy_set=str(folder), keys_file=str(write_keys(tmp_path / "keys.json")))
    before = client.post("/v1/evaluate", content=example("fault"), headers=bearer("evaluator")).json()
    (folder / "standard_v1.yaml").write_text("metadata: [broken\n", encoding="utf-8")
    response = client.post("/v1/admin/reload", headers=bearer("root"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["title"].startswith("the policy set has errors")
    assert problem["errors"] and problem["errors"][0]["code"]
    after = client.post("/v1/evaluate", content=example("fault"), headers=bearer("evaluator")).json()
    assert after["policy"] == before["policy"] and after["decisions"] == before["decisions"]
    assert 'policykit_policy_reloads_total{outcome="refused"} 1.0' in client.get("/metrics").text


def test_a_good_set_replaces_the_old_one(make_client: Any, tmp_path: Path) -> None:
    folder = _set(tmp_path)
    client = make_client(policy_set=str(folder))
    old = client.post("/v1/evaluate", content=example("fault")).json()["policy"]["sha256"]
    text = (folder / "standard_v1.yaml").read_text(encoding="utf-8")
    (folder / "standard_v1.yaml").write_text(text + "\n# an editor's note\n", encoding="utf-8")
    response = client.post("/v1/admin/reload")
    assert response.status_code == 200 and response.json()["reloaded"] is True
    new = client.post("/v1/evaluate", content=example("fault")).json()["policy"]["sha256"]
    assert new != old and response.json()["policies"][0]["sha256"] == new


def test_a_request_in_flight_keeps_its_set(make_client: Any, tmp_path: Path) -> None:
    """The store hands out the set a request began with; a reload only changes later ones."""
    folder = _set(tmp_path)
    client = make_client(policy_set=str(folder))
    store = service(client).policies
    held = store.current
    (folder / "standard_v1.yaml").write_text(
        (folder / "standard_v1.yaml").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    store.reload()
    assert store.current is not held and held.latest.sha256 != store.current.latest.sha256


def _keys_without(path: Path, name: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["keys"] = [k for k in data["keys"] if k["id"] != name]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_a_key_removed_from_the_file_stops_working_at_the_reload(make_client: Any, tmp_path: Path) -> None:
    """The review's case: a revoked key went on working until the server was restarted."""
    keys = write_keys(tmp_path / "keys.json")
    client = make_client(keys_file=str(keys))
    assert client.post("/v1/evaluate", content=example("fault"), headers=bearer("evaluator")).status_code == 200
    _keys_without(keys, "evaluator")
    assert client.post("/v1/admin/reload", headers=bearer("root")).status_code == 200
    assert client.post("/v1/evaluate", content=example("fault"), headers=bearer("evaluator")).status_code == 401
    assert client.post("/v1/evaluate", content=example("fault"), headers=bearer("root")).status_code == 200
    # rotation: a new key added to the file works from the next reload on
    entries = json.loads(keys.read_text(encoding="utf-8"))["keys"]
    entries.append({"id": "evaluator-2", "sha256": digest("pk_eval_2"), "scopes": ["evaluate"]})
    keys.write_text(json.dumps({"keys": entries}), encoding="utf-8")
    new = {"Authorization": "Bearer pk_eval_2"}
    assert client.post("/v1/evaluate", content=example("fault"), headers=new).status_code == 401
    assert client.post("/v1/admin/reload", headers=bearer("root")).status_code == 200
    answer = client.post("/v1/evaluate", content=example("fault"), headers=new).json()
    logged = client.get(f"/v1/decisions/{answer['decision_id']}", headers=bearer("root")).json()
    assert logged["key_id"] == "evaluator-2"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{not json", "bad-keys"),
        ('{"keys": [{"id": "x", "sha256": "zz", "scopes": ["admin"]}]}', "bad-keys"),
        ('{"keys": []}', "no-keys"),
        (None, "unreadable"),
        (b"\xff\xfe", "bad-keys"),  # not UTF-8: was a 500 with a traceback in the server's log
    ],
)
def test_a_bad_key_file_is_refused_and_the_old_keys_stay(
    make_client: Any, tmp_path: Path, text: str | bytes | None, code: str
) -> None:
    folder = _set(tmp_path)
    keys = write_keys(tmp_path / "keys.json")
    client = make_client(policy_set=str(folder), keys_file=str(keys))
    before = service(client).policies.current
    if text is None:
        keys.unlink()
    else:
        keys.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    # the policy set changed too: it is not taken either, the reload is one
    (folder / "standard_v1.yaml").write_text(POLICY_FILE.read_text(encoding="utf-8") + "\n# new\n", encoding="utf-8")
    response = client.post("/v1/admin/reload", headers=bearer("root"))
    assert response.status_code == 422
    assert response.json()["title"].startswith("the key file has errors")
    assert [e["code"] for e in response.json()["errors"]] == [code]
    assert response.json()["detail"] == f"in {keys}"
    assert service(client).policies.current is before
    for who in ("evaluator", "root"):
        assert client.post("/v1/evaluate", content=example("fault"), headers=bearer(who)).status_code == 200
    assert 'policykit_policy_reloads_total{outcome="refused"} 1.0' in client.get("/metrics").text
