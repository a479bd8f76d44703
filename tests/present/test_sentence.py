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
            "存在此前的维修和更换中类别为“维修”、“更换”者",
            'there are earlier repairs and replacements whose kind is "repair", "replacement"',
        ),
        (
            "len(where(service.in_year, 'fault_code', null)) > 0",
            "存在一年内的维修和更换中故障代码为空值者",
            "there are repairs and replacements within the year whose fault code is nothing",
        ),
        ("len(where(service.in_year, 'code', null)) > 0", "存在一年内的维修和更换中“code”为空值者", None),
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
