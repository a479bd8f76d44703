"""Stage "languages": a text lacking a language the policy speaks is named where it is
written, as a warning (the policy still compiles), and a text in every language is not."""

from __future__ import annotations

from pathlib import Path

from policykit.policy.compiler import load_policy_text

POLICY = Path(__file__).parents[2] / "policies" / "standard_v1.yaml"


def _warnings(text: str) -> list[tuple[int, str, str]]:
    policy, diags = load_policy_text(text.encode("utf-8"), "policy.yaml")
    assert policy is not None, [d.format() for d in diags if d.severity == "error"]
    return [(d.line, d.path, d.message) for d in diags if d.code == "missing-language"]


def _line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def test_the_bundled_policy_has_every_text_in_both_languages() -> None:
    assert _warnings(POLICY.read_text(encoding="utf-8")) == []


def test_a_reason_and_a_label_without_english_are_named_where_they_are_written() -> None:
    text = POLICY.read_text(encoding="utf-8")
    reason = 'because: {zh: "无需换修发货", en: Nothing to ship}'
    label = '"true": {zh: "因使用或操作错误引起", en: "the fault was caused by misuse"}'
    text = text.replace(reason, 'because: {zh: "无需换修发货"}').replace(label, '"true": {zh: "因使用或操作错误引起"}')
    found = _warnings(text)
    assert [(line, path) for line, path, _ in found] == [
        (_line_of(text, '"true": {zh: "因使用或操作错误引起"}'), "facts[fault.misuse].labels.true"),
        (_line_of(text, 'because: {zh: "无需换修发货"}'), "decisions[deadlines.ship_by].rules[2].because"),
    ]
    assert all("no en" in message and "see the zh one" in message for _, _, message in found)


def test_a_policy_speaking_one_language_is_not_asked_for_another() -> None:
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace("    en: Enterprise Service Standard\n", "", 1)
    text = text.replace('because: {zh: "无需换修发货", en: Nothing to ship}', 'because: {zh: "无需换修发货"}')
    assert _warnings(text) == []


def test_a_text_empty_in_every_language_is_named_not_a_crash() -> None:
    text = POLICY.read_text(encoding="utf-8")
    text = text.replace('because: {zh: "无需换修发货", en: Nothing to ship}', 'because: {zh: "", en: ""}')
    line = _line_of(text, 'because: {zh: "", en: ""}')
    assert _warnings(text) == [
        (line, "decisions[deadlines.ship_by].rules[2].because", "this text is empty in every language")
    ]
