"""The interview: questions from the policy in order of need, the same in the terminal and
on the page (one implementation), and a fact an editor adds is asked with no code change."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from policykit.interview.answers import NotAnAnswer, parse
from policykit.interview.core import Question, set_answer, step
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.server.app import create_app
from policykit.server.config import ServerConfig

from ..conftest import POLICY_FILE, ROOT, cli

AS_OF = date(2026, 11, 27)
FAULT: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))


def test_first_the_request_then_what_most_decisions_need(policy: Policy) -> None:
    assert [q.fact for q in step(policy, {}, AS_OF).questions] == ["request.type", "request.date"]
    first = step(policy, {"request": {"type": "fault", "date": "2026-02-10"}}, AS_OF)
    assert first.errors == [] and first.result is not None
    needs = [len(q.needed_for) for q in first.questions]
    assert needs == sorted(needs, reverse=True)
    assert first.questions[0].fact == "sale.ship_date"
    assert all(q.text and not q.text.startswith(("sale.", "fault.")) for q in first.questions)


def test_every_request_type_asks_only_what_its_decisions_need(policy: Policy) -> None:
    for kind in policy.facts["request.type"].values:
        current = step(policy, {"request": {"type": kind, "date": "2026-03-02"}}, AS_OF)
        decisions = {d.id for d in policy.decisions_for(kind)}
        for q in current.questions:
            assert current.result is not None
            missing = next(m for m in current.result.missing if m.fact == q.fact)
            assert set(missing.needed_for) & (decisions | {"register-customer"}), (kind, q.fact)


def test_the_example_has_nothing_left_to_ask_but_its_assumptions(policy: Policy) -> None:
    done = step(policy, FAULT, AS_OF)
    assert done.questions == [] and done.done
    assumed = {q.fact for q in done.assumed}
    assert {"fault.disassembled", "fault.severe_exterior_damage"} <= assumed
    assert all(q.assumed and q.default_reason for q in done.assumed)
    assert done.result is not None
    assert {a.fact for a in done.result.assumed} >= assumed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_answer_gives_the_clis_words(policy: Policy, tmp_path: Path, lang: str) -> None:
    """In the interview's language, as the command gives them in its."""
    case = set_answer(FAULT, "received_on", "2026-02-30")
    problem = step(policy, case, AS_OF, lang).errors
    bad = tmp_path / "case.json"
    bad.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, _, err = cli("evaluate", str(bad), "--lang", lang)
    assert code == 2
    assert problem and problem[0]["path"] == "received_on"
    assert problem[0]["message"] in err


@pytest.mark.parametrize(
    ("kind", "choices", "text", "value"),
    [
        ("enum", (("express", "快寄"), ("freight", "货运")), "2", "freight"),
        ("enum", (("express", "快寄"), ("freight", "货运")), "快寄", "express"),
        ("enum", (("express", "快寄"), ("freight", "货运")), "FREIGHT", "freight"),
        ("bool", ((True, "是"), (False, "否")), "y", True),
        ("bool", ((True, "是"), (False, "否")), "否", False),
        ("int", (), "18", 18),
        ("int", (), "18.5", "18.5"),  # left for the case reader to refuse, in its words
        ("date", (), " 2026-02-10 ", "2026-02-10"),
    ],
)
def test_answers_are_read_by_number_code_or_words(kind: str, choices: Any, text: str, value: Any) -> None:
    assert parse(Question("f", kind, "?", choices, (), (), ()), text) == value


def test_a_choice_that_is_none_of_them_is_refused() -> None:
    with pytest.raises(NotAnAnswer):
        parse(Question("f", "enum", "?", (("a", "A"),), (), (), ()), "3")


def _script(policy: Policy, case: dict[str, Any], answers: dict[str, str]) -> tuple[str, list[str]]:
    """The typed input that answers the interview as ``answers`` says (Enter elsewhere), and
    the facts in the order asked, worked out from the core the terminal uses."""
    lines, order = [], []
    skipped: set[str] = set()
    confirmed: set[str] = set()
    for _ in range(60):
        current = step(policy, case, AS_OF)
        pending = [q for q in current.questions if q.fact not in skipped]
        pending += [q for q in current.assumed if q.fact not in confirmed]
        if not pending:
            break
        q = pending[0]
        order.append(q.fact)
        text = answers.get(q.fact, "")
        lines.append(text)
        if q.assumed:
            confirmed.add(q.fact)
        if text:
            case = set_answer(case, q.fact, parse(q, text))
        elif q.assumed:
            case = set_answer(case, q.fact, q.default)
        else:
            skipped.add(q.fact)
    return "".join(line + "\n" for line in lines), order


def test_the_terminal_asks_in_the_same_order_and_writes_the_case(policy: Policy, tmp_path: Path) -> None:
    answers = {
        "sale.ship_date": "2025-06-01",
        "sale.shipping_method": "1",
        "received_on": "2026-02-13",
        "customer.name": "西安某安防工程公司",
        "customer.address": "西安市",
        "customer.phone": "029-8888 0000",
        "product.model": "OY-IR-300",
        "fault.works_normally": "2",
    }
    start = {"request": {"type": "fault", "date": "2026-02-10"}}
    typed, order = _script(policy, start, answers)
    out_file = tmp_path / "case.json"
    code, out, err = cli(
        "interview",
        "--type",
        "fault",
        "--date",
        "2026-02-10",
        "--as-of",
        "2026-11-27",
        "--out",
        str(out_file),
        stdin=typed,
    )
    assert code == 0, err
    asked = [q.text for f in order for q in [_question(policy, f)]]
    positions = [out.index(text) for text in asked]
    assert positions == sorted(positions), "the terminal asks in the core's order"
    case = json.loads(out_file.read_text(encoding="utf-8"))
    # a default confirmed with Enter is written as given
    assert case["sale"] == {"ship_date": "2025-06-01", "shipping_method": "express", "warranty_months": 12}
    assert case["fault"]["works_normally"] is False
    label = policy.values["service.type"].label("free_replacement", "zh")
    assert label and label in out  # the result is printed at the end


def _question(policy: Policy, fact: str) -> Question:
    text = policy.facts[fact].question
    assert text is not None
    return Question(fact, "", text.get("zh"), (), (), (), ())


def test_the_terminal_question_mark_shows_the_clauses_and_ctrl_d_stops(tmp_path: Path) -> None:
    code, out, _ = cli("interview", "--type", "fault", "--date", "2026-02-10", stdin="?\n")
    assert code == 0
    assert "[ops.warranty-start]" in out  # the clause behind the ship date
    assert "问询结束" in out and '"type": "fault"' in out


def test_the_terminal_refuses_an_impossible_date_and_asks_again() -> None:
    code, out, _ = cli("interview", "--type", "fault", "--date", "2026-02-10", stdin="2025-02-30\n2025-06-01\n")
    assert code == 0
    assert "sale.ship_date" in out and "2025-02-30" in out
    assert out.count("本公司的发货日期是哪天？") == 2
    assert '"ship_date": "2025-06-01"' in out


# -- an editor's new fact is asked by both, with no code change ------------------------------

LIGHTNING = """  fault.lightning:
    type: bool
    title: {zh: "雷击损坏", en: "lightning damage"}
    question: {zh: "设备是否遭雷击损坏？", en: "Was the unit damaged by lightning?"}
"""
ROW = """      - when: fault.lightning
        value: paid_repair
        cites: [warranty.2]
        because: {zh: "雷击损坏：收费维修", en: "Lightning damage: paid repair"}
"""


def _policy_with_lightning(tmp_path: Path) -> Path:
    text = POLICY_FILE.read_text(encoding="utf-8")
    # the new fact is a new optional field of the contract's case format
    anchor = text.index("\n      fault.critical_site:")
    text = text[:anchor] + "\n      fault.lightning: {type: bool, description: damaged by lightning}" + text[anchor:]
    text = text.replace("\n  fault.misuse:\n", "\n" + LIGHTNING + "  fault.misuse:\n", 1)
    anchor = text.index("\n  - id: service.type\n")
    rules = text.index("    rules:\n", anchor) + len("    rules:\n")
    text = text[:rules] + ROW + text[rules:]
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "standard_v1.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_new_fact_is_asked_by_the_page_and_the_terminal(tmp_path: Path) -> None:
    folder = _policy_with_lightning(tmp_path)
    edited, _ = load_policy(folder / "standard_v1.yaml")
    case = {k: v for k, v in FAULT.items()}
    ours = step(edited, case, AS_OF)
    assert [q.fact for q in ours.questions] == ["fault.lightning"]
    # the page: the service's interview step
    config = ServerConfig(policy_set=str(folder), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:  # keyless: loopback only
        page = client.post("/v1/interview", json={"case": case}).json()
    assert [q["fact"] for q in page["questions"]] == ["fault.lightning"]
    assert page["questions"][0]["text"] == "设备是否遭雷击损坏？"
    assert [c["clause"] for c in page["questions"][0]["clauses"]] == ["warranty.2"]
    # the terminal
    case_file = tmp_path / "answered.json"
    code, out, err = cli(
        "interview",
        "--policy-set",
        str(folder),
        "--type",
        "fault",
        "--date",
        "2026-02-10",
        "--out",
        str(case_file),
        stdin="2025-06-01\n1\n" + "\n" * 10 + "1\n" + "\n" * 30,
    )
    assert code == 0, err
    assert "设备是否遭雷击损坏？" in out
    answered = json.loads(case_file.read_text(encoding="utf-8"))
    assert answered["fault"]["lightning"] is True
    label = edited.values["service.type"].label("paid_repair", "zh")
    assert label and label in out
