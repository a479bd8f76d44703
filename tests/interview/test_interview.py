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
from policykit.interview.core import Question, _purpose, set_answer, step
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.server.app import create_app
from policykit.server.config import ServerConfig

from ..conftest import POLICY_FILE, ROOT, cli, edited_text

AS_OF = date(2026, 11, 27)
FAULT: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))


def test_first_the_request_then_what_most_decisions_need(policy: Policy) -> None:
    assert [q.fact for q in step(policy, {}, AS_OF).questions] == ["request.type", "request.date"]
    first = step(policy, {"request": {"type": "fault", "date": "2026-02-10"}}, AS_OF)
    assert first.errors == [] and first.result is not None
    missing = {m.fact for m in first.result.missing}
    needs = [len(q.needed_for) for q in first.questions if q.fact in missing]
    assert needs == sorted(needs, reverse=True)
    asked = [q.fact in missing for q in first.questions]
    assert asked == sorted(asked, reverse=True), "the missing facts come first"
    assert first.questions[0].fact == "sale.ship_date"
    assert all(q.text and not q.text.startswith(("sale.", "fault.")) for q in first.questions)


def test_every_request_type_asks_only_what_its_decisions_need(policy: Policy) -> None:
    for kind in policy.facts["request.type"].values:
        current = step(policy, {"request": {"type": kind, "date": "2026-03-02"}}, AS_OF)
        _, actions, warnings = policy.plan(kind)
        decisions = {d.id for d in policy.decisions_for(kind)}
        purposes = {_purpose(policy, name, "zh") for name in decisions | {a.id for a in (*actions, *warnings)}}
        assert current.result is not None
        missing = {m.fact: m for m in current.result.missing}
        for q in current.questions:
            if q.fact in missing:
                assert set(missing[q.fact].needed_for) & (decisions | {"register-customer"}), (kind, q.fact)
            else:  # read through coalesce/is_known: it decides one of this request's decisions or steps
                assert q.needed_for and set(q.needed_for) <= purposes, (kind, q.fact)
            assert q.fact not in {"request.type", "request.date"}


# -- facts read through coalesce(...) / is_known(...) are asked too ---------------------------

NO_PROOF: dict[str, Any] = {
    "request": {"type": "fault", "date": "2026-02-10"},
    "sale": {"ship_date": "2025-06-01", "shipping_method": "express"},
    "customer": {"name": "A", "address": "B", "phone": "C"},
    "product": {"model": "D", "has_warranty_card": False, "has_company_mark": False, "origin_proven": False},
    "received_on": "2026-02-13",
}
RETURN: dict[str, Any] = json.loads((ROOT / "examples" / "return.json").read_text(encoding="utf-8"))


def _service_type(current: Any) -> Any:
    return next(d.value for d in current.record.decisions if d.id == "service.type")


def test_a_fact_read_through_coalesce_is_asked_when_it_changes_the_decision(policy: Policy) -> None:
    without = step(policy, NO_PROOF, AS_OF)
    assert "product.serial_number" in [q.fact for q in without.questions]
    assert _service_type(without) == "paid_repair"
    answered = step(policy, set_answer(NO_PROOF, "product.serial_number", "OY300-1"), AS_OF)
    assert "product.serial_number" not in [q.fact for q in answered.questions]
    assert _service_type(answered) == "free_replacement"  # the answer the interview asked for changed it


def test_a_return_asks_the_day_received_and_the_contracts_period(policy: Policy, tmp_path: Path) -> None:
    case = {k: v for k, v in RETURN.items() if k != "case_id"}
    case["sale"] = {k: v for k, v in RETURN["sale"].items() if k != "delivered_on"}
    asked = [q.fact for q in step(policy, case, date(2026, 3, 2)).questions]
    assert asked[:2] == ["sale.delivered_on", "sale.return_days"]
    config = ServerConfig(policy_set=str(POLICY_FILE.parent), log_db=str(tmp_path / "log.sqlite3"))
    with TestClient(create_app(config), base_url="http://127.0.0.1") as client:
        page = client.post("/v1/interview?as_of=2026-03-02", json={"case": case}).json()
    assert [q["fact"] for q in page["questions"]][:2] == asked[:2]


def test_a_shipment_asks_the_method_the_customer_asked_for(policy: Policy) -> None:
    current = step(policy, {"request": {"type": "shipment", "date": "2026-03-02"}}, AS_OF)
    assert "shipment.customer_requested_method" in [q.fact for q in current.questions]


def test_the_history_is_asked_by_its_question_else_by_its_title(policy: Policy, tmp_path: Path) -> None:
    history = next(q for q in step(policy, FAULT, AS_OF).assumed if q.fact == "history")
    question = policy.facts["history"].question
    assert question is not None and history.text == question.get("zh") and history.kind == "list"
    said = next(line for line in POLICY_FILE.read_text(encoding="utf-8").splitlines() if "此前维修或更换过吗" in line)
    (tmp_path / "p.yaml").write_text(edited_text((said + "\n", "")), encoding="utf-8")
    edited, _ = load_policy(tmp_path / "p.yaml")
    history = next(q for q in step(edited, FAULT, AS_OF).assumed if q.fact == "history")
    title = policy.facts["history"].title
    assert title is not None and history.text == title.get("zh")  # (a list fact with no question)


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
        if text:
            case = set_answer(case, q.fact, parse(q, text))
        else:
            (confirmed if q.assumed else skipped).add(q.fact)
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
    # a default left with Enter stays an assumption: not written as a fact
    assert case["sale"] == {"ship_date": "2025-06-01", "shipping_method": "express"}
    assert case["fault"]["works_normally"] is False
    label = policy.values["service.type"].label("free_replacement", "zh")
    assert label and label in out  # the result is printed at the end


FAULT_TYPED = "2025-06-01\n1\n2026-02-13\nA\nB\nC\nD\nS1\n\n"  # to the first default to confirm


def _terminal(tmp_path: Path, typed: str) -> tuple[str, dict[str, Any]]:
    out_file = tmp_path / "case.json"
    args = ("--type", "fault", "--date", "2026-02-10", "--as-of", "2026-11-27", "--out", str(out_file))
    code, out, err = cli("interview", *args, stdin=typed)
    assert code == 0, err
    return out, json.loads(out_file.read_text(encoding="utf-8"))


def test_enter_on_a_default_leaves_it_assumed_with_its_inspection_step(policy: Policy, tmp_path: Path) -> None:
    out, case = _terminal(tmp_path, FAULT_TYPED + "\n" * 20)
    assert "客户是否私自拆卸过？" in out  # asked, and Enter answered it
    assert "disassembled" not in case.get("fault", {}) and "warranty_months" not in case["sale"]
    assert "history" not in case
    confirm = policy.facts["fault.disassembled"].confirm_step
    text = next(a.text.get("zh") for a in policy.actions if a.id == confirm)
    assert text.split("：")[0] in out  # the step that checks the assumption is still listed
    # the same case on its own keeps the step: the terminal and the page agree
    assert confirm in [a.id for a in step(policy, case, AS_OF).record.actions]  # type: ignore[union-attr]


def test_the_terminal_takes_another_contract_term_after_a_bad_one(tmp_path: Path) -> None:
    out, case = _terminal(tmp_path, FAULT_TYPED + "abc\n24\n" + "\n" * 20)
    assert "'abc'" in out and out.count("合同约定的质保期是几个月？") == 2  # refused, then asked again
    assert case["sale"]["warranty_months"] == 24


def _question(policy: Policy, fact: str) -> Question:
    text = policy.facts[fact].question or policy.facts[fact].title
    assert text is not None
    return Question(fact, "", text.get("zh"), (), (), (), ())


def test_the_terminal_question_mark_shows_the_clauses_and_ctrl_d_stops(tmp_path: Path) -> None:
    code, out, _ = cli("interview", "--type", "fault", "--date", "2026-02-10", stdin="?\n")
    assert code == 0
    assert "[ops.warranty-start]" in out  # the clause behind the ship date
    assert "问询结束" in out and '"type": "fault"' in out


@pytest.mark.parametrize(("as_of", "warned"), [("2026-02-09", True), ("2026-02-10", False), ("2026-03-01", False)])
def test_the_terminal_says_an_as_of_before_the_request_date_as_evaluate_does(as_of: str, warned: bool) -> None:
    code, out, err = cli("interview", "--type", "fault", "--date", "2026-02-10", "--as-of", as_of, stdin="?\n")
    assert code == 0 and '"date": "2026-02-10"' in out  # the case is written all the same
    line = (
        f"<interview>: as-of-before-request: --as-of {as_of} is before the request date 2026-02-10: "
        "decided as of a day before the request was made (a typo?) (at request.date)\n"
    )
    assert (line in err) is warned
    assert ("as-of-before-request" in err) is warned


def test_an_answer_that_leaves_a_case_no_one_can_work_out_is_refused_and_asked_again(tmp_path: Path) -> None:
    """A ship date whose warranty ends past the calendar: the answer is refused with the
    engine's words and the question comes again; the interview goes on and writes the case
    (it ended with exit 2 and nothing written)."""
    out_file = tmp_path / "case.json"
    typed = "9999-12-20\n9998-06-01\n" + "\n" * 30
    code, out, err = cli(
        "interview", "--type", "fault", "--date", "9999-12-31", "--lang", "en", "--out", str(out_file), stdin=typed
    )
    assert code == 0, err
    assert "  ! cannot evaluate this case: add_months(): 9999-12-23 + 12 months is outside the calendar" in out
    assert out.count("On what day did the company ship the unit?") == 2
    assert json.loads(out_file.read_text(encoding="utf-8"))["sale"]["ship_date"] == "9998-06-01"


def test_the_terminal_refuses_an_impossible_date_and_asks_again() -> None:
    code, out, _ = cli("interview", "--type", "fault", "--date", "2026-02-10", stdin="2025-02-30\n2025-06-01\n")
    assert code == 0
    assert "! 发货日期：" in out and "2025-02-30" in out  # the problem placed by the fact's title
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


# -- the terminal's options and its end ---------------------------------------------------


@pytest.mark.parametrize(
    ("options", "where"),
    [
        (("--type", "fault", "--date", "2026-02-30"), "--date: bad-value:"),
        (("--type", "foo", "--date", "2026-02-10"), "--type: schema:"),
        (("--type", "foo"), "--type: schema:"),
        (("--out", "/no/such/folder/case.json"), "/no/such/folder/case.json: not-writable:"),
        (("--out", "."), ".: not-writable:"),
    ],
)
def test_a_bad_option_is_refused_before_any_question(options: tuple[str, ...], where: str) -> None:
    code, out, err = cli("interview", *options, stdin="2025-06-01\n")
    assert code == 2
    assert out == ""
    assert err.strip().startswith(where) and len(err.strip().splitlines()) == 1


def test_enter_on_the_request_day_asks_it_again_and_writes_no_incomplete_case(tmp_path: Path) -> None:
    out_file = tmp_path / "case.json"
    code, out, err = cli("interview", "--out", str(out_file), stdin="1\n\n")
    assert code == 2 and "incomplete" in err
    assert not out_file.exists()
    question = load_policy(POLICY_FILE)[0].facts["request.date"].question
    assert question is not None
    assert out.count(question.get("zh")) == 2  # Enter: asked again


def test_a_day_a_false_condition_reads_is_not_asked(policy: Policy) -> None:
    """A date read only by a warning whose other part is false (no carrier claim) can
    change nothing: not asked; with the claim, it is."""
    case = {"request": {"type": "transport_damage", "date": "2026-03-01"}, "transport": {"damage": "none"}}
    assert "transport.claimed_on" not in [q.fact for q in step(policy, case, date(2026, 3, 5)).questions]
    example = json.loads((ROOT / "examples" / "transport_damage.json").read_text(encoding="utf-8"))
    example["transport"].pop("claimed_on", None)
    assert "transport.claimed_on" in [q.fact for q in step(policy, example, date(2026, 3, 5)).questions]


def test_a_yes_no_fact_only_a_warning_reads_is_asked(tmp_path: Path) -> None:
    """Trying a yes/no fact's values compares the warnings too, not only decisions and steps."""
    text = POLICY_FILE.read_text(encoding="utf-8")
    old = (
        "    when: (transport.claim == 'claim_with_carrier' or not is_known(transport.claim))"
        " and not is_known(transport.claimed_on)"
    )
    assert text.count(old) == 1  # the warning's condition
    text = text.replace(old, old + " and not coalesce(transport.claimed, false)")
    anchor = "  transport.claimed_on:\n"
    assert text.count(anchor) == 1
    fact = '  transport.claimed:\n    type: bool\n    title: {zh: "已向承运人索赔", en: "claimed from the carrier"}\n'
    text = text.replace(anchor, fact + anchor)
    contract = "      transport.claimed_on: {type: date,"
    assert text.count(contract) == 1
    text = text.replace(contract, "      transport.claimed: {type: bool}\n" + contract)
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    edited, _ = load_policy(tmp_path / "p.yaml")
    example = json.loads((ROOT / "examples" / "transport_damage.json").read_text(encoding="utf-8"))
    example["transport"].pop("claimed_on", None)
    asked = [q.fact for q in step(edited, example, date(2026, 3, 5)).questions]
    assert "transport.claimed" in asked


def test_an_out_file_that_cannot_be_written_is_refused_first(tmp_path: Path) -> None:
    """A name too long, or a place no file can be made in, refuses before any question."""
    for out_file in (str(tmp_path / ("a" * 300 + ".json")), "/proc/case.json"):
        code, out, err = cli("interview", "--out", out_file, stdin="fault\n2026-03-01\n")
        assert (code, out) == (2, "")
        assert err.startswith(f"{out_file}: not-writable:") and len(err.strip().splitlines()) == 1
    kept = tmp_path / "kept.json"
    kept.write_text("old", encoding="utf-8")
    code, _, _ = cli("interview", "--out", str(kept), "--type", "foo")
    assert code == 2 and kept.read_text(encoding="utf-8") == "old"  # the check leaves a file as it was
    assert not (tmp_path / "new.json").exists()


@pytest.mark.parametrize("option", ["--type", "--date"])
def test_an_empty_type_or_date_is_refused_before_any_question(option: str) -> None:
    """Given but empty, it was taken for "ask it", and the interview ended later with exit 2."""
    code, out, err = cli("interview", option, "", stdin="fault\n2026-02-10\n")
    assert (code, out) == (2, "")
    assert err == f"{option}: bad-value: {option} is empty: give a value, or leave it out\n"


def test_the_view_at_the_end_is_the_one_evaluate_gives_of_the_case_written(tmp_path: Path) -> None:
    """The same words, the days with their weekdays (the interview's view left them out)."""
    out_file = tmp_path / "case.json"
    typed = "2025-06-01\n1\n2026-02-13\n" + "\n" * 30
    argv = ["--as-of", "2026-02-12", "--lang", "en"]
    asked = ["interview", "--type", "fault", "--date", "2026-02-10", *argv, "--out", str(out_file)]
    code, out, err = cli(*asked, stdin=typed)
    assert code == 0, err
    shown = out[out.index("Case (no id)") :]
    code, evaluated, err = cli("evaluate", str(out_file), *argv, "--format", "text")
    assert code == 0, err
    assert shown.rstrip("\n") == evaluated.rstrip("\n")
    assert "2025-06-01 Sun" in shown


def test_a_list_entry_is_asked_field_by_field_with_its_choices(tmp_path: Path) -> None:
    """A repair of the history: a day that is none is refused with the case reader's words
    and asked again at once, the kind offers its values numbered (the case format's), a word
    that is none of them is refused; Enter on the first field ends the list (it took any
    text, and a bad entry sent the whole list round again after its last field)."""
    out_file = tmp_path / "case.json"
    blanks = "\n" * 16  # the questions before the history, left to their defaults or skipped
    typed = "2025-06-01\n1\n2026-02-13\n" + blanks + "abc\n2026-02-30\n2026-01-05\n修理\n1\nx1\n\n" + "\n" * 10
    argv = ["interview", "--type", "fault", "--date", "2026-02-10", "--as-of", "2026-02-12", "--out", str(out_file)]
    code, out, err = cli(*argv, stdin=typed)
    assert code == 0, err
    part = out[out.index("此前维修或更换过吗？") :]
    assert "回车 = 无 — 无维修更换记录" in part
    assert "! 'abc' 不是日期（应为 YYYY-MM-DD）" in part
    assert "! '2026-02-30' 不是日历上的日期" in part
    assert "日期、类别、故障代码" in part  # the fields by the words the policy gives them
    assert "  类别\n    1) 维修\n    2) 更换\n" in part
    assert "请输入序号或选项之一：1) 维修, 2) 更换" in part
    case = json.loads(out_file.read_text(encoding="utf-8"))
    assert case["history"] == [{"date": "2026-01-05", "kind": "repair", "fault_code": "x1"}]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_required_field_left_empty_is_asked_again_at_once(tmp_path: Path, lang: str) -> None:
    """A history entry's 类别 left empty was taken, and the case reader refused the entry
    only after the whole list, which was then asked again from its start; a required field
    (the case format's) is now asked again at once, one that may be left out is not (故障代码).
    Each field without choices says what it takes in the interview's language (it showed the
    field's type code: ``日期 (date)``)."""
    out_file = tmp_path / "case.json"
    blanks = "\n" * 16  # the questions before the history, left to their defaults or skipped
    typed = "2025-06-01\n1\n2026-02-13\n" + blanks + "2026-01-05\n\n2\n\n\n" + "\n" * 10
    argv = ["interview", "--type", "fault", "--date", "2026-02-10", "--as-of", "2026-02-12", "--out", str(out_file)]
    code, out, err = cli(*argv, "--lang", lang, stdin=typed)
    assert code == 0, err
    history = "此前维修或更换过吗？" if lang == "zh" else "Has the unit been repaired or replaced before?"
    part = out[out.index(history) :]
    if lang == "zh":
        assert "  日期（年-月-日）\n" in part and "  故障代码（文字）\n" in part
        assert "  类别\n    1) 维修\n    2) 更换\n>   ! 此项必填\n" in part  # (the prompt has no newline)
    else:
        assert "  date (YYYY-MM-DD)\n" in part and "  fault code (text)\n" in part
        assert "! this field is required" in part
    assert "(date)" not in part and "(string)" not in part
    case = json.loads(out_file.read_text(encoding="utf-8"))
    assert case["history"] == [{"date": "2026-01-05", "kind": "replacement"}]


@pytest.mark.parametrize("as_of", [date(1, 1, 5), date(9999, 12, 1)])
def test_a_step_at_the_ends_of_the_calendar_is_worked_out(policy: Policy, as_of: date) -> None:
    """An evaluation day near year 1 or 9999 (a logged decision's, replayed by
    /v1/interview/record; schemathesis found it): the days tried around it stay within
    the calendar, rather than raising ValueError (a 500)."""
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    assert step(policy, case, as_of, "en").questions is not None


def test_an_answered_list_reads_its_fields_in_words(policy: Policy) -> None:
    """The answers so far show a history entry by its fields' words (日期, 类别 维修), not
    the case format's codes (date, kind repair), in either language."""
    from policykit.interview.view import given

    case = {"history": [{"date": "2025-12-01", "kind": "repair", "fault_code": "E1"}]}
    zh, en = (next(g for g in given(policy, case, lang) if g["fact"] == "history") for lang in ("zh", "en"))
    assert zh["value"] == "日期 2025-12-01, 类别 维修, 故障代码 E1"
    assert en["value"] == "date 2025-12-01, kind repair, fault code E1"


def test_a_step_an_answer_decides_is_named_by_its_whole_text(policy: Policy) -> None:
    """A step named as what an answer decides was cut at its first placeholder: "Ship the
    unit (" (发出(); its placeholders now stand by the titles of what they show, marked as
    the docs site marks them; a text that ends on its value ends before it."""
    assert _purpose(policy, "ship-unit", "en") == "Ship the unit (⟨service type⟩)"
    assert _purpose(policy, "ship-unit", "zh") == "发出(〈服务类别〉)"
    tell = policy.actions[[a.id for a in policy.actions].index("tell-service-type")].text.get("en")
    assert _purpose(policy, "tell-service-type", "en") == tell.split(":")[0]
    for step_ in (*policy.actions, *policy.warnings):
        for lang in ("zh", "en"):
            said = _purpose(policy, step_.id, lang)
            assert "{" not in said and not said.endswith(("(", "（")), (step_.id, said)


def test_a_carrier_quote_offers_its_methods_and_refuses_a_cost_that_is_no_number(tmp_path: Path) -> None:
    """A quote's method (the contract's own type, a $ref) was free text (a clerk typed
    "express" in a Chinese interview); it is offered as the kind of a repair is.  A cost that
    is no number was taken, and refused by the case reader after the whole list; it is
    refused at once."""
    out_file = tmp_path / "case.json"
    typed = "2026-04-05\n" + "2\n顺丰\nabc\n180\n1\n" + "\n" * 12
    argv = ["interview", "--type", "shipment", "--date", "2026-04-01", "--as-of", "2026-11-27", "--out", str(out_file)]
    code, out, err = cli(*argv, stdin=typed)
    assert code == 0, err
    assert "  发货方式\n    1) 快寄\n    2) 货运\n" in out
    assert "  用于：承运单位、发货方式、预计到货日\n" in out  # (full-width, as the result's 用于：)
    assert "! 'abc' 不是数字" in out
    case = json.loads(out_file.read_text(encoding="utf-8"))
    assert case["shipment"]["options"] == [{"method": "freight", "carrier": "顺丰", "cost": 180, "transit_days": 1}]


def test_a_problem_of_an_answer_is_placed_by_the_question_not_the_case_formats_path(policy: Policy) -> None:
    """The terminal said "! sale.ship_date: 'abc' is not a date"; it names the fact by its
    title, and an entry of a list by its number and field's words; a path naming no fact
    stays as it is."""
    from policykit.interview.view import place

    ship_date = policy.facts["sale.ship_date"].title
    assert ship_date is not None and place(policy, "sale.ship_date", "zh") == ship_date.get("zh")
    assert place(policy, "shipment.options[0].method", "zh") == "承运报价第 1 项的发货方式"
    assert place(policy, "history[2].kind", "en") == "the kind of entry 3 of repair and replacement history"
    assert place(policy, "nosuch.fact", "en") == "nosuch.fact"
    typed = "abc\n" + "\n" * 30
    out = cli("interview", "--type", "fault", "--date", "2026-02-10", "--as-of", "2026-11-27", stdin=typed)[1]
    assert "  ! 发货日期：'abc' 不是日期" in out and "! sale.ship_date" not in out


def test_a_step_with_a_colon_before_a_value_in_its_middle_is_not_cut(policy: Policy, tmp_path: Path) -> None:
    """Only a text that ends on its one value is cut before it: "Note: {a} before {b}" read
    "Note" (review)."""
    old = 'text: {zh: "发出({service.type})", en: "Ship the unit ({service.type})"}'
    new = (
        'text: {zh: "注意：{service.type} 在 {warranty.end_date} 前发出", '
        'en: "Note: {service.type} ships by {warranty.end_date}"}'
    )
    (tmp_path / "p.yaml").write_text(edited_text((old, new)), encoding="utf-8")
    edited, _ = load_policy(tmp_path / "p.yaml")
    assert _purpose(edited, "ship-unit", "en") == "Note: ⟨service type⟩ ships by ⟨warranty end⟩"


def test_a_number_in_exponent_form_is_a_number() -> None:
    """``1e3`` was refused as no number; infinity is left to the case reader (review)."""
    cost = Question("shipment.cost", "number", "cost", (), (), (), ())
    assert parse(cost, "1e3") == 1000.0 and parse(cost, "2.5") == 2.5 and parse(cost, "7") == 7
    assert parse(cost, "1e999") == "1e999" and parse(cost, "abc") == "abc"


def test_an_entry_the_case_reader_refuses_is_asked_again_not_the_whole_list(tmp_path: Path) -> None:
    """A cost below 0 was refused only after the whole list, which was asked again from its
    start with the entries before it lost; the entry is checked as soon as it is typed, and
    only it is asked again, its problem placed by the list's words (review)."""
    out_file = tmp_path / "case.json"
    typed = "2026-04-05\n" + "2\n德邦\n60\n6\n" + "2\n顺丰\n-5\n1\n" + "1\n顺丰\n180\n1\n" + "\n" * 12
    argv = ["interview", "--type", "shipment", "--date", "2026-04-01", "--as-of", "2026-11-27", "--out", str(out_file)]
    code, out, err = cli(*argv, stdin=typed)
    assert code == 0, err
    assert "! 承运报价第 2 项的运费：-5 太小" in out  # (the second entry typed)
    case = json.loads(out_file.read_text(encoding="utf-8"))
    assert case["shipment"]["options"] == [
        {"method": "freight", "carrier": "德邦", "cost": 60, "transit_days": 6},
        {"method": "express", "carrier": "顺丰", "cost": 180, "transit_days": 1},
    ]


class _Interrupted:
    """A terminal's input whose clerk presses Ctrl-C after ``lines``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)

    def readline(self) -> str:
        if not self.lines:
            raise KeyboardInterrupt
        return self.lines.pop(0) + "\n"


def test_ctrl_c_in_the_terminal_keeps_the_answers_given(tmp_path: Path) -> None:
    """Ctrl-C threw every answer away, even with --out (Ctrl-D kept them)."""
    import io

    from policykit.cli.app import run

    out_file = tmp_path / "case.json"
    out, err = io.StringIO(), io.StringIO()
    argv = ["interview", "--type", "fault", "--date", "2026-02-10", "--out", str(out_file)]
    code = run(argv, out, err, _Interrupted(["2025-06-01", "1"]))  # type: ignore[arg-type]
    assert code == 130 and "interrupted" in err.getvalue()
    case = json.loads(out_file.read_text(encoding="utf-8"))
    assert case["sale"] == {"ship_date": "2025-06-01", "shipping_method": "express"}


def test_ctrl_d_in_a_list_keeps_the_entries_made(tmp_path: Path) -> None:
    """Ctrl-D half way through a carrier quote dropped the quotes typed before it."""
    out_file = tmp_path / "case.json"
    typed = "2026-02-20\n1\n顺丰\n100\n2\n2\n中通\n"  # one quote whole, the next half typed
    code, _, _ = cli("interview", "--type", "shipment", "--date", "2026-02-10", "--out", str(out_file), stdin=typed)
    assert code == 0
    options = json.loads(out_file.read_text(encoding="utf-8"))["shipment"]["options"]
    assert options == [{"method": "express", "carrier": "顺丰", "cost": 100, "transit_days": 2}]


def test_the_terminal_shows_a_clause_with_its_english_beside_in_either_language() -> None:
    """``?`` showed the English alone under --lang en (the original is the Chinese)."""
    policy = load_policy(POLICY_FILE)[0]
    clause = policy.clauses["ops.warranty-start"]
    for lang in ("zh", "en"):
        code, out, _ = cli("interview", "--type", "fault", "--date", "2026-02-10", "--lang", lang, stdin="?\n")
        assert code == 0
        assert clause.zh[:20] in out and clause.en[:20] in out


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026/2/10", "2026-02-10"),
        ("2026.1.10", "2026-01-10"),
        ("2026-2-10", "2026-02-10"),
        ("２０２６－０２－１０", "2026-02-10"),  # a Chinese input method's full-width digits
        ("20260210", "2026-02-10"),  # a phone's number pad has no "-"
        ("2026年2月10日", "2026-02-10"),
        ("2026-02-30", "2026-02-30"),  # as typed: the case reader says it is no day
        ("next week", "next week"),
    ],
)
def test_a_day_is_read_as_people_type_it(typed: str, day: str) -> None:
    from policykit.interview.answers import as_day

    assert as_day(typed) == day


def test_the_terminal_takes_a_day_typed_with_slashes(tmp_path: Path) -> None:
    """2026/2/10, 20260210 and full-width digits were refused: not YYYY-MM-DD."""
    out_file = tmp_path / "case.json"
    code, _, err = cli(
        "interview", "--type", "fault", "--date", "2026-02-10", "--out", str(out_file), stdin="2025/6/1\n1\n"
    )
    assert code == 0, err
    assert json.loads(out_file.read_text(encoding="utf-8"))["sale"]["ship_date"] == "2025-06-01"


def test_ctrl_c_in_a_list_keeps_the_entries_made(tmp_path: Path) -> None:
    """Ctrl-D kept a list's entries made before it, Ctrl-C lost them (a review's finding)."""
    import io

    from policykit.cli.app import run

    out_file = tmp_path / "case.json"
    out, err = io.StringIO(), io.StringIO()
    argv = ["interview", "--type", "shipment", "--date", "2026-02-10", "--out", str(out_file)]
    typed = ["2026-02-20", "1", "顺丰", "100", "2", "2"]  # one quote whole, the next begun
    assert run(argv, out, err, _Interrupted(typed)) == 130  # type: ignore[arg-type]
    options = json.loads(out_file.read_text(encoding="utf-8"))["shipment"]["options"]
    assert options == [{"method": "express", "carrier": "顺丰", "cost": 100, "transit_days": 2}]


def test_the_request_day_given_on_the_command_line_is_read_as_typed(tmp_path: Path) -> None:
    code, out, err = cli("interview", "--type", "fault", "--date", "2026/2/10", stdin="")
    assert code == 0, err
    assert '"date": "2026-02-10"' in out
