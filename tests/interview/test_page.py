"""The interview page in a real browser (the fixtures and helpers of the page's browser
tests): what the terminal does, the page does too."""

from __future__ import annotations

from playwright.sync_api import Page

# the page's browser fixtures (they skip where there is no Chromium) and its helpers
from ..server.test_browser import SHOTS, _answer_from, _fresh, _start, browser, page, server  # noqa: F401


def test_an_assumed_number_can_be_changed_to_another_term(page: Page, server: str) -> None:  # noqa: F811
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=3)
    item = page.locator("#assumed-list li[data-fact='sale.warranty_months']")
    item.get_by_role("button", name="改为…").click()
    page.wait_for_selector("#question[data-fact='sale.warranty_months']")
    page.fill("#answer", "abc")
    page.keyboard.press("Enter")
    page.wait_for_selector("#q-error", state="visible")  # refused with the CLI's words; still asked
    assert page.locator("#question").get_attribute("data-fact") == "sale.warranty_months"
    page.fill("#answer", "24")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answered-list li[data-fact='sale.warranty_months']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-change-number-1280.png"), full_page=True)
    case = page.evaluate("JSON.parse(sessionStorage.getItem('policykit-interview')).case")
    assert case["sale"]["warranty_months"] == 24
    assert page.locator("#assumed-list li[data-fact='sale.warranty_months']").count() == 0


def test_a_server_error_is_not_shown_as_the_clerks_mistake(page: Page, server: str) -> None:  # noqa: F811
    page.route("**/v1/interview?*", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    _fresh(page, server)
    page.fill("#request-date", "2026-02-10")
    page.keyboard.press("Enter")
    page.wait_for_selector("#errors", state="visible")
    shown = page.locator("#errors").inner_text()
    assert "服务暂时出错" in shown and "undefined" not in shown and "请更正" not in shown
    page.screenshot(path=str(SHOTS / "interview-server-error-1280.png"))


def test_a_problem_of_the_request_still_says_what_to_correct(page: Page, server: str) -> None:  # noqa: F811
    problem = '{"type": "about:blank", "title": "expected {case: {...}}", "status": 422}'
    page.route(
        "**/v1/interview?*",
        lambda route: route.fulfill(status=422, body=problem, content_type="application/problem+json"),
    )
    page.goto(f"{server}/?lang=zh")
    page.fill("#request-date", "2026-02-10")
    page.keyboard.press("Enter")
    page.wait_for_selector("#errors", state="visible")
    shown = page.locator("#errors").inner_text()
    assert "请更正" in shown and "expected {case: {...}}" in shown


def test_what_a_question_decides_is_listed_in_the_pages_language(page: Page, server: str) -> None:  # noqa: F811
    """The list of what a question decides is joined with the language's separator: in
    English ', ', not the Chinese '、' the page once wrote in both; after the language's
    colon (用于：, full width, as the terminal and the result write it)."""
    for lang, sep, other, lead in (("en", ", ", "、", "decides: "), ("zh", "、", ", ", "用于：")):
        _start(page, server, "fault", "2026-02-10", lang)
        purpose = page.locator("#q-purpose").inner_text()
        assert sep in purpose and other not in purpose, purpose
        assert purpose.startswith(lead), purpose


def test_a_repair_of_the_history_picks_its_kind_from_the_case_formats_values(page: Page, server: str) -> None:  # noqa: F811
    """The kind of a repair is one of the case format's values, chosen from a list (it was a
    free text field, and a word that is none of them came back as an error of the case)."""
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=3)
    page.locator("#assumed-list li[data-fact='history']").get_by_role("button", name="改为…").click()
    page.wait_for_selector("#question[data-fact='history']")
    kinds = page.locator("select#item-kind option").all_inner_texts()
    assert kinds == ["—", "维修", "更换"]  # the case format's values, by the words the policy gives them
    assert page.locator("label[for='item-kind']").inner_text() == "类别"
    page.fill("#item-date", "2026-01-05")
    page.select_option("#item-kind", "replacement")
    page.fill("#item-fault_code", "no-video")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-history-entry-1280.png"), full_page=True)
    page.click("#answer-button")
    page.wait_for_selector("#answered-list li[data-fact='history']")
    case = page.evaluate("JSON.parse(sessionStorage.getItem('policykit-interview')).case")
    assert case["history"] == [{"date": "2026-01-05", "kind": "replacement", "fault_code": "no-video"}]
    answered = page.locator("#answered-list li[data-fact='history']")
    assert "类别 更换" in answered.inner_text()  # the entry by its fields' words
    # a second entry is added to the first (editing the answer cleared the list: one entry at most)
    answered.get_by_role("button", name="添加一项").click()
    page.wait_for_selector("#question[data-fact='history']")
    page.fill("#item-date", "2026-01-20")
    page.select_option("#item-kind", "repair")
    page.fill("#item-fault_code", "no-video")
    page.click("#answer-button")
    page.wait_for_function("JSON.parse(sessionStorage.getItem('policykit-interview')).case.history.length === 2")
    page.screenshot(path=str(SHOTS / "interview-history-two-entries-1280.png"), full_page=True)
    case = page.evaluate("JSON.parse(sessionStorage.getItem('policykit-interview')).case")
    assert case["history"] == [
        {"date": "2026-01-05", "kind": "replacement", "fault_code": "no-video"},
        {"date": "2026-01-20", "kind": "repair", "fault_code": "no-video"},
    ]


def test_the_count_of_questions_counts_the_one_asked(page: Page, server: str) -> None:  # noqa: F811
    """With every question answered or skipped, changing an assumed answer asked it under
    "还需问 0 项"; the question shown is one still to ask, so it is counted."""
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=40)
    assert page.locator("#question").is_hidden()  # nothing left to ask
    page.locator("#assumed-list li[data-fact='history']").get_by_role("button", name="改为…").click()
    page.wait_for_selector("#question[data-fact='history']")
    assert page.locator("#q-count").inner_text() == "还需问 1 项"
