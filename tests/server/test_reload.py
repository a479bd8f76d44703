"""Reloading the policy set: checked first; a broken set never replaces the one serving."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
