"""The real server over HTTP: a case from examples/, its log entry, and a kill -9 in the
middle of a bounded load that loses no decision a client was answered."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from ..conftest import ROOT, cli
from .conftest import bearer, write_keys
from .live import free_port, live_server


def test_serve_answers_as_the_cli_and_logs(tmp_path: Path) -> None:
    fault = (ROOT / "examples" / "fault.json").read_bytes()
    with live_server(tmp_path / "log.sqlite3") as (url, _):
        answer = httpx.post(url + "/v1/evaluate", content=fault, params={"as_of": "2026-11-27"}, timeout=30).json()
        entry = httpx.get(f"{url}/v1/decisions/{answer['decision_id']}", timeout=30).json()
        assert httpx.get(url + "/openapi.json", timeout=30).json()["openapi"] == "3.1.0"
        # without keys: another name for this machine (DNS rebinding) and another site's page are refused
        assert httpx.get(url + "/v1/decisions", headers={"Host": "attacker.example"}, timeout=30).status_code == 400
        evil = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
        assert httpx.post(url + "/v1/admin/reload", headers=evil, timeout=30).status_code == 403
    code, out, err = cli("evaluate", str(ROOT / "examples" / "fault.json"), "--format", "json", "--as-of", "2026-11-27")
    assert code == 0, err
    decision_id = answer.pop("decision_id")
    from_cli = json.loads(out)
    assert from_cli["policy"].pop("file") == "policies/standard_v1.yaml" and "file" not in answer["policy"]
    assert answer == from_cli
    assert entry["decision_id"] == decision_id and entry["result"] == answer


def test_kill_9_under_load_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    """Four clients post cases (at most 4 000 requests, 30 s); the server is killed with
    SIGKILL once 300 are answered; restarted on the same log, every answered decision is
    there and the file passes PRAGMA integrity_check."""
    log_db = tmp_path / "log.sqlite3"
    fault = (ROOT / "examples" / "fault.json").read_bytes()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    port = free_port()
    with live_server(log_db, port=port) as (url, process):

        def client() -> None:
            with httpx.Client(base_url=url, timeout=10) as http:
                deadline = time.monotonic() + 30
                for _ in range(1000):
                    if stop.is_set() or time.monotonic() > deadline:
                        return
                    try:
                        response = http.post("/v1/evaluate", content=fault)
                    except httpx.HTTPError:
                        return  # the server is gone
                    if response.status_code == 200:
                        with lock:
                            acknowledged.append(response.json()["decision_id"])

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        stop.set()
        for t in threads:
            t.join(30)
    assert len(acknowledged) >= 300
    with live_server(log_db) as (url, _):
        sample = httpx.get(f"{url}/v1/decisions/{acknowledged[-1]}", timeout=30)
        assert sample.status_code == 200
    db = sqlite3.connect(log_db)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    logged = {row[0] for row in db.execute("SELECT decision_id FROM decisions")}
    lost = set(acknowledged) - logged
    print(f"kill -9: {len(acknowledged)} acknowledged, {len(logged)} logged, {len(lost)} lost")
    assert lost == set()


def test_sighup_reloads_a_good_set_and_keeps_the_old_one_for_a_bad_one(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    policy_file = folder / "standard_v1.yaml"
    original = (ROOT / "policies" / "standard_v1.yaml").read_text(encoding="utf-8")
    policy_file.write_text(original, encoding="utf-8")
    fault = (ROOT / "examples" / "fault.json").read_bytes()

    def sha(url: str) -> str:
        found: str = httpx.post(url + "/v1/evaluate", content=fault, timeout=30).json()["policy"]["sha256"]
        return found

    def wait_for(url: str, changed: bool, before: str) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = sha(url)
            if (now != before) == changed:
                return now
            time.sleep(0.2)
        return sha(url)

    with live_server(tmp_path / "log.sqlite3", "--policy-set", str(folder)) as (url, process):
        first = sha(url)
        policy_file.write_text(original + "\n# an editor's note\n", encoding="utf-8")
        os.kill(process.pid, signal.SIGHUP)
        second = wait_for(url, True, first)
        assert second != first
        policy_file.write_text("metadata: [broken\n", encoding="utf-8")
        os.kill(process.pid, signal.SIGHUP)
        time.sleep(1)
        assert sha(url) == second  # the broken set never replaced the good one
        assert process.poll() is None
    # the operator sees both reloads in the server's log, at the default level
    said = (tmp_path / f"server-{url.rsplit(':', 1)[1]}.log").read_text(encoding="utf-8")
    assert "SIGHUP: policy set and keys reloaded" in said
    assert "SIGHUP: refused; the old policy set and keys go on serving" in said


def test_two_workers_share_the_port_and_the_log(tmp_path: Path) -> None:
    fault = (ROOT / "examples" / "fault.json").read_bytes()
    log_db = tmp_path / "log.sqlite3"
    with live_server(log_db, "--workers", "2") as (url, _), httpx.Client(base_url=url, timeout=30) as http:
        ids = [http.post("/v1/evaluate", content=fault).json()["decision_id"] for _ in range(40)]
        pids = {http.get("/readyz").json().get("pid") for _ in range(20)}
    logged = {row[0] for row in sqlite3.connect(log_db).execute("SELECT decision_id FROM decisions")}
    assert set(ids) <= logged and len(ids) == 40
    assert len(pids) >= 1


def test_two_workers_metrics_add_up_whichever_answers_the_scrape(tmp_path: Path) -> None:
    """With --workers 2 each scrape counts every worker's requests (prometheus_client's
    multiprocess mode); a scrape used to see the worker that answered it (3, 5, 3, 5).
    Each request on a connection of its own, so that both workers answer some."""
    fault = (ROOT / "examples" / "fault.json").read_bytes()
    line = 'policykit_http_requests_total{method="POST",route="/v1/evaluate",status="200"} '
    with live_server(tmp_path / "log.sqlite3", "--workers", "2") as (url, _):
        pids: set[int] = set()
        for _ in range(30):
            with httpx.Client(base_url=url, timeout=30) as http:
                answer = http.post("/v1/evaluate", content=fault)
                assert answer.status_code == 200
        counts: set[float] = set()
        deadline = time.monotonic() + 20
        while (len(pids) < 2 or len(counts) < 1) and time.monotonic() < deadline:  # bounded: 20 s at most
            with httpx.Client(base_url=url, timeout=30) as http:
                pids.add(http.get("/readyz").json()["pid"])
            with httpx.Client(base_url=url, timeout=30) as http:
                text = http.get("/metrics").text
            counts.add(next(float(row[len(line) :]) for row in text.splitlines() if row.startswith(line)))
        for _ in range(10):
            with httpx.Client(base_url=url, timeout=30) as http:
                text = http.get("/metrics").text
            counts.add(next(float(row[len(line) :]) for row in text.splitlines() if row.startswith(line)))
    assert len(pids) == 2, pids  # both workers answered
    assert counts == {30.0}, counts


def test_sighup_rereads_the_key_file(tmp_path: Path) -> None:
    """A key removed from the file stops working at SIGHUP, without a restart."""
    keys = write_keys(tmp_path / "keys.json")
    fault = (ROOT / "examples" / "fault.json").read_bytes()
    with live_server(tmp_path / "log.sqlite3", "--keys", str(keys)) as (url, process):
        assert (
            httpx.post(url + "/v1/evaluate", content=fault, headers=bearer("evaluator"), timeout=30).status_code == 200
        )
        entries = json.loads(keys.read_text(encoding="utf-8"))["keys"]
        keys.write_text(json.dumps({"keys": [k for k in entries if k["id"] != "evaluator"]}), encoding="utf-8")
        os.kill(process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 30
        status = 200
        while status == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
            status = httpx.post(
                url + "/v1/evaluate", content=fault, headers=bearer("evaluator"), timeout=30
            ).status_code
        assert status == 401
        assert httpx.post(url + "/v1/evaluate", content=fault, headers=bearer("root"), timeout=30).status_code == 200
