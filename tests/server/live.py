"""A real ``policykit serve`` in a subprocess on 127.0.0.1 and a free port, stopped by its PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(log_db: Path, *extra: str, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start the server, wait (at most 60 s) until it answers /readyz, stop it afterwards."""
    port = port or free_port()
    args = [sys.executable, "-m", "policykit", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*args, "--log-db", str(log_db), *extra],
        stdout=subprocess.DEVNULL,
        stderr=open(log_db.parent / f"server-{port}.log", "ab"),  # noqa: SIM115 - the child holds it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready in 60 s")
            time.sleep(0.1)
        yield url, process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(20)
