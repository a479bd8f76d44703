"""POST /v1/evaluate/batch: NDJSON in, NDJSON out, in order; a bad line never stops it."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from starlette.testclient import TestClient

from .conftest import acceptance_cases, example, service


def _lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines()]


def test_batch_answers_each_line_in_order_and_logs_each_decision(client: TestClient) -> None:
    cases = [json.dumps(d["case"], ensure_ascii=False) for d in acceptance_cases()]
    body = "\n".join([cases[0], "{broken", "", cases[1], '{"request": {"type": "fault"}}', *cases[2:]]) + "\n"
    response = client.post("/v1/evaluate/batch", content=body.encode("utf-8"), params={"as_of": "2026-11-27"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    out = _lines(response)
    assert len(out) == len(cases) + 2  # the blank line gives nothing
    assert out[1]["line"] == 2 and out[1]["error"]["status"] == 400
    assert out[3]["line"] == 5 and out[3]["error"]["status"] == 422
    assert any(e["path"] == "request.date" for e in out[3]["error"]["errors"])
    good = [o for o in out if "decision_id" in o]
    assert [o["case_id"] for o in good] == [json.loads(c).get("case_id") for c in cases]
    single = client.post("/v1/evaluate", content=cases[0].encode("utf-8"), params={"as_of": "2026-11-27"}).json()
    assert {**good[0], "decision_id": None} == {**single, "decision_id": None}
    logged = client.get("/v1/decisions", params={"limit": 1000}).json()["decisions"]
    assert {e["decision_id"] for e in logged} >= {o["decision_id"] for o in good}


def test_a_line_over_the_limit_fails_alone(make_client: Any) -> None:
    client = make_client(max_line_bytes=5000)
    fault = example("fault").replace(b"\n", b" ")
    body = fault + b"\n" + b'"' + b"x" * 12000 + b'"\n' + fault + b"\n"
    out = _lines(client.post("/v1/evaluate/batch", content=body))
    assert [("decision_id" in o, o.get("line")) for o in out] == [(True, None), (False, 2), (True, None)]
    assert out[1]["error"]["status"] == 413


def test_the_last_line_needs_no_newline(client: TestClient) -> None:
    out = _lines(client.post("/v1/evaluate/batch", content=example("return").replace(b"\n", b" ")))
    assert len(out) == 1 and "decision_id" in out[0]


def _seven(special: dict[str, Any]) -> bytes:
    lines = []
    for n in range(1, 8):
        case = json.loads(example("fault"))
        case["case_id"] = f"L{n}"
        if n == 4:
            case.update(special)
        lines.append(json.dumps(case, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_an_integer_outside_64_bits_on_a_line_is_decided_like_the_others(make_client: Any) -> None:
    client = make_client(keep_personal=True)
    out = _lines(client.post("/v1/evaluate/batch", content=_seven({"x": 10**30})))
    assert [o.get("case_id") for o in out] == [f"L{n}" for n in range(1, 8)]
    assert all("decision_id" in o for o in out)
    logged = {e["case_id"]: e for e in client.get("/v1/decisions").json()["decisions"]}
    assert logged["L4"]["case"]["x"] == 10**30


def test_a_line_that_cannot_be_logged_fails_alone_with_its_own_number(make_client: Any) -> None:
    client = make_client()
    log = service(client).log
    original = log.write_many

    def refusing(entries: list[Any]) -> None:  # a log that cannot take line 4's entry
        if any(e.case_id == "L4" for e in entries):
            raise sqlite3.OperationalError("disk I/O error")
        original(entries)

    log.write_many = refusing  # type: ignore[method-assign]
    out = _lines(client.post("/v1/evaluate/batch", content=_seven({})))
    assert [o.get("case_id", o.get("line")) for o in out] == ["L1", "L2", "L3", 4, "L5", "L6", "L7"]
    assert out[3]["error"]["status"] == 503 and "decision_id" not in out[3]
    logged = {e["case_id"] for e in client.get("/v1/decisions").json()["decisions"]}
    assert logged == {"L1", "L2", "L3", "L5", "L6", "L7"}
