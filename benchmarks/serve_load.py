"""Load on the decision service over loopback: throughput and latency with 1 and 2 workers.

    python benchmarks/serve_load.py [--requests 20000] [--connections 32] [--seconds 60]

Starts ``policykit serve`` on 127.0.0.1 and a free port (a fresh decision log each run),
drives ``POST /v1/evaluate`` with examples/fault.json from wrk (Debian's package) with a
bounded number of requests and a time limit, stops the server by its PID, and checks that
the log holds an entry for every answered request.  Prints a table; writes
benchmarks/results/serve.json.  Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

LUA = """
local limit = tonumber(os.getenv("POLICYKIT_LOAD_PER_THREAD"))
local body = io.open(os.getenv("POLICYKIT_LOAD_BODY")):read("*a")
local sent = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) sent = 0 end
function request()
  sent = sent + 1
  if sent > limit then wrk.thread:stop() end
  return wrk.format("POST", "/v1/evaluate?as_of=2026-11-27", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local fmt = '{"requests": %d, "seconds": %.3f, "non2xx": %d, "errors": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f}\\n'
  io.write(string.format(fmt,
    summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server was not ready in 60 s")


def run_one(workers: int, requests: int, connections: int, seconds: int, tmp: Path) -> dict[str, Any]:
    port = _free_port()
    log_db = tmp / f"log-{workers}.sqlite3"
    cmd = [sys.executable, "-m", "policykit", "serve", "--port", str(port), "--workers", str(workers)]
    cmd += ["--log-db", str(log_db), "--max-concurrency", str(connections * 4)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(tmp / f"server-{workers}.log", "wb"))  # noqa: SIM115
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, server)
        script = tmp / "post.lua"
        script.write_text(LUA, encoding="utf-8")
        threads = 2
        env = {
            **os.environ,
            "POLICYKIT_LOAD_PER_THREAD": str(requests // threads),
            "POLICYKIT_LOAD_BODY": str(ROOT / "examples" / "fault.json"),
        }
        # warm-up: a few hundred requests, not counted
        warm = {**env, "POLICYKIT_LOAD_PER_THREAD": "200"}
        subprocess.run(
            ["wrk", "-t2", "-c8", "-d10s", "-s", str(script), url], env=warm, capture_output=True, check=True
        )
        started = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
        figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(30)
    # wrk's own duration is its time limit, whenever its threads stopped: the throughput
    # comes from the log, whose entries carry the time each decision was made
    first, last, logged = (
        sqlite3.connect(log_db)
        .execute("SELECT min(time), max(time), count(*) FROM decisions WHERE time > ?", (started,))
        .fetchone()
    )
    span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    answered = figures["requests"] - figures["non2xx"] - figures["errors"]
    figures.update(
        workers=workers,
        connections=connections,
        seconds=round(span, 3),
        per_second=round(logged / span, 1),
        # wrk stops counting when a thread reaches its quota, while the requests it had in
        # flight are still answered and logged: the log may hold more, never fewer
        logged=logged,
        answered=answered,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60, help="time limit of each run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install -y wrk", file=sys.stderr)
        return 2
    load = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in (1, 2):
            rows.append(run_one(workers, args.requests, args.connections, args.seconds, Path(scratch)))
    print(f"machine: {os.cpu_count()} cores, load average before {load[0]:.2f}")
    head = ("workers", "requests", "req/s", "p50 ms", "p99 ms", "non-2xx", "logged ≥ answered")
    print("{:>7} {:>9} {:>8} {:>8} {:>8} {:>8} {:>18}".format(*head))
    for r in rows:
        check = "ok" if r["logged"] >= r["answered"] else f"{r['answered'] - r['logged']} lost"
        print(
            f"{r['workers']:>7} {r['requests']:>9} {r['per_second']:>8} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['non2xx'] + r['errors']:>8} {check:>18}"
        )
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "serve.json").write_text(json.dumps({"load_average": load, "runs": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
