"""The interview page as the service desk uses it all day (from an exploratory test by a
helper playing a clerk): a question skipped is at hand again, an answer edited is kept
until another is given, what was typed survives a refusal, the request can be corrected
and the next call begun, a late deadline says so."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page

# the page's browser fixtures (they skip where there is no Chromium) and its helpers
from ..conftest import ROOT
from ..server.test_browser import SHOTS, _answer_from, _fresh, _start, browser, page, server  # noqa: F401

STATE = "JSON.parse(sessionStorage.getItem('policykit-interview'))"


def test_a_skipped_question_still_needed_is_at_hand(page: Page, server: str) -> None:  # noqa: F811
    """Skipping was for good: the page then said every fact had been asked, with the
    decisions still undecided and nothing to answer them by."""
    _start(page, server, "fault", "2026-02-10")
    asked = _answer_from(page, {}, limit=40)  # every question skipped
    assert asked[0] == "sale.ship_date"
    assert page.locator("#finished").is_visible()
    assert "其余问题都已暂不回答" in page.locator("#finished-text").inner_text()
    again = page.locator("#skipped-list li[data-fact='sale.ship_date']")
    assert again.count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-skipped-at-hand-1280.png"), full_page=True)
    again.get_by_role("button", name="现在回答").click()
    page.wait_for_selector("#question[data-fact='sale.ship_date']")
    page.fill("#answer", "2025-06-01")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answered-list li[data-fact='sale.ship_date']")
    assert "sale.ship_date" not in page.evaluate(STATE)["skipped"]


def test_an_answer_edited_is_kept_until_another_is_given(page: Page, server: str) -> None:  # noqa: F811
    """Edit removed the answer at once, and Skip then lost it for good."""
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=2)
    page.locator("#answered-list li[data-fact='sale.ship_date']").get_by_role("button", name="修改").click()
    page.wait_for_selector("#question[data-fact='sale.ship_date']")
    assert page.input_value("#answer") == "2025-06-01"  # the old answer, in its field
    assert page.locator("#skip-button").inner_text() == "保留原答案"
    page.click("#skip-button")
    page.wait_for_selector("#answered-list li[data-fact='sale.ship_date']")
    assert page.evaluate(STATE)["case"]["sale"]["ship_date"] == "2025-06-01"
    # and a new answer replaces it
    page.locator("#answered-list li[data-fact='sale.shipping_method']").get_by_role("button", name="修改").click()
    page.wait_for_selector("#question[data-fact='sale.shipping_method']")
    assert page.locator("#q-input input[value='\"express\"']").is_checked()
    page.check("#q-input input[value='\"freight\"']")
    page.click("#answer-button")
    page.wait_for_function(f"{STATE}.case.sale.shipping_method === 'freight'")


def test_a_refused_answer_keeps_what_was_typed(page: Page, server: str) -> None:  # noqa: F811
    """One bad field of a carrier quote wiped all four; a refused date left the field empty."""
    _start(page, server, "shipment", "2026-02-10")
    for _ in range(10):  # on to the carrier quotes, answering what comes before
        fact = page.locator("#question").get_attribute("data-fact")
        if fact == "shipment.options":
            break
        page.click("#skip-button")
        page.wait_for_function(f"document.querySelector('#question').dataset.fact !== '{fact}'")
    assert page.locator("#question").get_attribute("data-fact") == "shipment.options"
    page.select_option("#item-method", "express")
    page.fill("#item-carrier", "顺丰")
    page.fill("#item-cost", "180元")
    page.fill("#item-transit_days", "1")
    page.click("#answer-button")
    page.wait_for_selector("#q-error", state="visible")
    assert "180元" in page.locator("#q-error").inner_text()
    assert page.input_value("#item-carrier") == "顺丰" and page.input_value("#item-cost") == "180元"
    assert page.input_value("#item-method") == "express" and page.input_value("#item-transit_days") == "1"


def test_the_request_can_be_corrected_and_the_next_call_begun(page: Page, server: str) -> None:  # noqa: F811
    """Once started, the request type and day were never shown nor changeable, and only a
    new tab began the next case (a reload brought the old one back)."""
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01"}, limit=1)
    bar = page.locator("#request-bar")
    assert bar.is_visible() and "2026-02-10" in bar.inner_text() and "故障" in bar.inner_text()
    page.click("#change-request")
    assert page.input_value("#request-date") == "2026-02-10"
    page.fill("#request-date", "2026-02-11")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#request-shown').innerText.includes('2026-02-11')")
    assert page.evaluate(STATE)["case"]["sale"]["ship_date"] == "2025-06-01"  # the answers kept
    page.click("#new-case")
    assert page.locator("#start").is_visible() and page.locator("#decision-list li").count() == 0
    assert page.evaluate(STATE)["case"] == {}
    page.reload()
    assert page.locator("#start").is_visible()  # a reload does not bring the old case back


def test_an_uploaded_case_with_a_bad_request_day_can_be_corrected(
    page: Page,  # noqa: F811
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """It was a dead end: "please correct", with nothing on the page to correct."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"request": {"type": "fault", "date": "2026-02-30"}}), encoding="utf-8")
    _fresh(page, server)
    page.set_input_files("#upload", str(bad))
    page.wait_for_selector("#errors", state="visible")
    assert page.locator("#start").is_visible() and page.input_value("#request-date") == "2026-02-30"
    page.fill("#request-date", "2026-02-10")
    page.keyboard.press("Enter")
    page.wait_for_selector("#question:not([hidden])")
    assert page.locator("#errors").is_hidden()


def test_a_deadline_passed_says_so(page: Page, server: str, tmp_path: Path) -> None:  # noqa: F811
    """The page showed a ship-by day long past as any other day; the CLI says 已逾期 N 天."""
    case = {
        "request": {"type": "fault", "date": "2025-01-06"},
        "sale": {"ship_date": "2024-12-02", "shipping_method": "express"},
        "received_on": "2025-01-06",
    }
    path = tmp_path / "late.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    _fresh(page, server)
    page.set_input_files("#upload", str(path))
    page.wait_for_selector("[data-decision='deadlines.ship_by']")
    assert "已逾期" in page.locator("[data-decision='deadlines.ship_by'] .value").inner_text()
    assert "已逾期" in page.locator("#step-list").inner_text()


def test_a_day_typed_on_a_phone_pad_is_taken(page: Page, server: str) -> None:  # noqa: F811
    """The date fields bring up a number pad, which has no "-": 20250601 was refused."""
    _start(page, server, "fault", "20260210")
    assert page.evaluate(STATE)["case"]["request"]["date"] == "2026-02-10"
    page.fill("#answer", "20250601")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answered-list li[data-fact='sale.ship_date']")
    assert page.evaluate(STATE)["case"]["sale"]["ship_date"] == "2025-06-01"


def test_an_answer_no_question_asks_can_be_edited_and_kept(page: Page, server: str, tmp_path: Path) -> None:  # noqa: F811
    """Edit on an answer the interview would not ask again (the customer's contact) deleted
    it, with no question to answer and no way to keep it (a review's finding)."""
    _fresh(page, server)
    page.set_input_files("#upload", str(ROOT / "examples" / "fault.json"))
    answered = page.locator("#answered-list li[data-fact='customer.contact']")
    answered.wait_for()
    contact = page.evaluate(STATE)["case"]["customer"]["contact"]
    answered.get_by_role("button", name="修改").click()
    page.wait_for_selector("#question[data-fact='customer.contact']")
    assert page.input_value("#answer") == contact
    page.click("#skip-button")  # 保留原答案
    page.wait_for_selector("#answered-list li[data-fact='customer.contact']")
    assert page.evaluate(STATE)["case"]["customer"]["contact"] == contact


def test_a_refused_request_day_stays_typed(page: Page, server: str) -> None:  # noqa: F811
    """The start form emptied the day the service refused (a review's finding)."""
    _fresh(page, server)
    page.fill("#request-date", "2026-02-30")
    page.keyboard.press("Enter")
    page.wait_for_selector("#errors", state="visible")
    assert page.input_value("#request-date") == "2026-02-30"


def test_a_list_answer_takes_another_entry_after_a_reload(page: Page, server: str) -> None:  # noqa: F811
    """ "Add an entry" hung on a question kept in the page's memory: gone after a reload."""
    _fresh(page, server)
    page.set_input_files("#upload", str(ROOT / "examples" / "shipment.json"))
    answered = page.locator("#answered-list li[data-fact='shipment.options']")
    answered.wait_for()
    page.reload()
    answered.wait_for()
    answered.get_by_role("button", name="添加一项").click()
    page.wait_for_selector("#question[data-fact='shipment.options']")
