"""The interview page in a real browser: Playwright driving Debian's Chromium against a real
``policykit serve`` on 127.0.0.1.  Screenshots of the main screens go to build/screenshots/
for a person to look at."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policykit.policy.compiler import load_policy
from policykit.policy.resources import default_policy

from ..conftest import ROOT, cli
from .live import live_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip(
        "no Chromium here (apt-get install -y chromium fonts-noto-cjk); CI always runs these", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

SHOTS = ROOT / "build" / "screenshots"
# the flags a closed network needs: no background connections to anyone's servers
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
]
POLICY = load_policy(default_policy())[0]
FAULT: dict[str, Any] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(Path(tmp_path_factory.mktemp("browser")) / "log.sqlite3") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    yield page
    outside = [u for u in requests if not u.startswith((server, "about:", "blob:", "data:"))]
    assert outside == [], f"the page asked other hosts: {outside}"
    context.close()


def _value(fact: str) -> Any:
    node: Any = FAULT
    for part in fact.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _fresh(page: Page, server: str, lang: str = "zh") -> None:
    """The interview page with nothing kept from an earlier test."""
    page.goto(f"{server}/?lang={lang}")
    page.evaluate("sessionStorage.clear()")
    page.goto(f"{server}/?lang={lang}")


def _start(page: Page, server: str, kind: str, day: str, lang: str = "zh") -> None:
    _fresh(page, server, lang)
    page.select_option("#request-type", kind)
    page.fill("#request-date", day)
    page.keyboard.press("Enter")  # the keyboard alone starts it
    page.wait_for_selector("#decision-list li")


def _answer_from(page: Page, answers: dict[str, Any], limit: int = 20) -> list[str]:
    """Answer each question the page asks by typing or choosing, as a clerk would; skip what
    ``answers`` has no value for.  Returns the facts asked, in order."""
    asked: list[str] = []
    for _ in range(limit):
        form = page.locator("#question")
        if form.is_hidden():
            return asked
        fact = form.get_attribute("data-fact") or ""
        asked.append(fact)
        value = answers.get(fact)
        if value is None:
            page.click("#skip-button")
        elif page.locator("#q-input input[type=radio]").count():
            page.check(f"#q-input input[value='{json.dumps(value)}']")
            page.click("#answer-button")
        else:
            page.fill("#answer", str(value))
            page.keyboard.press("Enter")
        page.wait_for_function(
            f"document.querySelector('#question').dataset.fact !== '{fact}' || "
            "document.querySelector('#question').hidden || "
            "!document.querySelector('#q-error').hidden"
        )
        if page.locator("#q-error").is_visible():
            return asked
    return asked


def _decision(page: Page, decision_id: str) -> str:
    return page.locator(f"[data-decision='{decision_id}'] .value").inner_text()


def _label(decision_id: str, value: str, lang: str = "zh") -> str:
    words = POLICY.values[decision_id].label(value, lang)
    assert words
    return words


def test_fault_intake_gives_free_replacement_and_its_ship_by_day(page: Page, server: str) -> None:
    _start(page, server, "fault", "2026-02-10")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "interview-first-question-1280.png"), full_page=True)
    answers = {name: _value(name) for name in ("sale.ship_date", "sale.shipping_method", "received_on")}
    answers.update({f"customer.{k}": v for k, v in FAULT["customer"].items()})
    answers["product.model"] = FAULT["product"]["model"]
    asked = _answer_from(page, answers)
    assert asked[:2] == ["sale.ship_date", "sale.shipping_method"]  # what most decisions need, first
    assert page.locator("#finished").is_visible()
    assert _decision(page, "service.type") == _label("service.type", "free_replacement")
    ship_by = _decision(page, "deadlines.ship_by")
    assert ship_by.startswith("2026-02-14") and "周六" in ship_by
    page.screenshot(path=str(SHOTS / "interview-done-1280.png"), full_page=True)
    # the same case through the CLI gives the same decisions
    case = page.evaluate("JSON.parse(sessionStorage.getItem('policykit-interview')).case")
    path = SHOTS.parent / "interview-case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("evaluate", str(path), "--format", "json")
    assert code == 0, err
    decisions = json.loads(out)["decisions"]
    assert decisions["service.type"]["value"] == "free_replacement"
    assert decisions["deadlines.ship_by"]["value"] == "2026-02-14"
    shown = page.request.post(f"{server}/v1/interview", data={"case": case}).json()["result"]["decisions"]
    assert {k: v["value"] for k, v in shown.items()} == {k: v["value"] for k, v in decisions.items()}
    # the print view: decided, logged, with the clauses and the decision id
    with page.expect_popup() as popup_info:
        page.click("#record-button")
    record = popup_info.value
    record.wait_for_selector("#decision-id")
    decision_id = record.locator("#decision-id").inner_text()
    text = record.locator("body").inner_text()
    assert "②产品外观没有严重的破损,没有私自拆卸过的" in text
    assert record.locator("#policy-sha").inner_text() == json.loads(out)["policy"]["sha256"]
    assert FAULT["customer"]["name"] in text
    record.screenshot(path=str(SHOTS / "record-1280.png"), full_page=True)
    logged = page.request.get(f"{server}/v1/decisions/{decision_id}").json()
    assert logged["result"]["decisions"]["service.type"]["value"] == "free_replacement"


def test_works_normally_gives_no_fault_found_with_steps(page: Page, server: str) -> None:
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=3)
    item = page.locator("#assumed-list li[data-fact='fault.works_normally']")
    item.get_by_role("button", name="改为 是").click()
    expected = _label("service.type", "no_fault_found")
    page.wait_for_function(
        "(words) => document.querySelector(\"[data-decision='service.type'] .value\").innerText === words",
        arg=expected,
    )
    assert page.locator("#step-list li").count() >= 1
    assert page.locator("#answered-list li[data-fact='fault.works_normally']").count() == 1


def test_an_impossible_date_is_refused_with_the_clis_words(page: Page, server: str) -> None:
    _start(page, server, "fault", "2026-02-10")
    asked = _answer_from(page, {"sale.ship_date": "2025-02-30"}, limit=1)
    assert asked == ["sale.ship_date"]
    message = page.locator("#q-error").inner_text()
    assert "2025-02-30" in message and message.startswith("发货日期：")  # placed by its question's title
    assert "不是日历上的日期" in message  # in the page's language, as the command words it
    assert page.locator("#question").get_attribute("data-fact") == "sale.ship_date"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "interview-error-390.png"))


def test_english_switch_keeps_the_case(page: Page, server: str) -> None:
    _start(page, server, "fault", "2026-02-10")
    _answer_from(page, {"sale.ship_date": "2025-06-01", "sale.shipping_method": "express"}, limit=2)
    page.click("#lang-switch")
    page.wait_for_selector("#decision-list li")
    assert page.locator("html").get_attribute("lang") == "en"
    assert _decision(page, "warranty.status") == _label("warranty.status", "in_warranty", "en")
    assert "Decisions so far" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "interview-en-1280.png"), full_page=True)


def test_a_phone_sized_screen(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    _start(page, server, "return", "2026-03-01")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    page.screenshot(path=str(SHOTS / "interview-390.png"), full_page=True)
    context.close()
