"""``POST /v1/interview`` with a body it cannot use: a problem+json, as /v1/evaluate gives,
never a server error."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from policykit.server.app import create_app
from policykit.server.config import ServerConfig

from ..conftest import POLICY_FILE, ROOT

START = {"request": {"type": "fault", "date": "2026-02-10"}}
DEEP = b'{"case":' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    log = Path(tmp_path_factory.mktemp("api")) / "log.sqlite3"
    config = ServerConfig(policy_set=str(POLICY_FILE.parent), log_db=str(log))
    with TestClient(create_app(config), base_url="http://127.0.0.1", raise_server_exceptions=False) as made:
        yield made


@pytest.mark.parametrize(
    ("body", "status", "path"),
    [
        ({"case": {}, "skipped": 5}, 422, "skipped"),
        ({"case": START, "skipped": [[1]]}, 422, "skipped"),
        ({"case": START, "skipped": [{"a": 1}]}, 422, "skipped"),
        ({"case": START, "skipped": "sale.ship_date"}, 422, "skipped"),
        ({"case": [1]}, 422, "case"),
        ([1], 422, "case"),
    ],
)
def test_a_body_it_cannot_use_is_a_problem(client: TestClient, body: Any, status: int, path: str) -> None:
    answer = client.post("/v1/interview", json=body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["path"] for e in answer.json()["errors"]] == [path]


@pytest.mark.parametrize("body", [DEEP, b"{", b"\xff"])
def test_a_body_that_is_not_json_is_a_400_as_for_evaluate(client: TestClient, body: bytes) -> None:
    answer = client.post("/v1/interview", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    evaluate = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    assert evaluate.status_code == 400


def test_skipped_facts_still_work(client: TestClient) -> None:
    answer = client.post("/v1/interview", json={"case": START, "skipped": ["sale.ship_date"]})
    assert answer.status_code == 200
    assert "sale.ship_date" not in [q["fact"] for q in answer.json()["questions"]]
    assert answer.json()["skipped"] == ["sale.ship_date"]


# -- the record page groups facts as the policy does ---------------------------------------


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}</h2>")
    return html[start : html.index("</section>", start)]


def test_the_record_heads_the_facts_the_policys_summary_groups(tmp_path: Path) -> None:
    """Rename a group of the case format in a copy of the policy: its facts stay at the head."""
    text = re.sub(r"\bcustomer\.", "client.", POLICY_FILE.read_text(encoding="utf-8"))
    text = text.replace("\n      customer: {type: object", "\n      client: {type: object")
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / POLICY_FILE.name).write_text(text, encoding="utf-8")
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["client"] = case.pop("customer")
    config = ServerConfig(policy_set=str(folder), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as made:
        html = made.post("/v1/interview/record?as_of=2026-11-27", json=case).text
    head, given = _section(html, "客户 · 产品"), _section(html, "已提供的事实")
    for value in (case["client"]["name"], case["client"]["address"], case["product"]["serial_number"]):
        assert value in head and value not in given
    assert case["sale"]["ship_date"] in given and case["sale"]["ship_date"] not in head


def test_done_once_every_question_left_is_skipped(client: TestClient) -> None:
    """Skipping the last questions ends the interview: done, with no question shown."""
    case = json.loads((ROOT / "examples" / "transport_damage.json").read_text(encoding="utf-8"))
    first = client.post("/v1/interview", json={"case": case}).json()
    left = [q["fact"] for q in first["questions"]]
    assert left and not first["done"]
    answer = client.post("/v1/interview", json={"case": case, "skipped": left}).json()
    assert answer["questions"] == [] and answer["done"] is True


# a case that reads well but cannot be worked out: the warranty's end is past the calendar's
PAST_THE_CALENDAR = {
    "request": {"type": "fault", "date": "9999-12-31"},
    "sale": {"ship_date": "9999-12-20", "shipping_method": "express"},
}


def test_a_case_that_cannot_be_worked_out_is_an_error_of_the_step_not_of_the_server(client: TestClient) -> None:
    """As a bad answer is: 200 with the step's ``errors``, the answers refused (it was a 500)."""
    answer = client.post("/v1/interview", json={"case": PAST_THE_CALENDAR})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [e["code"] for e in body["errors"]] == ["evaluation"]
    assert "outside the calendar" in body["errors"][0]["message"]
    assert body.get("result") is None


def test_a_step_takes_the_version_and_day_asked_for_and_refuses_the_rest(client: TestClient) -> None:
    """``version`` names the policy (404 for one not in the set, as /v1/interview/record
    says); ``as_of`` the day; an option a step has no use for (``explain``) is refused; the
    API document lists what the step takes."""
    case = {**START, "sale": {"ship_date": "2025-06-01", "shipping_method": "express"}}
    answer = client.post("/v1/interview", params={"version": "9.9.9"}, json={"case": case})
    assert answer.status_code == 404 and "9.9.9" in answer.json()["detail"]
    answer = client.post("/v1/interview", params={"version": "1.0.0", "as_of": "2026-03-01"}, json={"case": case})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["policy"]["version"], answer.json()["as_of"]) == ("1.0.0", "2026-03-01")
    answer = client.post("/v1/interview", params={"explain": "true"}, json={"case": case})
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == "unknown-parameter"
    listed = client.get("/openapi.json").json()["paths"]["/v1/interview"]["post"]["parameters"]
    assert sorted(p["name"] for p in listed) == ["as_of", "lang", "version"]


def test_skipped_questions_still_needed_are_given_back(client: TestClient) -> None:
    """ "Skip" is for now: a skipped question that would still decide something comes back
    under ``skipped_questions`` (the page offers it again), not dropped."""
    case = json.loads((ROOT / "examples" / "transport_damage.json").read_text(encoding="utf-8"))
    left = [q["fact"] for q in client.post("/v1/interview", json={"case": case}).json()["questions"]]
    answer = client.post("/v1/interview", json={"case": case, "skipped": left}).json()
    assert [q["fact"] for q in answer["skipped_questions"]] == left


def test_the_record_gives_each_assumed_value_and_what_is_still_to_ask(client: TestClient) -> None:
    """It listed an assumed fact by its question and reason alone (no 是/否/12), and said
    nothing of the facts still missing."""
    case = {"request": {"type": "fault", "date": "2026-02-10"}, "sale": {"ship_date": "2025-06-01"}}
    html = client.post("/v1/interview/record?as_of=2026-02-13", json=case).text
    assumed = _section(html, "按默认的事实")
    assert "<strong>12</strong>" in assumed  # the contract's warranty months, by default
    assert "<strong>否</strong>" in assumed or "<strong>是</strong>" in assumed
    missing = _section(html, "尚需询问")
    assert "发货方式" in missing or "快寄" in missing or "货运" in missing, missing


def test_a_fact_a_decision_needs_is_asked_before_the_registers(client: TestClient) -> None:
    """A complaint with the sale known asked the customer's name, address, phone and model
    (for the register, a step) before its subject, the one fact a decision needed."""
    case = {
        "request": {"type": "complaint", "date": "2026-06-01"},
        "sale": {"ship_date": "2026-01-05", "shipping_method": "freight"},
    }
    questions = client.post("/v1/interview", json={"case": case}).json()["questions"]
    assert questions[0]["fact"] == "complaint.topic"
    assert [q["fact"] for q in questions].index("customer.name") > 0
