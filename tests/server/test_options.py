"""The options of ``serve`` and ``log prune`` are checked before anything is done: a value
that would delete the log, bind another port or serve nothing is refused (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policykit.server.config import ServerConfig
from policykit.server.decision_log import DecisionLog

from ..conftest import cli
from .conftest import example
from .test_decision_log import _entry


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--retention-days", "0"),
        ("--retention-days", "-3"),
        ("--retention-days", "nan"),
        ("--retention-days", "1e12"),
        ("--port", "99999"),
        ("--port", "0"),
        ("--port", "-1"),
        ("--max-concurrency", "0"),
        ("--timeout", "-1"),
        ("--timeout", "0"),
        ("--timeout", "inf"),
        ("--workers", "0"),
    ],
)
def test_a_bad_serve_option_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, value: str
) -> None:
    started: list[Any] = []
    monkeypatch.setattr("policykit.server.run.serve", lambda *a, **k: started.append(a))
    code, out, err = cli("serve", option, value, "--log-db", str(tmp_path / "log.sqlite3"))
    assert (code, out, started) == (2, "", [])
    assert len(err.splitlines()) == 1 and option in err and repr(value) in err, err


@pytest.mark.parametrize("days", ["-1", "0", "nan", "1e12"])
def test_log_prune_refuses_a_number_of_days_that_would_remove_everything(tmp_path: Path, days: str) -> None:
    db = tmp_path / "log.sqlite3"
    log = DecisionLog(db)
    log.write_many([_entry() for _ in range(3)])
    log.close()
    code, out, err = cli("log", "prune", "--older-than-days", days, "--log-db", str(db))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1 and "--older-than-days" in err
    assert DecisionLog(db).count() == 3


def test_prune_itself_refuses_no_days(tmp_path: Path) -> None:
    log = DecisionLog(tmp_path / "log.sqlite3")
    log.write(_entry())
    for days in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            log.prune(days)
    assert log.count() == 1


def test_good_options_reach_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[ServerConfig, str, int, int]] = []
    monkeypatch.setattr("policykit.server.run.serve", lambda *a: started.append(a))
    argv = ["--port", "65535", "--retention-days", "0.5", "--max-concurrency", "1", "--timeout", "0.25"]
    code, _, err = cli("serve", *argv, "--limit", "case_bytes=2000", "--log-db", str(tmp_path / "l.sqlite3"))
    assert code == 0, err
    ((config, _, port, _),) = started
    assert port == 65535 and config.retention_days == 0.5
    assert (config.max_concurrency, config.request_timeout_s) == (1, 0.25)
    assert config.max_body_bytes == config.max_line_bytes == 2000  # the review found it ignored


def test_the_case_bytes_limit_bounds_a_body_and_a_batch_line(make_client: Any) -> None:
    fault = example("fault").replace(b"\n", b" ")
    client = make_client(limits={"case_bytes": len(fault)})
    assert client.post("/v1/evaluate", content=fault).status_code == 200
    assert client.post("/v1/evaluate", content=fault + b" ").status_code == 413
    out = client.post("/v1/evaluate/batch", content=fault + b"\n" + fault + b"  \n").text.splitlines()
    assert '"decision_id"' in out[0] and '"status":413' in out[1]
    default = ServerConfig(policy_set=".")
    assert default.max_body_bytes == default.max_line_bytes == 1024 * 1024
