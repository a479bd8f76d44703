"""POST /v1/evaluate: the CLI's result plus a decision id, logged before it is answered."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from policykit.policy.resources import schema
from policykit.server.masking import MASK

from ..conftest import ROOT, SHARED, cli
from .conftest import acceptance_cases, example, service

RESULT = Draft202012Validator(schema("result.schema.json"))


def _cli_json(case: dict[str, Any], as_of: str, tmp_path: Any, *extra: str) -> dict[str, Any]:
    path = tmp_path / "case.json"
    path.write_bytes(json.dumps(case, ensure_ascii=False).encode("utf-8"))
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", as_of, *extra)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    # the command line names its policy file; a server's local path is not its client's business
    assert result["policy"].pop("file") == "policies/standard_v1.yaml"
    return result


@pytest.mark.parametrize("data", acceptance_cases(), ids=lambda d: d["name"])
def test_every_acceptance_case_as_the_cli_gives_it(client: TestClient, data: dict[str, Any], tmp_path: Any) -> None:
    body = json.dumps(data["case"], ensure_ascii=False).encode("utf-8")
    response = client.post("/v1/evaluate", content=body, params={"as_of": data["as_of"]})
    assert response.status_code == 200, response.text
    answer = response.json()
    decision_id = answer.pop("decision_id")
    assert answer == _cli_json(data["case"], data["as_of"], tmp_path)
    RESULT.validate(answer)
    for did, value in data["expect"]["decisions"].items():
        assert answer["decisions"][did]["value"] == value, did
    logged = client.get(f"/v1/decisions/{decision_id}").json()
    assert logged["result"] == answer
    assert logged["case_sha256"] == answer["case_sha256"]


def test_query_options_lang_explain_version(client: TestClient, tmp_path: Any) -> None:
    params = {"as_of": "2026-11-27", "lang": "en", "explain": "true", "version": "1.0.0"}
    answer = client.post("/v1/evaluate", content=example("fault"), params=params).json()
    assert answer["lang"] == "en"
    assert answer["explain"] and answer["explain"][0]["rules"]
    case = json.loads(example("fault"))
    expected = _cli_json(case, "2026-11-27", tmp_path, "--lang", "en", "--explain")
    answer.pop("decision_id")
    expected["case_sha256"] = answer["case_sha256"]  # the CLI hashed its own re-serialised file
    assert answer == expected


def test_an_unknown_version_is_404(client: TestClient) -> None:
    response = client.post("/v1/evaluate", content=example("fault"), params={"version": "9.9.9"})
    assert response.status_code == 404
    assert "9.9.9" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "path"),
    [({"as_of": "2026-13-01"}, "as_of"), ({"lang": "fr"}, "lang"), ({"explain": "maybe"}, "explain")],
)
def test_bad_query_parameters_are_400(client: TestClient, params: dict[str, str], path: str) -> None:
    response = client.post("/v1/evaluate", content=example("fault"), params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == [path]


@pytest.mark.parametrize("endpoint", ["/v1/evaluate", "/v1/evaluate/batch"])
def test_an_unknown_query_parameter_is_400_with_the_name_meant(client: TestClient, endpoint: str) -> None:
    """A misspelt ``as_of`` would decide the case as of today, unsaid: it is refused, with the
    parameter meant, and nothing is decided or logged."""
    before = client.get("/v1/decisions").json()
    response = client.post(endpoint, content=example("fault"), params={"asof": "2026-11-27", "lang": "en"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert (error["code"], error["path"]) == ("unknown-parameter", "asof")
    assert "did you mean 'as_of'?" in error["message"]
    assert client.get("/v1/decisions").json() == before
    assert client.post(endpoint, content=example("fault"), params={"as_of": "2026-11-27"}).status_code == 200


def test_unreadable_body_is_400_and_a_bad_case_422_naming_each_field(client: TestClient) -> None:
    response = client.post("/v1/evaluate", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "json"
    case = json.loads(example("fault"))
    case["request"]["date"] = "2026-02-30"
    case["sale"]["shipping_method"] = "air"
    response = client.post("/v1/evaluate", content=json.dumps(case))
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422 and problem["type"] == "about:blank"
    assert {e["path"] for e in problem["errors"]} >= {"sale.shipping_method"}
    assert all(set(e) >= {"code", "path", "message"} for e in problem["errors"])


@pytest.mark.parametrize(("lang", "words"), [("en", "is not an allowed value"), ("zh", "不是允许的值")])
def test_a_bad_case_is_worded_in_the_requested_language_on_its_line(client: TestClient, lang: str, words: str) -> None:
    case = json.loads(example("fault"))
    case["sale"]["shipping_method"] = "air"
    body = json.dumps(case, ensure_ascii=False, indent=2)
    response = client.post("/v1/evaluate", content=body.encode("utf-8"), params={"lang": lang})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == "sale.shipping_method" and words in error["message"]
    line = next(n for n, text in enumerate(body.splitlines(), 1) if '"shipping_method"' in text)
    assert error["line"] == line


@pytest.mark.parametrize("name", sorted(p.stem for p in (SHARED / "acceptance" / "invalid").glob("*.json")))
def test_every_invalid_acceptance_case_is_refused_naming_the_field(client: TestClient, name: str) -> None:
    data = json.loads((SHARED / "acceptance" / "invalid" / f"{name}.json").read_text(encoding="utf-8"))
    response = client.post("/v1/evaluate", content=json.dumps(data["case"], ensure_ascii=False).encode("utf-8"))
    assert response.status_code in (400, 422)
    text = json.dumps(response.json(), ensure_ascii=False)
    mentions = data["expect"]["stderr_mentions"]
    for word in [mentions] if isinstance(mentions, str) else mentions:
        assert word in text, word
    assert client.get("/v1/decisions").json()["decisions"] == []


def test_a_body_over_the_limit_is_413(make_client: Any) -> None:
    client = make_client(max_body_bytes=1000)
    response = client.post("/v1/evaluate", content=b" " * 1001 + example("fault"))
    assert response.status_code == 413
    assert client.post("/v1/evaluate", content=example("fault")[:1000]).status_code != 413


def test_personal_facts_are_masked_in_the_log_unless_kept(make_client: Any, tmp_path: Any) -> None:
    masked = make_client()
    answer = masked.post("/v1/evaluate", content=example("fault")).json()
    entry = masked.get(f"/v1/decisions/{answer['decision_id']}").json()
    assert entry["masked"] is True
    assert set(entry["case"]["customer"].values()) == {MASK}
    assert entry["case_sha256"] == answer["case_sha256"]
    kept = make_client(keep_personal=True, log_db=str(tmp_path / "kept.sqlite3"))
    answer = kept.post("/v1/evaluate", content=example("fault")).json()
    entry = kept.get(f"/v1/decisions/{answer['decision_id']}").json()
    assert entry["masked"] is False
    assert entry["case"] == json.loads(example("fault"))


@pytest.mark.parametrize("data", acceptance_cases(), ids=lambda d: d["name"])
def test_replay_from_the_masked_log_is_identical(client: TestClient, data: dict[str, Any]) -> None:
    body = json.dumps(data["case"], ensure_ascii=False).encode("utf-8")
    answer = client.post("/v1/evaluate", content=body, params={"as_of": data["as_of"], "lang": "en"}).json()
    replay = client.post(f"/v1/decisions/{answer['decision_id']}/replay").json()
    assert replay == {
        "decision_id": answer["decision_id"],
        "identical": True,
        "differences": [],
        "policy": {k: answer["policy"][k] for k in ("id", "version", "sha256")},
        "as_of": data["as_of"],
    }


def test_replay_reports_a_difference(client: TestClient) -> None:
    """A log entry whose stored result was changed replays as different, naming the decision."""
    answer = client.post("/v1/evaluate", content=example("fault"), params={"as_of": "2026-11-27"}).json()
    svc = service(client)
    with svc.log._lock:
        row = svc.log._db.execute("SELECT result_json FROM decisions").fetchone()
        stored = json.loads(row[0])
        stored["decisions"]["service.type"]["value"] = "paid_repair"
        svc.log._db.execute("UPDATE decisions SET result_json = ?", (json.dumps(stored),))
    replay = client.post(f"/v1/decisions/{answer['decision_id']}/replay").json()
    assert replay["identical"] is False
    assert any(d.startswith("service.type: 'paid_repair' -> ") for d in replay["differences"])


@pytest.mark.parametrize("keep_personal", [False, True])
def test_an_integer_outside_64_bits_is_decided_logged_and_replayed(make_client: Any, keep_personal: bool) -> None:
    """The CLI decides a case with such a number in a field it ignores; so does the server."""
    client = make_client(keep_personal=keep_personal)
    case = json.loads(example("fault"))
    case["x"] = 10**30
    response = client.post("/v1/evaluate", content=json.dumps(case), params={"as_of": "2026-11-27"})
    assert response.status_code == 200, response.text
    answer = response.json()
    entry = client.get(f"/v1/decisions/{answer['decision_id']}").json()
    assert {**entry["result"], "decision_id": entry["decision_id"]} == answer
    if keep_personal:
        assert entry["case"] == case  # the number itself, not a float near it
    listed = client.get("/v1/decisions").json()["decisions"]
    assert [e["decision_id"] for e in listed] == [answer["decision_id"]]
    assert client.post(f"/v1/decisions/{answer['decision_id']}/replay").json()["identical"] is True


def test_fields_the_engine_ignores_are_masked_in_the_log_and_replay_is_identical(client: TestClient) -> None:
    """The review's case: an id card, an e-mail and a mobile number sent beside the case's facts."""
    case = json.loads(example("fault"))
    secrets = {"id_card": "610102199001011234", "email": "wang@example.cn", "mobile": "13800138000"}
    case["customer"].update(secrets)
    case["notes"] = {"taken_by": "李四"}
    body = json.dumps(case, ensure_ascii=False).encode("utf-8")
    answer = client.post("/v1/evaluate", content=body, params={"as_of": "2026-11-27", "lang": "en"}).json()
    assert sum("customer.id_card" in w or "notes" in w for w in answer["warnings"]) == 2  # still warned of
    for response in (
        client.get(f"/v1/decisions/{answer['decision_id']}"),
        client.get("/v1/decisions"),
    ):
        assert not any(s in response.text for s in [*secrets.values(), "李四"]), response.text
    entry = client.get(f"/v1/decisions/{answer['decision_id']}").json()
    assert entry["masked"] is True
    assert {k: entry["case"]["customer"][k] for k in secrets} == dict.fromkeys(secrets, MASK)
    assert entry["case"]["notes"] == MASK
    replay = client.post(f"/v1/decisions/{answer['decision_id']}/replay").json()
    assert replay["identical"] is True, replay["differences"]


def test_the_log_is_paged_by_time_with_offsets_and_bad_bounds_are_400(client: TestClient) -> None:
    answer = client.post("/v1/evaluate", content=example("fault")).json()
    time = client.get(f"/v1/decisions/{answer['decision_id']}").json()["time"]  # e.g. 2026-11-30T20:58:06.155Z
    second = time[:19] + "Z"  # the same second, without its milliseconds
    east = (datetime.fromisoformat(time) + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "+08:00"
    for params in ({"from": second}, {"from": east}, {"to": "9999-01-01"}, {"from": time, "limit": "1"}):
        found = client.get("/v1/decisions", params=params).json()["decisions"]
        assert [e["decision_id"] for e in found] == [answer["decision_id"]], params
    assert client.get("/v1/decisions", params={"to": east}).json()["decisions"] == []
    for params, path in (({"from": "yesterday"}, "from"), ({"to": "2026-02-30"}, "to"), ({"limit": "-2"}, "limit")):
        response = client.get("/v1/decisions", params=params)
        assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
        assert [e["path"] for e in response.json()["errors"]] == [path]


def test_the_readmes_answer_is_what_the_engine_gives() -> None:
    """The README shows the service's answer for the fault example (its `service.type`):
    its value, clauses and reasons are today's (the reasons went stale once)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("`service.type`, as the server returned it:\n\n```json\n", 1)[1].split("\n...\n", 1)[0]
    shown = json.loads("{" + block.rstrip().rstrip(",") + "}")["service.type"]
    code, out, err = cli(
        "evaluate", str(ROOT / "examples" / "fault.json"), "--format", "json", "--lang", "en", "--as-of", "2026-11-27"
    )
    assert code == 0, err
    assert shown == json.loads(out)["decisions"]["service.type"]
