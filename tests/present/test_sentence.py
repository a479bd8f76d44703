"""Conditions in words, from the titles and labels of the policy."""

from __future__ import annotations

import pytest

from policykit.policy.model import Policy
from policykit.present.sentence import condition, rule_condition


def test_the_paid_repair_row_reads_as_a_sentence(policy: Policy) -> None:
    row = policy.values["service.type"].rules[1]
    assert rule_condition(policy, row, "zh") == "保修状态为“已过保修期”，或经私自拆卸，或存在保修除外情形"
    assert rule_condition(policy, row, "en") == (
        'warranty status is "out of warranty", or the unit was taken apart, or there are warranty exclusions'
    )


@pytest.mark.parametrize(
    ("source", "zh", "en"),
    [
        ("not fault.disassembled", "未私自拆卸", "the unit was not taken apart"),
        ("sale.shipping_method == 'freight'", "发货方式为“货运”", 'the shipping method is "freight"'),
        (
            "request.date <= warranty.end_date",
            "请求日期不晚于质保截止日",
            "the request day is on or before warranty end",
        ),
        ("len(service.earlier) == 0", "没有此前的维修和更换", "there are no earlier repairs and replacements"),
        ("add_months(request.date, -12) <= request.date", "请求日期前12个月不晚于请求日期", None),
        ("len(between(history, 'date', null, request.date)) > 0", "存在维修更换记录中日期不超过请求日期者", None),
        # the fields of a list's entries by the words the policy gives them, through the values made of it
        (
            "len(where(service.earlier, 'kind', ['repair', 'replacement'])) > 0",
            "存在此前的维修和更换中类别为“维修”或“更换”者",
            'there are earlier repairs and replacements whose kind is "repair" or "replacement"',
        ),
        (
            "len(where(service.in_year, 'fault_code', null)) > 0",
            "存在一年内的维修和更换中故障代码为空值者",
            "there are repairs and replacements within the year with no fault code",
        ),
        ("len(where(service.in_year, 'code', null)) > 0", "存在一年内的维修和更换中“code”为空值者", None),
        # a comparison with no value: "has a value", not "is not nothing" (exploratory test)
        ("shipment.carrier != null", "承运单位不为空值", "carrier has a value"),
        ("shipment.carrier == null", "承运单位为空值", "carrier has no value"),
        # the case's own fault code, told from the fault code of each earlier repair
        (
            "len(where(service.earlier, 'fault_code', fault.code)) >= 1",
            "此前的维修和更换中故障代码为本次故障代码者的数目不小于1",
            "the number of earlier repairs and replacements whose fault code is the reported fault code is at least 1",
        ),
        # a value whose English title reads as one thing ("the options the choice may be is unknown")
        ("not is_known(shipment.candidates)", "可能选定的承运方案未知", "the shortlist of quotes is unknown"),
        (
            "add_months(request.date, -params.complaint_window_months) <= request.date",
            "请求日期前12个月不晚于请求日期",
            "12 months before the request day is on or before the request day",
        ),
        # (docs QA) "not is_known" as "unknown", an empty list as "none", best_per_limit in words
        ("not is_known(transport.claimed_on)", "向承运人索赔日未知", None),
        ("len(coalesce(shipment.options, [])) > 0", "存在承运报价（未知时按无）", None),
        ("len(best_per_limit(shipment.options, 'transit_days', 'cost')) > 0", None, None),
    ],
)
def test_parts_read_in_each_language(policy: Policy, source: str, zh: str | None, en: str | None) -> None:
    said = condition(policy, source, "zh")
    assert said == zh if zh is not None else "(" not in said.replace("（", "") and "best_per_limit" not in said
    if en is not None:
        assert condition(policy, source, "en") == en


def test_mixed_and_or_is_grouped(policy: Policy) -> None:
    row = policy.values["return.decision"].rules[1]
    assert rule_condition(policy, row, "zh").startswith("（质检发现破损，或质检发现私自拆开），且")


def test_every_condition_of_the_policy_has_words(policy: Policy) -> None:
    for value in policy.values.values():
        for rule in value.rules:
            for lang in ("zh", "en"):
                words = rule_condition(policy, rule, lang)
                assert words and "==" not in words and "params." not in words, (value.id, words)


def test_an_outcome_that_takes_another_value_says_so(policy: Policy) -> None:
    """A row computing another value as it is (``compute: fault.recurring``) reads "the same
    as recurring fault", not the value's title alone, which read as "always: recurring"
    (docs QA); any other computation reads as before."""
    from policykit.present.sentence import outcome_words

    assert outcome_words(policy, "fault.recurring", "zh") == "与重复故障相同"
    assert outcome_words(policy, "fault.recurring", "en") == "the same as recurring fault"
    assert outcome_words(policy, "add_days(sale.ship_date, 3)", "zh") == "发货日期加3天"


def test_the_policy_status_reads_in_words_not_as_its_code(policy: Policy) -> None:
    """``policy.status == 'draft'`` (the draft warning's condition) reads 规范状态为“草案”, not
    “draft”: policykit's own words for the statuses; a status it has no words for, as written."""
    from policykit.present.sentence import condition
    from policykit.present.words import show

    assert condition(policy, "policy.status == 'draft'", "zh") == "规范状态为“草案”"
    assert condition(policy, "policy.status != 'approved'", "zh") == "规范状态不为“已批准”"
    assert condition(policy, "policy.status == 'draft'", "en") == 'the policy\'s status is "draft"'
    assert show(policy, "policy.status", "withdrawn", "zh") == "已撤销"
    assert show(policy, "policy.status", "retired", "zh") == "retired"


def test_a_count_that_is_a_sum_keeps_its_unit_and_a_negated_quantity_reads_before(policy: Policy) -> None:
    """Only a named quantity reads by its own words: a sum, a parameter's value or a count
    of entries keeps the unit ("3 plus 1 days after", not "3 plus 1 after"); a fact counted
    back in time reads "before" (not "minus the contract's warranty months after") (review)."""
    from policykit.present.sentence import outcome_words

    source = "add_days(sale.ship_date, params.warranty_start_express_days + 1)"
    assert outcome_words(policy, source, "en") == "3 plus 1 days after the ship date"
    assert outcome_words(policy, "add_days(sale.ship_date, len(history))", "en").endswith(" days after the ship date")
    said = outcome_words(policy, "add_months(sale.ship_date, -sale.warranty_months)", "en")
    assert said == "the contract's warranty months before the ship date"


@pytest.mark.parametrize(
    ("source", "zh", "en"),
    [
        # a count of one in the singular; a parameter by its value
        ("add_months(delivery.date, params.return_window_months)", "收货日加1个月", "1 month after delivery day"),
        ("add_working_days(request.date, 1)", "请求日期后第1个工作日", "1 working day after the request day"),
        ("add_days(request.date, -1)", "请求日期前1天", "1 day before the request day"),
        ("add_days(sale.ship_date, 3)", "发货日期加3天", "3 days after the ship date"),
        # a count that is a named quantity: its words, which name the unit, not "months months"
        (
            "add_months(warranty.start_date, sale.warranty_months)",
            "质保起始日加合同约定的质保月数",
            "the contract's warranty months after warranty start",
        ),
        (
            "add_working_days(request.date, sale.return_days)",
            "请求日期后合同约定的退货天数（按工作日计）",
            "the contract's return days after the request day, counted in working days",
        ),
        # a field of one entry, and of entries written out in a list, by the words of its list
        (
            "add_days(request.date, get(min_by(shipment.options, 'cost'), 'transit_days'))",
            "请求日期加承运报价中运费最小者的运输天数",
            "the days in transit of the one of carrier quotes with the least cost after the request day",
        ),
    ],
)
def test_counted_days_read_in_each_language(policy: Policy, source: str, zh: str, en: str) -> None:
    """A day counted from another reads in the singular for one ("1 months after" on the docs
    site) and by the count's own words where it is a named quantity ("the contract's warranty
    months months after", 合同约定的质保月数个月); the catalogue's words, not the standard's."""
    from policykit.present.sentence import outcome_words

    assert outcome_words(policy, source, "zh") == zh
    assert outcome_words(policy, source, "en") == en


def test_a_list_written_out_of_entries_has_its_fields_worded(policy: Policy) -> None:
    """``shipment.candidates`` (rows that ask, and rows of ``[min_by(...)]``) holds carrier
    quotes: its fields read by their titles (运费, 运输天数), not as codes."""
    said = condition(policy, "len(distinct(pluck(shipment.candidates, 'transit_days'))) == 1", "zh")
    assert "运输天数" in said and "transit_days" not in said
    said = condition(policy, "len(distinct(pluck(shipment.candidates, 'transit_days'))) == 1", "en")
    assert "days in transit" in said and "transit_days" not in said


def test_a_yes_no_value_without_labels_is_quoted_in_english(policy: Policy) -> None:
    """A value titled as a verb phrase ("handle as a complaint") read "handle as a complaint
    is yes"; in quotes, as a question on a form is: the Chinese says 为“是” already."""
    assert condition(policy, "complaint.recommended", "en") == '"handle as a complaint" is yes'
    assert condition(policy, "complaint.recommended", "zh") == "建议按投诉处理为“是”"
    assert condition(policy, "not complaint.recommended", "en") == '"handle as a complaint" is no'


def test_a_field_of_an_entry_is_named_by_its_lists_words(policy: Policy) -> None:
    """``{shipment.choice.cost}`` in a text showed as ⟨shipment.choice.cost⟩ on the docs
    site: a field of a value holding a list's entry reads by the words the list gives it."""
    from policykit.present.sentence import name_words

    assert name_words(policy, "shipment.choice.cost", "en") == "the cost of the chosen option"
    assert name_words(policy, "shipment.choice.transit_days", "zh") == "选定的承运方案的运输天数"
    assert name_words(policy, "sale.warranty_months", "en") == "the contract's warranty months"


def test_a_list_written_out_of_mixed_things_takes_no_fields_words(policy: Policy) -> None:
    """Entries of one list and something else written out together are no list's entries:
    their fields keep their codes (a quote and a date read as carrier quotes) (review)."""
    said = condition(
        policy, "len(distinct(pluck([min_by(shipment.options, 'cost'), sale.ship_date], 'cost'))) == 1", "en"
    )
    assert '"cost"' in said
