"""A policy test that fails is shown on the examples page as ``policykit test`` shows it:
each value as JSON (``null``, ``["a"]``), never Python's ``None`` or ``['a']``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from policykit.docsite.pages import examples_page
from policykit.policy.model import Policy

FAILING = """\
policykit_tests: 1
policy: {file}
as_of: "2026-11-27"
tests:
  - title: a carrier expected where none can be chosen
    case:
      request: {{type: shipment, date: "2026-03-02"}}
      shipment: {{options: []}}
    expect:
      decisions:
        shipment.carrier: SF Express
        shipment.failed_checks: [model_mismatch]
"""


def test_a_failing_test_shows_its_values_as_json(policy: Policy, tmp_path: Path) -> None:
    # a test file of this policy's own file (the bundled copy, where the package is installed)
    (tmp_path / "failing.yaml").write_text(FAILING.format(file=policy.file), encoding="utf-8")
    failures: list[str] = []
    page = examples_page(policy, [], tmp_path, date(2026, 11, 27), failures)
    (marked,) = [line for line in page.splitlines() if "FAIL" in line]
    row = re.sub(r"\\(.)", r"\1", marked)  # the cell's Markdown escapes taken off
    assert "shipment.carrier: expected SF Express, got null" in row
    assert 'expected ["model_mismatch"]' in row
    assert "None" not in row and "['" not in row
    assert len(failures) == 1 and "got null" in failures[0]


def test_an_open_example_asks_its_questions_in_both_languages(policy: Policy, tmp_path: Path) -> None:
    """A worked example left open lists what is still to ask in Chinese and, under it, in
    English; each decision's title and value has its English under it."""
    (tmp_path / "open.json").write_text(
        '{"request": {"type": "fault", "date": "2026-03-02"}, "fault": {"code": "E01"}}', encoding="utf-8"
    )
    page = examples_page(policy, [tmp_path / "open.json"], None, date(2026, 11, 27))
    (zh,) = [line for line in page.splitlines() if line.startswith("尚需询问：")]
    (en,) = [line for line in page.splitlines() if "Still to ask: " in line]
    question = policy.facts["sale.ship_date"].question
    assert question is not None and question.get("zh") in zh and question.get("en") in en
    assert '质保起始日<br><small lang="en">Warranty start</small>' in page
    assert '未知<br><small lang="en">unknown</small>' in page
