"""Start the decision service under uvicorn: one process, or several sharing the socket."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket

from policykit.errors import Diagnostic, InputError
from policykit.server.config import ENV, ServerConfig
from policykit.server.keys import load_keys
from policykit.server.metrics import MULTIPROCESS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except OSError:
            return False


def check(config: ServerConfig, host: str, workers: int) -> None:
    """Refuse what must not start: an open service without keys, a bad worker count, bad keys."""
    problems = []
    keys = load_keys(config.keys_file)
    if not keys and not is_loopback(host):
        problems.append(
            Diagnostic(
                "--host",
                0,
                0,
                "no-keys",
                f"no API key is configured: serving {host} would let anyone in; "
                "add keys (policykit keys new) or bind to 127.0.0.1",
            )
        )
    if workers < 1:
        problems.append(Diagnostic("--workers", 0, 0, "bad-value", "at least 1 worker"))
    folder = os.environ.get(MULTIPROCESS)
    if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        said = f"{folder} is not a folder this server can write (the metrics of its workers go there)"
        problems.append(Diagnostic(MULTIPROCESS, 0, 0, "bad-value", said))
    if problems:
        raise InputError(problems)


def _can_listen(host: str, port: int) -> None:
    """Refuse, as bad input (exit 2), an address the server could not listen on (a port in
    use, an address not of this machine), before any policy is loaded: uvicorn would log
    the error and end with a status of its own.  Bound as uvicorn binds it, then let go."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        said = exc.strerror or str(exc)
        # a name that is no address, or an address not of this machine, is the host's fault;
        # a port in use or not allowed (below 1024), the port's
        host_at_fault = isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL
        option = "--host" if host_at_fault else "--port"
        raise InputError(
            [Diagnostic(option, 0, 0, "cannot-listen", f"cannot listen on {host}:{port}: {said}")]
        ) from None


def serve(config: ServerConfig, host: str = "127.0.0.1", port: int = 8080, workers: int = 1) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM; SIGHUP reloads the policy set)."""
    import uvicorn

    check(config, host, workers)
    _can_listen(host, port)
    config = ServerConfig(**{**config.__dict__, "extra": {**config.extra, "workers": workers, "host": host}})
    os.environ[ENV] = config.to_env()
    # the app is built now in this process, so a bad policy set or log stops here with a
    # message, not in each worker
    from policykit.server.app import create_app

    app = create_app(config) if workers == 1 else "policykit.server.app:app_from_env"
    made = None
    if workers > 1:
        create_app(config).state.service.log.close()
        if not os.environ.get(MULTIPROCESS):  # the workers' metrics, added up by each (an operator's folder kept)
            import tempfile

            made = os.environ[MULTIPROCESS] = tempfile.mkdtemp(prefix="policykit-metrics-")
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            workers=workers,
            factory=workers > 1,
            log_level="info",
            log_config=log_config(),
            proxy_headers=False,
            server_header=False,
        )
    finally:
        if made is not None:
            import shutil

            shutil.rmtree(made, ignore_errors=True)
            del os.environ[MULTIPROCESS]


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with the service's own messages (``policykit.server``: a reload
    by SIGHUP, decisions pruned, a client gone, a log that cannot be written) written by
    its handler at INFO too: without it Python shows only warnings and errors."""
    from copy import deepcopy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = deepcopy(LOGGING_CONFIG)
    config["loggers"]["policykit"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
