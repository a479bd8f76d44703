"""The text view for the service desk: laid out to the width, values in words with no
internal codes, weekdays and overdue marks, one language throughout."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.policy.model import Policy
from policykit.policy.origin import origin
from policykit.present.layout import width
from policykit.present.text import WHOLE_CLAUSE, TextOptions, render_text

from ..conftest import ROOT, SHARED, cli

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AS_OF = date(2026, 11, 27)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _view(policy: Policy, path: Path, lang: str = "zh", **options: Any) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    case = read_case(policy, data)
    result = evaluate(policy, case, AS_OF, lang, days=True)
    return render_text(policy, result, lang, case, TextOptions(**options))


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [str(node)] if node is not None else []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("columns", [80, 60, 100])
def test_no_line_is_wider_than_the_terminal(policy: Policy, path: Path, columns: int) -> None:
    for lang in ("zh", "en"):
        for line in _view(policy, path, lang, width=columns).splitlines():
            assert width(line) <= columns, f"{lang} {columns}: {line!r}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_internal_code_by_default_and_codes_on_request(policy: Policy, path: Path) -> None:
    text = _view(policy, path)
    codes = set()
    for value in policy.values.values():
        codes.add(value.id)
        codes.update(v for v in value.values if len(v) > 4)
    codes.update(c for c in policy.clauses if "." in c or "-" in c)
    codes.update(name for name in policy.facts if "." in name)
    data = json.loads(path.read_text(encoding="utf-8"))
    own = set(_strings(data))
    # a word of the standard's own English (cited beside the original in either language:
    # "the customer pays", "shipped by express") is no code where it shows
    words = {c for c in codes for clause in policy.clauses.values() if re.search(rf"\b{re.escape(c)}\b", clause.en)}
    found = {c for c in codes - own - words if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", text)}
    assert not found, found
    assert "⟨" not in text and "[" not in text
    with_codes = _view(policy, path, codes=True)
    assert "⟨" in with_codes
    result_type = data["request"]["type"]
    assert f"[{result_type}]" in with_codes


def test_fault_example_shows_customer_product_weekdays_overdue_and_assumed(policy: Policy) -> None:
    text = _view(policy, ROOT / "examples" / "fault.json")
    head = text.split("\n\n")[0]
    assert "西安某安防工程公司" in head and "王工" in head and "029-8888 0000" in head
    assert "OY-IR-300" in head and "OY300-2025-0001" in head
    assert "故障报修" in head and "2026-02-10 周二" in head
    assert "2026-02-14 周六 · 已逾期 286 天" in text  # Saturday 2026-02-14 was an official working day
    assumed = text.split("推定（案例未给出）\n")[1].split("\n\n")[0]
    assert "  · 私自拆卸: 否（未查实私自拆卸）" in assumed  # by name and default, never as established
    assert "保修除外情形    无" in text  # an empty list is "none", not "-"
    english = _view(policy, ROOT / "examples" / "fault.json", "en")
    assert "2026-02-14 Sat · overdue by 286 days" in english and "Warranty exclusions   none" in english


def test_a_working_day_deadline_names_the_days_it_skipped(policy: Policy, tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    data["request"]["date"] = "2026-09-30"
    data["received_on"] = "2026-09-30"  # National Day holiday follows
    data["sale"]["ship_date"] = "2026-01-05"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    text = _view(policy, path)
    assert "跳过 2026-10-01 周四 节假日" in text
    assert "周末" in text  # the weekend inside the holiday week is named as a weekend


def test_a_deadline_due_today_or_later_is_not_overdue(policy: Policy, tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    data["request"]["date"] = "2026-11-26"
    data["received_on"] = "2026-11-26"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    text = _view(policy, path)
    assert "2026-11-27 周五 · 今天到期" in text  # the fee is quoted 1 working day after receipt
    assert re.search(r"发出期限 +2026-11-30 周一\n", text)  # a paid repair ships within 4 days: not yet due
    assert "已逾期 1 天" in text  # the step due on the day of receipt


def _cases() -> list[tuple[str, dict[str, Any]]]:
    """The examples and the product owner's acceptance cases, each as (name, case)."""
    out = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
    for p in sorted((SHARED / "acceptance" / "cases").glob("*.json")):
        out.append((p.stem, json.loads(p.read_text(encoding="utf-8"))["case"]))
    return out


def _own_words_removed(policy: Policy, data: dict[str, Any], lang: str, tmp_path: Path) -> str:
    """The text view of ``data`` with the case's own values taken out."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    text = _view(policy, path, lang).replace(origin(policy.file), "")  # the policy file's name...
    text = text.replace(Path(policy.file).name, "").replace("policykit", "")  # ...as the bundled one is shown
    for own in sorted(_strings(data), key=len, reverse=True):
        text = text.replace(own, "")
    return text.partition(_CITED[lang])[0]  # the clauses cited: the original, the English beside it


_CITED = {"zh": "依据条款\n", "en": "Clauses cited\n"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "data"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_clause_cited_is_the_chinese_original_with_the_english_beside_it(
    policy: Policy, name: str, data: dict[str, Any], lang: str, tmp_path: Path
) -> None:
    """CONTRACT 2: "cited clause text is always the original Chinese; English is shown
    beside it", in the text view of either language, short or whole."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = json.loads(cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27")[1])
    cited = {c["clause"] for d in result["decisions"].values() for c in d["cites"]}
    cited |= {c["clause"] for a in result["actions"] for c in a["cites"]}
    for clauses in ("short", "full"):
        section = _view(policy, path, lang, clauses=clauses, width=200).partition(_CITED[lang])[2]
        lines = [line.strip(" ·") for line in section.splitlines()]
        for cid in cited:
            clause = policy.clauses[cid]
            zh, en = clause.zh.strip()[:12], clause.en.strip()[:12]
            at = next(i for i, line in enumerate(lines) if line.startswith(zh))
            beside = [line for line in lines[at + 1 : at + 6] if not _CJK.search(line)][:1]  # past its wrapped lines
            assert beside and beside[0].startswith(en), (name, lang, clauses, cid, lines[at : at + 6])
            if clauses == "full" or width(clause.zh) <= WHOLE_CLAUSE:  # the original whole: its English whole too
                joined = " ".join(line for line in lines if not _CJK.search(line))
                assert " ".join(clause.en.split()) in " ".join(joined.split()), (name, lang, clauses, cid)


@pytest.mark.parametrize(("name", "data"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_zh_view_has_no_english_beyond_names_and_case_values(
    policy: Policy, name: str, data: dict[str, Any], tmp_path: Path
) -> None:
    text = _own_words_removed(policy, data, "zh", tmp_path)
    text = text.replace("--clauses full", "").replace(policy.version, "")
    assert not set(re.findall(r"[A-Za-z]{2,}", text)), name


@pytest.mark.parametrize(("name", "data"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_en_view_has_no_chinese_beyond_case_values(
    policy: Policy, name: str, data: dict[str, Any], tmp_path: Path
) -> None:
    text = _own_words_removed(policy, data, "en", tmp_path)
    assert not _CJK.search(text), [line for line in text.splitlines() if _CJK.search(line)]


def test_explain_is_in_the_chosen_language_with_conditions_in_words() -> None:
    code, out, err = cli("evaluate", "examples/fault.json", "--format", "text", "--explain", "--as-of", "2026-11-27")
    assert code == 0, err
    explain = out[out.index("推理过程") :]
    assert "保修状态为“已过保修期”，或经私自拆卸，或存在保修除外情形" in explain
    assert not re.search(r"\b(row|because|cites|undecided|param)\b", explain)
    code, out, err = cli(
        "evaluate", "examples/fault.json", "--format", "text", "--explain", "--lang", "en", "--as-of", "2026-11-27"
    )
    assert 'warranty status is "out of warranty", or the unit was taken apart' in out


def test_explain_json_gives_typed_values() -> None:
    code, out, err = cli("evaluate", "examples/fault.json", "--format", "json", "--explain", "--as-of", "2026-11-27")
    assert code == 0, err
    explain = {e["id"]: e for e in json.loads(out)["explain"]}
    assert explain["deadlines.ship_by"]["value"] == "2026-02-14"
    assert explain["complaint.recommended"]["value"] is False
    assert explain["warranty.exclusions"]["value"] == []
    parts = [p["value"] for r in explain["service.type"]["rules"] for p in r["parts"]]
    assert all(isinstance(v, bool) or v is None for v in parts), parts


def test_unknown_field_is_named_in_the_chosen_language_with_a_suggestion(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    data["sale"]["shiping_method"] = "express"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, out, _ = cli("evaluate", str(path), "--format", "json", "--as-of", "2026-11-27")
    assert any("未知字段 sale.shiping_method" in w and "sale.shipping_method" in w for w in json.loads(out)["warnings"])
    _, out, _ = cli("evaluate", str(path), "--format", "json", "--lang", "en", "--as-of", "2026-11-27")
    assert (
        "unknown field sale.shiping_method ignored (did you mean sale.shipping_method?)" in json.loads(out)["warnings"]
    )


def test_batch_text_prints_one_block_per_case(tmp_path: Path) -> None:
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False) for p in EXAMPLES[:3]]
    batch = tmp_path / "cases.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(batch), "--format", "text", "--as-of", "2026-11-27")
    assert code == 0, err
    assert out.count("\n案例 ") + out.startswith("案例 ") == 3
    assert not out.lstrip().startswith("{")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_fits_the_width_and_shows_list_items_in_words(lang: str) -> None:
    """Every line of ``--explain`` within 80 columns (its continuation indented under it), and
    an item of a list (a repair of the history) as its fields, never Python's repr."""
    code, out, err = cli(
        "evaluate", "examples/complaint.json", "--format", "text", "--explain", "--lang", lang, "--as-of", "2026-11-27"
    )
    assert code == 0, err
    assert all(width(line) <= 80 for line in out.splitlines()), max(out.splitlines(), key=width)
    assert "datetime" not in out and "{'" not in out
    assert "(date: 2026-03-01, kind: repair, fault_code: ir-cut)" in " ".join(out.split())


def test_english_says_today_and_what_a_decision_waits_for_in_plain_words(policy: Policy, tmp_path: Path) -> None:
    """A deadline "due 2026-11-27 Fri · due today" said due twice, and "cannot be decided yet: the ship
    date, the shipping method unknown" read as a list with no verb (exploratory test)."""
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    data["request"]["date"] = data["received_on"] = "2026-11-26"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    text = _view(policy, path, "en")
    assert "2026-11-27 Fri · today" in text and "due today" not in text
    del data["sale"]
    path.write_text(json.dumps(data), encoding="utf-8")
    said = " ".join(_view(policy, path, "en").split())  # (wrapped at 80 columns)
    assert "cannot be decided yet without the ship date, the shipping method" in said


def test_a_short_clause_is_cited_whole_not_by_a_first_sentence_that_may_not_apply(
    policy: Policy, tmp_path: Path
) -> None:
    """A unit shipped by freight cited ops.warranty-start as "Shipped by express: the
    warranty starts on the shipping date plus 3 days." alone (its first sentence); a clause
    that fits in three lines is shown whole, a longer one still by its first sentence."""
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    data["sale"]["shipping_method"] = "freight"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    said = " ".join(_view(policy, path, "en").split())
    assert "Shipped by express: the warranty starts on the shipping date plus 3 days. Shipped by freight:" in said
    narrow = " ".join(_view(policy, path, "en", width=40).split())  # (not undone at a narrow width)
    assert "Shipped by freight: the warranty starts" in narrow
    long = policy.clauses["warranty.3"]
    assert width(long.zh) > 3 * 80 and long.zh not in "".join(_view(policy, path, "zh").split())


def test_the_assumptions_read_as_english(policy: Policy) -> None:
    """Titles and reasons an English reader stumbled on (exploratory test): "opening found:
    no", "customer does not want it: no (Not recorded that the customer still does not want
    it)", "Not found serious", "presumed genuine until staff record a lack", "the customer
    pays sending it in"."""
    text = _view(policy, ROOT / "examples" / "return.json", "en")
    assert "· private opening found: no (" in text
    assert "· the customer still does not want the product: no (" in text
    said = {f: policy.facts[f].default_reason for f in ("complaint.serious", "product.has_warranty_card")}
    assert all(t is not None for t in said.values())
    assert said["complaint.serious"].get("en") == "Not established as serious"  # type: ignore[union-attr]
    assert "record a lack" not in said["product.has_warranty_card"].get("en")  # type: ignore[union-attr]
    assert "pays to send it in" in (policy.values["charges.shipping"].label("company_pays_delivery", "en") or "")


def test_a_case_without_an_id_is_headed_so_not_as_an_unknown_case(policy: Policy, tmp_path: Path) -> None:
    """A case with no case_id was headed "Case unknown" (案例 未知), as if the case were."""
    data = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    del data["case_id"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _view(policy, path, "en").startswith("Case (no id) · fault report · ")
    assert _view(policy, path).startswith("案例 （无编号） · 故障报修 · ")
