"""Another company's standard, written from the docs alone: a Berlin e-bike shop's, in
English only, on the German calendar, with request types of its own
(``fixtures/radhaus``, from an exploratory test by a policy editor).  The engine is
generic: nothing the bundled Chinese standard says may show in its results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from policykit.policy.catalogue import catalogue
from policykit.server.app import create_app
from policykit.server.config import ServerConfig

from .conftest import POLICY_FILE, cli

HERE = Path(__file__).parent / "fixtures" / "radhaus"
POLICY = HERE / "policies" / "service_v1.yaml"
CASES = sorted((HERE / "cases").glob("*.json"))
AS_OF = "2026-05-11"
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# the keys of policykit's own words: none may be shown bare (a word the policy did not give)
KEYS = re.compile(r"\b(" + "|".join(k for k in catalogue() if "_" in k) + r")\b")


def _evaluate(case: Path, *extra: str) -> str:
    code, out, err = cli("evaluate", str(case), "--policy", str(POLICY), "--as-of", AS_OF, *extra)
    assert code == 0, err
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_english_standard_is_shown_in_english_with_no_bare_key(case: Path, fmt: str) -> None:
    """Its results were in Chinese by default (headings, weekdays, the lang), and showed
    ``assumed_mark``, ``to_confirm``, ``unknown_field``... where the policy had not worded
    policykit's own words."""
    out = _evaluate(case, "--format", fmt)
    assert not CJK.search(out), out
    shown = "\n".join(_strings(json.loads(out))) if fmt == "json" else out  # (a JSON key is no word shown)
    assert not KEYS.search(shown), KEYS.search(shown)
    if fmt == "json":
        assert json.loads(out)["lang"] == "en"


def _strings(value: object) -> list[str]:
    """Every string a JSON value holds (not its keys)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_bundled_standard_is_still_chinese_by_default(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"request": {"type": "follow_up", "date": "2026-11-02"}}), encoding="utf-8")
    code, out, err = cli("evaluate", str(case), "--policy", str(POLICY_FILE), "--as-of", "2026-11-27")
    assert code == 0, err
    assert json.loads(out)["lang"] == "zh"


def test_an_unknown_field_is_named_in_its_warning() -> None:
    out = json.loads(_evaluate(HERE / "cases" / "return_unknownfield.json", "--format", "json"))
    assert out["warnings"] == ["unknown field customer.phone ignored (did you mean customer.name?)"]


def test_germany_has_no_unpublished_schedule_to_warn_of() -> None:
    """Its last special holiday (2017) was taken for the last year of an announced schedule."""
    out = json.loads(_evaluate(HERE / "cases" / "repair.json", "--format", "json"))
    assert out["decisions"]["repair.due"]["value"] == "2026-04-13"  # Good Friday and Easter Monday skipped
    assert out["warnings"] == []
    code, _, err = cli("validate", str(POLICY))
    assert code == 0 and "calendar-unpublished" not in err


def test_every_word_the_bundled_standard_gives_policykit_has_too() -> None:
    """A policy need not word the headings and marks itself: policykit's catalogue has
    every one the bundled standard words, in both its languages."""
    words = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))["messages"]
    own = catalogue()
    assert [k for k in words if k not in own] == []
    assert all({lang for lang, _ in own[k]} >= {"zh", "en"} for k in words)


def test_the_service_and_its_interview_speak_the_policy_s_language(tmp_path: Path) -> None:
    config = ServerConfig(policy_set=str(POLICY.parent), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8080") as client:
        answer = client.post(f"/v1/evaluate?as_of={AS_OF}", content=(HERE / "cases" / "repair.json").read_bytes())
        assert answer.status_code == 200 and answer.json()["lang"] == "en"
        page = client.get("/")
        assert page.status_code == 200 and 'lang="en"' in page.text
        step = client.post("/v1/interview", json={"case": {"request": {"type": "repair", "date": "2026-05-04"}}})
        assert step.status_code == 200 and not CJK.search(step.text)
        shown = client.get("/v1/policies/1.0.0")
        assert shown.status_code == 200 and not CJK.search(shown.text)
        asked = client.post("/v1/evaluate?lang=zh", content=(HERE / "cases" / "repair.json").read_bytes())
        assert asked.status_code == 400  # a language the policy does not speak: never half its words
        assert "it speaks en" in asked.text
        assert "lang-switch" not in page.text  # one language: no switch to another


def _set_of_two(tmp_path: Path, text: str) -> Path:
    """A set of ``text`` as 1.0.0 and a copy of it as 1.1.0, which supersedes it."""
    folder = tmp_path / "policies"
    folder.mkdir(parents=True)
    (folder / "service_v1.yaml").write_text(text, encoding="utf-8")
    later = text.replace("version: 1.0.0", "version: 1.1.0", 1).replace("supersedes: null", "supersedes: 1.0.0", 1)
    later = later.replace('effective_from: "2026-01-01"', 'effective_from: "2026-07-01"', 1)
    (folder / "service_v1_1.yaml").write_text(later, encoding="utf-8")
    return folder


def test_a_set_whose_versions_lack_the_request_day_is_refused(tmp_path: Path) -> None:
    """A standard that calls the request day otherwise validated, then every case of the
    set was decided under the latest version, whatever day it was asked on."""
    text = POLICY.read_text(encoding="utf-8")
    code, _, err = cli("validate", str(_set_of_two(tmp_path / "good", text)))
    assert code == 0, err
    renamed = text.replace("request.date", "request.asked_on")
    code, out, err = cli("validate", str(_set_of_two(tmp_path / "bad", renamed)))
    assert (code, out) == (2, "")
    assert err.count("set-request-date") == 2 and "needs a date fact 'request.date'" in err
    alone = tmp_path / "alone.yaml"
    alone.write_text(renamed, encoding="utf-8")
    assert cli("validate", str(alone))[0] == 0  # one version alone picks none: nothing to say


def test_no_version_in_force_says_how_to_name_one(tmp_path: Path) -> None:
    case = tmp_path / "early.json"
    case.write_text(json.dumps({"request": {"type": "repair", "date": "2025-05-05"}}), encoding="utf-8")
    code, out, err = cli("evaluate", str(case), "--policy-set", str(POLICY.parent))
    assert (code, out) == (2, "")
    assert "no-version-in-force" in err and "--policy FILE" in err


def test_the_commands_given_no_file_take_the_whole_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no file named, validate and check take every version of the set, and schema the
    latest (which evaluate decides under); they took the file named like the bundled
    standard, else the first by name (1.0.0 here)."""
    _set_of_two(tmp_path, POLICY.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("validate")
    assert code == 0, err
    assert "a set of 2 versions: 1.0.0 (approved), 1.1.0 (approved)" in out
    code, out, err = cli("check", "--format", "json")
    assert {Path(f["file"]).name for f in json.loads(out)} == {"service_v1.yaml", "service_v1_1.yaml"}
    code, out, err = cli("schema", "case")
    assert code == 0, err
    assert "radhaus-service 1.1.0" in out


def test_a_question_cites_the_clauses_of_the_request_being_handled(tmp_path: Path) -> None:
    """In a repair intake, the delivery day's question listed the returns clause among the
    clauses behind it (a returns decision reads the same fact)."""
    config = ServerConfig(policy_set=str(POLICY.parent), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8080") as client:
        case = {"request": {"type": "repair", "date": "2026-11-30"}}
        step = client.post("/v1/interview", json={"case": case}).json()
        asked = {q["fact"]: [c["clause"] for c in q["clauses"]] for q in step["questions"]}
        assert asked["order.delivered_on"] == ["warranty.period"]
        case = {"request": {"type": "return", "date": "2026-11-30"}}
        step = client.post("/v1/interview", json={"case": case}).json()
        asked = {q["fact"]: [c["clause"] for c in q["clauses"]] for q in step["questions"]}
        assert "return.window" in asked["order.delivered_on"]


def test_a_clause_written_in_english_is_cited_once(tmp_path: Path) -> None:
    """Its original is its English: the text view printed every clause twice, the page and
    the record likewise."""
    out = _evaluate(HERE / "cases" / "repair.json", "--format", "text")
    assert out.count("1.1 Every e-bike sold by Radhaus") == 1
    config = ServerConfig(policy_set=str(POLICY.parent), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1:8080") as client:
        body = (HERE / "cases" / "repair.json").read_bytes()
        record = client.post(f"/v1/interview/record?as_of={AS_OF}", content=body)
        assert record.status_code == 200 and record.text.count("1.1 Every e-bike sold by Radhaus") == 1


def test_today_is_the_day_in_the_policy_s_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed UTC offset knows no summer time: the shop names its zone, Europe/Berlin.  At
    22:30 UTC on 1 July it is already 2 July in Berlin (+02:00); +01:00 would say 1 July."""
    from datetime import UTC, date, datetime

    from policykit.policy import model
    from policykit.policy.compiler import load_policy

    instant = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def]
            return instant.astimezone(tz)

    monkeypatch.setattr(model, "datetime", Clock)
    assert load_policy(POLICY)[0].today() == date(2026, 7, 2)


def test_interpretations_are_named_as_the_company_numbers_them(tmp_path: Path) -> None:
    """Only INT-n was allowed, the bundled standard's numbering."""
    text = POLICY.read_text(encoding="utf-8").replace(
        "\ndecisions:\n",
        "\ninterpretations:\n  A.3:\n    title: {en: Delivery day}\n"
        "    text: {en: The warranty counts from the day the bike is delivered.}\n\ndecisions:\n",
        1,
    )
    text = text.replace(
        "      - compute: add_months(order.delivered_on, params.warranty_months)\n",
        "      - compute: add_months(order.delivered_on, params.warranty_months)\n        interpretation: A.3\n",
        1,
    )
    policy = tmp_path / "service_v1.yaml"
    policy.write_text(text, encoding="utf-8")
    code, _, err = cli("validate", str(policy))
    assert code == 0, err
    policy.write_text(text.replace("interpretation: A.3", "interpretation: A.4"), encoding="utf-8")
    code, _, err = cli("validate", str(policy))
    assert code == 2 and "A.4" in err


def test_the_sign_offs_are_the_company_s_own(tmp_path: Path) -> None:
    """The four roles of the Chinese cover sheet were fixed (a general manager for a
    two-person shop): a policy lists its own, and an approved version needs every one."""
    text = POLICY.read_text(encoding="utf-8")
    roles = (
        "  approvals:\n    drafted_by: Anna Schmidt\n    reviewed_by: Jonas Weber\n"
        "    approved_by: Jonas Weber\n    general_manager: Jonas Weber\n"
    )
    assert roles in text
    policy = tmp_path / "service_v1.yaml"
    policy.write_text(text.replace(roles, "  approvals:\n    workshop_lead: Anna Schmidt\n    owner: Jonas Weber\n"))
    code, _, err = cli("validate", str(policy))
    assert code == 0, err
    policy.write_text(text.replace(roles, "  approvals:\n    workshop_lead: Anna Schmidt\n    owner: null\n"))
    code, _, err = cli("validate", str(policy))
    assert code == 2 and "an approved policy needs the sign-off 'owner'" in err


def test_a_language_is_asked_for_among_those_the_policy_speaks(tmp_path: Path) -> None:
    """Only zh and en could be asked for (a German standard's de was refused), while a
    language the policy does not speak was taken, and half its words came in another."""
    german = tmp_path / "de.yaml"
    german.write_text(POLICY.read_text(encoding="utf-8").replace("  title:\n    en: ", "  title:\n    de: ", 1))
    case = str(HERE / "cases" / "repair.json")
    code, out, err = cli("evaluate", case, "--policy", str(german), "--lang", "de", "--as-of", AS_OF)
    assert code == 0, err
    assert json.loads(out)["lang"] == "de"
    code, out, err = cli("evaluate", case, "--policy", str(POLICY), "--lang", "zh", "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert "bad-lang: 'zh' is not a language of policy radhaus-service 1.0.0 (it speaks en)" in err
    code, out, err = cli("interview", "--type", "repair", "--lang", "zh", "--policy-set", str(POLICY.parent))
    assert (code, out) == (2, "") and "bad-lang" in err


def test_a_policy_test_naming_no_policy_runs_against_the_latest_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It ran against the file named like the bundled standard, or the first by name: an
    older version (a review's finding)."""
    text = POLICY.read_text(encoding="utf-8")
    folder = _set_of_two(tmp_path, text)
    later = folder / "service_v1_1.yaml"
    later.write_text(later.read_text(encoding="utf-8").replace("    value: 5\n", "    value: 3\n", 1))
    tests = folder / "tests"
    tests.mkdir()
    (tests / "due.yaml").write_text(
        "policykit_tests: 1\nas_of: '2026-09-01'\ntests:\n"
        "  - title: three working days under 1.1.0\n"
        "    case:\n      request: {type: repair, date: '2026-08-03'}\n"
        "      order: {delivered_on: '2025-09-01'}\n      workshop: {received_on: '2026-08-03'}\n"
        "    expect:\n      decisions:\n        repair.due: '2026-08-06'\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("test", str(tests / "due.yaml"))
    assert code == 0, out + err
