"""The docs site builds with --strict from the policy, with every clause anchored, the
worked examples evaluated, and Chinese search."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from policykit.policy.model import Policy
from policykit.present.links import clause_page

from .conftest import ROOT


def build(out: Path, policies: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the checkout's docs, rendering ``policies`` (default: its own)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if policies is not None:
        env["POLICYKIT_DOCS_POLICIES"] = str(policies)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    run = build(out)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_every_clause_has_its_anchor_texts_and_citing_rules(site: Path, policy: Policy) -> None:
    for clause in policy.clauses.values():
        html = (site / clause_page(clause.id) / "index.html").read_text(encoding="utf-8")
        assert f'id="{clause.id}"' in html, clause.id
        section = html[html.index(f'id="{clause.id}"') :]
        nxt = re.search(r'<a id="[^"]+"></a>', section[10:])
        section = section[: nxt.start() + 10] if nxt else section
        assert clause.zh.replace("“", "&ldquo;")[:12] in section or clause.zh[:12] in section, clause.id
        assert clause.en[:20].replace("'", "&#39;") in section or clause.en[:20] in section, clause.id
        if not clause.informational and any(
            c.clause == clause.id for v in policy.values.values() for r in v.rules for c in r.cites
        ):
            assert "Rules that cite it" in section, clause.id


def test_worked_examples_show_results_evaluated_at_build_time(site: Path) -> None:
    html = (site / "examples" / "index.html").read_text(encoding="utf-8")
    assert "deadlines.ship_by" in html and "2026-02-14" in html  # the fault example's working Saturday
    assert "中通" in html  # the shipment example's cheapest carrier in time
    assert re.search(r"\d+ of \d+ pass", html)
    assert "FAIL" not in html


def test_decision_pages_show_rule_tables_and_questions(site: Path) -> None:
    html = (site / "decisions" / "fault" / "index.html").read_text(encoding="utf-8")
    assert 'id="service.type"' in html and "free_replacement" in html
    assert "本公司的发货日期是哪天" in html  # the question for sale.ship_date


def test_cli_reference_has_real_output(site: Path) -> None:
    html = (site / "evaluating" / "index.html").read_text(encoding="utf-8")
    assert "$ policykit evaluate examples/fault.json" in html and "Warranty start" in html
    assert "request.date" in html and "(exit status 2)" in html


def test_search_index_finds_chinese_words(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))

    def tokens(doc: dict[str, str]) -> set[str]:
        return set(re.split(r"[\s\u200b\-]+", doc["title"] + " " + doc["text"]))

    warranty = [d for d in index["docs"] if d["location"].startswith("standard/warranty/")]
    assert any("保修" in tokens(d) for d in warranty)
    everything = set().union(*(tokens(d) for d in index["docs"]))
    assert {"保修", "退货", "工作日"} <= everything


def test_search_leaves_out_the_made_up_revisions_of_the_editing_walkthrough(site: Path) -> None:
    """A customer searching for 保修 must not find the walkthrough's imaginary 18-month
    freight warranty (nor its lightning exclusion, its founding-day holiday...) as if the
    company promised it; the rest of the editing page is still found."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    made_up = ("拾捌个月", "雷击", "司庆日", "courtesy_unit")
    for doc in index["docs"]:
        assert not any(word in doc["text"] or word in doc["title"] for word in made_up), doc["location"]
    editing = [d for d in index["docs"] if d["location"].startswith("editing/")]
    assert any("unknown-name" in d["text"] for d in editing)  # section 3, Validate
    html = (site / "editing" / "index.html").read_text(encoding="utf-8")
    assert "拾捌个月" in html and "data-search-exclude" in html  # shown, only not searched


# A request to another host: an element that loads something, a CSS import or url().
_LOADS = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=[\"'](?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"'](?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//"
)


def test_the_site_asks_no_outside_host_for_anything(site: Path) -> None:
    offenders: list[str] = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and not path.name.endswith(".map"):
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders.extend(f"{path.relative_to(site)}: {m.group(0)}" for m in _LOADS.finditer(text))
    assert not offenders, offenders[:10]
    assert "fonts.googleapis.com" not in (site / "index.html").read_text(encoding="utf-8")


def test_decision_pages_show_conditions_as_sentences(site: Path) -> None:
    html = (site / "decisions" / "fault" / "index.html").read_text(encoding="utf-8")
    assert "保修状态为“已过保修期”，或经私自拆卸，或存在保修除外情形" in html.replace("&ldquo;", "“").replace(
        "&rdquo;", "”"
    )
    assert "决定：故障报修" in html and "自上而下，第一条成立的规则决定结果" in html
    assert "表达式（供规范编辑者）" in html  # the expressions stay available for editors


def test_a_clause_is_titled_by_its_id_and_section(site: Path) -> None:
    """By its own id (a count of the section's clauses would not match the standard's
    numbering: warranty.2.1 came out 4; docs QA), then its section's title."""
    html = (site / "standard" / "ops.exchange" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>ops\.exchange\.conditions\.1 · 换货的条件", html)
    assert 'id="ops.exchange.conditions.1"' in html
    warranty = (site / "standard" / "warranty" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>warranty\.2\.1 · ", warranty) and not re.search(r"<h2[^>]*>保修信息标准 4", warranty)


def test_the_contract_is_published_from_the_schemas(site: Path, policy: Policy) -> None:
    html = (site / "contract" / "index.html").read_text(encoding="utf-8")
    assert "sale.ship_date" in html and "case_sha256" in html
    assert "service.type" in html and "免费更换" in html  # a decision of the contract, its values in words


def test_every_step_and_warning_is_shown_with_its_condition_due_and_clauses(site: Path, policy: Policy) -> None:
    """The procedures are part of the standard: each step of a request type is on its
    decisions page (anchored, with its text, its condition and its clauses), each warning
    too, and a clause a step cites lists that step on its own page."""
    types = list(policy.facts["request.type"].values)
    for rtype in types:
        html = (site / "decisions" / rtype / "index.html").read_text(encoding="utf-8")
        _, actions, warnings = policy.plan(rtype)
        for step in (*actions, *warnings):
            assert f'id="step-{step.id}"' in html, (rtype, step.id)
            row = html[html.index(f'id="step-{step.id}"') :].split("</tr>", 1)[0]
            assert f"<code>{step.id}</code>" in row
            for cite in step.cites:
                assert f"#{cite.clause}" in row, (step.id, cite.clause)
            if step.due is not None:
                cells = row.split("<td")
                assert len(cells) >= 4 and re.sub(r"<[^>]+>|\s", "", cells[3].split(">", 1)[1]), step.id
    cited = {c.clause: step for step in (*policy.actions, *policy.warnings) for c in step.cites}
    assert cited
    for clause, step in cited.items():
        html = (site / clause_page(clause) / "index.html").read_text(encoding="utf-8")
        section = html[html.index(f'id="{clause}"') :]
        nxt = re.search(r'<a id="[^"]+"></a>', section[10:])
        section = section[: nxt.start() + 10] if nxt else section
        assert "Steps that cite it" in section and f"#step-{step.id}" in section, (clause, step.id)


def test_a_clause_names_the_interpretations_that_govern_it_beyond_its_rules(site: Path) -> None:
    """Beyond those of the rules citing it (docs QA: INT-3, INT-16, INT-17 were linked from
    no clause): the calendar's, where a parameter counted in working days cites it; the
    metadata's, where the metadata cites it; one whose text names it."""
    repair = (site / "standard" / "repair-time" / "index.html").read_text(encoding="utf-8")
    section = repair[repair.index('id="repair-time.1"') :]
    assert "interpretations/#int-3" in section[: section.index('<a id="', 5)]  # (up to the next clause)
    notes = (site / "standard" / "notes" / "index.html").read_text(encoding="utf-8")
    section = notes[notes.index('id="notes.3"') :]
    assert "interpretations/#int-17" in section
    start = (site / "standard" / "ops.warranty-start" / "index.html").read_text(encoding="utf-8")
    assert "interpretations/#int-1" in start


def test_a_clause_reads_on_a_phone(site: Path) -> None:
    """At 390 px a clause's original and its English share the table (the Chinese was a
    few characters wide: the decision tables' condition column took the room); in a real
    browser, the site served on 127.0.0.1 and stopped by its PID.  A screenshot goes to
    build/screenshots/ for a person to look at."""
    import shutil
    import socket
    import time

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None and not os.environ.get("CI"):
        pytest.skip("no Chromium here (apt-get install -y chromium fonts-noto-cjk); CI always runs it")
    from playwright.sync_api import sync_playwright

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    served = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 390, "height": 900})
            for _ in range(50):  # the server takes a moment to listen (at most 5 s)
                try:
                    page.goto(f"http://127.0.0.1:{port}/standard/warranty/")
                    break
                except Exception:
                    time.sleep(0.1)
            cells = page.locator("table").first.locator("tbody td")
            widths = [cells.nth(i).bounding_box()["width"] for i in range(2)]  # type: ignore[index]
            shots = ROOT / "build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "docs-clause-390.png"))
            browser.close()
    finally:
        served.kill()
        served.wait()
    assert min(widths) / sum(widths) > 0.4, widths


def test_rules_steps_and_facts_read_in_english_too(site: Path, policy: Policy) -> None:
    """The decision pages give every condition, outcome, reason, step, due day and fact in
    English under the Chinese (they were Chinese only, though the policy has both), and the
    columns' heads in both."""
    html = (site / "decisions" / "fault" / "index.html").read_text(encoding="utf-8")
    english = re.findall(r'<small lang="en">([^<]*)</small>', html)
    assert 'the shipping method is "express"' in english  # a condition
    assert "3 days after the ship date" in english  # an outcome
    assert any(e.startswith("Shipped by express") for e in english)  # a reason
    record = next(s for s in policy.actions if s.id == "record-call")
    assert record.text.get("en") in english  # a step
    question = policy.facts["sale.ship_date"].question
    assert question is not None and question.get("en") in english  # a fact's question
    assert "条件 · condition" in html and "事实、默认值与询问 · Facts, defaults and questions" in html


def test_conditional_citations_and_worked_examples_read_in_english_too(site: Path) -> None:
    """A citation's condition and the worked examples' decisions and values had no English
    beside them (exploratory test)."""
    html = (site / "decisions" / "fault" / "index.html").read_text(encoding="utf-8")
    english = [unescape(e) for e in re.findall(r'<small lang="en">([^<]*)</small>', html)]
    assert "(the case gives the contract's warranty months)" in english
    examples = (site / "examples" / "index.html").read_text(encoding="utf-8")
    english = re.findall(r'<small lang="en">([^<]*)</small>', examples)
    assert "Warranty start" in english and "yes" in english  # a decision's title, a value


def test_the_pages_sentences_and_the_examples_headings_read_in_english_too(site: Path) -> None:
    """A decision page's prose (first matching row decides), a step listed on an assumption,
    the calendar's country, a blank sign-off and the examples' headings were Chinese only, or
    codes (回访 · follow_up, the calendar of CN) (exploratory test)."""
    fault = (site / "decisions" / "fault" / "index.html").read_text(encoding="utf-8")
    english = [unescape(e) for e in re.findall(r'<small lang="en">([^<]*)</small>', fault)]
    assert "First matching row decides." in english
    assert "The decisions of a fault report request, in the order of the result." in english
    assert "listed only while a decision rests on a default this step confirms" in english
    assert "表达式（供规范编辑者） · Expressions (for policy editors)" in unescape(fault)
    calendar = (site / "calendar" / "index.html").read_text(encoding="utf-8")
    assert "按 中国大陆 的官方日历" in calendar and "the official calendar of mainland China" in calendar
    versions = (site / "versions" / "index.html").read_text(encoding="utf-8")
    assert '<em>未填写</em> <small lang="en">blank</small>' in versions
    examples = (site / "examples" / "index.html").read_text(encoding="utf-8")
    headings = [unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", examples)]
    assert "回访 · follow-up · follow_up.json" in headings and "故障报修 · fault report · fault.json" in headings


def test_a_placeholder_of_an_entrys_field_reads_in_words(site: Path) -> None:
    """The shipment reason "cost ⟨shipment.choice.cost⟩" showed the field's code."""
    html = unescape((site / "decisions" / "shipment" / "index.html").read_text(encoding="utf-8"))
    assert "shipment.choice.cost⟩" not in html and "⟨the cost of the chosen option⟩" in html
    assert "〈选定的承运方案的运费〉" in html


def test_a_clause_page_reads_in_english_too(site: Path, policy: Policy) -> None:
    """A clause's page gave the rules, steps, parameters and interpretations that cite or
    govern it in Chinese only (exploratory test): each now has its English under it."""
    html = (site / clause_page("warranty.period") / "index.html").read_text(encoding="utf-8")
    english = [unescape(re.sub(r"<[^>]+>", "", e)) for e in re.findall(r'<small lang="en">(.*?)</small>', html)]
    assert "Parameters set here: The standard warranty of one year = 12" in english
    assert "Warranty status, row 2: otherwise → out of warranty" in english
    assert "原文 · Original" in html and "英文 · English" in html
    governing = policy.interpretations["INT-2"].title.get("en")
    assert governing in unescape(html)
