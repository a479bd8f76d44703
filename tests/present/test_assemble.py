"""A result in words, rendered lazily: the JSON form renders only what it shows, straight
from the record; the words of a policy in a language are prepared once."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case import read_case
from policykit.engine.decide import decide_case
from policykit.engine.record import CaseRecord, Reason
from policykit.errors import PolicykitError
from policykit.policy.model import Policy, Text
from policykit.present import assemble
from policykit.present.assemble import build_result, wording
from policykit.present.words import render

from ..conftest import ROOT
from .values import SCALARS, VALUES

AS_OF = date(2026, 11, 27)


def _record(policy: Policy) -> CaseRecord:
    case = read_case(policy, json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    return decide_case(policy, case, AS_OF)


def test_the_json_form_renders_no_part_in_full(policy: Policy) -> None:
    result = build_result(_record(policy), "en")
    data = result.to_dict()
    assert data["decisions"] and data["actions"]
    # titles, labels and the parts' objects were never made for it
    assert not {"decisions", "actions", "missing", "assumed", "warnings"} & set(vars(result))
    assert result.decisions[0].title  # read: rendered now, and kept
    assert "decisions" in vars(result)
    assert result.to_dict() == data


def test_words_are_prepared_once_per_policy_and_language(policy: Policy) -> None:
    assert wording(policy, "zh") is wording(policy, "zh")
    assert wording(policy, "zh") is not wording(policy, "en")
    assert wording(policy, "en", "https://docs.example/") is not wording(policy, "en")


def test_a_changed_json_does_not_change_the_next(policy: Policy) -> None:
    """The verbatim clauses are prebuilt once, and every result gets its own copy."""
    record = _record(policy)
    first = build_result(record, "zh").to_dict()
    cite = next(c for d in first["decisions"].values() for c in d["cites"])
    cite["text"] = "changed"
    again = build_result(record, "zh").to_dict()
    assert all(c["text"] != "changed" for d in again["decisions"].values() for c in d["cites"])


# -- a text rendered with the same values is rendered once ------------------------------

# a row's ground: the texts that held, each with its own values
_GROUND = st.lists(
    st.builds(Reason, st.just(Text((("zh", "因 {b}"), ("en", "as {b}")))), st.tuples(st.tuples(st.just("b"), VALUES))),
    max_size=2,
).map(tuple)


def _labelled(policy: Policy) -> str:
    """A value of the policy shown by its labels."""
    return next(name for name, value in policy.values.items() if value.labels)


def test_a_kept_rendering_is_what_rendering_gives(policy: Policy) -> None:
    """For every run of reasons (equal values of different classes, 1 and True, 0.0 and
    -0.0, labelled values, plain and shown placeholders), each reason's words are what
    rendering it afresh gives, whatever was rendered before it."""
    labelled = _labelled(policy)
    label_keys = list(policy.values[labelled].labels)
    text = Text((("zh", "甲 {a}，乙 {" + labelled + "}"), ("en", "a {a}, b {" + labelled + "}")))
    other = Text((("zh", "{a}"), ("en", "only {a}")))
    reason = st.builds(
        Reason,
        st.sampled_from([text, other]),
        st.tuples(
            st.tuples(st.just("a"), st.one_of(VALUES, _GROUND)),
            st.tuples(st.just(labelled), st.one_of(st.sampled_from(label_keys), SCALARS)),
        ),
        st.sampled_from([frozenset(), frozenset({"a"})]),
    )

    @settings(max_examples=300, deadline=None)
    @given(lang=st.sampled_from(["zh", "en"]), days=st.booleans(), reasons=st.lists(reason, min_size=1, max_size=8))
    def check(lang: str, days: bool, reasons: list[Reason]) -> None:
        words = wording(policy, lang, None, days)
        for one in reasons + reasons[::-1]:
            assert words.render(one) == render(policy, one, lang, days)

    check()


def test_the_kept_renderings_are_bounded(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its bound the memo keeps nothing more, and the words are still right."""
    monkeypatch.setattr(assemble, "_RENDERED_SIZE", 5)
    words = assemble.Wording(policy, "en", None, False)
    text = Text((("zh", "第 {n} 天"), ("en", "day {n}")))
    for n in range(20):
        assert words.render(Reason(text, (("n", n),))) == f"day {n}"
    assert len(words._rendered) == 5
    assert words.render(Reason(text, (("n", True),))) != words.render(Reason(text, (("n", 1),)))


def test_shared_json_is_the_same_json(policy: Policy) -> None:
    """``to_dict(fresh=False)`` (what a batch writes out) gives what ``to_dict()`` gives,
    and a fresh result shares nothing with it."""
    record = _record(policy)
    shared = build_result(record, "zh").to_dict(fresh=False)
    fresh = build_result(record, "zh").to_dict()
    assert shared == fresh
    assert json.dumps(shared, ensure_ascii=False) == json.dumps(fresh, ensure_ascii=False)
    assert fresh["policy"] is not shared["policy"]
    pairs = zip(shared["decisions"].values(), fresh["decisions"].values(), strict=True)
    assert all(c is not d for s, f in pairs for c, d in zip(s["cites"], f["cites"], strict=True))


def test_a_result_names_the_policy_file_it_is_given(policy: Policy) -> None:
    record = _record(policy)
    named = build_result(record, "en", policy_file="policies/x.yaml")
    assert named.policy.file == "policies/x.yaml"
    assert named.to_dict()["policy"]["file"] == "policies/x.yaml"
    assert "file" not in build_result(record, "en").to_dict()["policy"]


@pytest.mark.parametrize("days", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_json_built_in_one_pass_is_the_json_of_the_parts(policy: Policy, lang: str, days: bool) -> None:
    """The JSON form built in one pass from the record, shared (what a batch writes) or
    fresh, is, byte for byte, the JSON of the parts rendered in full, for cases with every
    shape of decision (undecided, settled either way, resting on defaults, with steps)."""
    from benchmarks.casegen import generate, generate_edges

    shapes: set[str] = set()
    for raw in [*generate_edges(150, 11), *generate(150, 12)]:
        try:
            record = decide_case(policy, read_case(policy, raw), AS_OF)
        except PolicykitError:
            continue
        shared = build_result(record, lang, None, "ab" * 32, days).to_dict(fresh=False)
        fresh = build_result(record, lang, None, "ab" * 32, days).to_dict()
        full = build_result(record, lang, None, "ab" * 32, days)
        expected = json.dumps({**full.to_dict(), **full.parts_dict()}, ensure_ascii=False)
        assert json.dumps(shared, ensure_ascii=False) == expected == json.dumps(fresh, ensure_ascii=False)
        for d in record.decisions:
            shape = "undecided" if not d.decided else "settled" if d.settled_on else "default" * bool(d.assumed_here)
            shapes.add(shape)
        shapes.update({"steps"} if record.actions else set())
    assert {"undecided", "settled", "default", "steps"} <= shapes


def test_a_text_filled_by_position_is_what_rendering_gives(policy: Policy) -> None:
    """A text whose values show a day is filled by position, the values in the order the
    first reason gave them (:class:`~policykit.present.words.Positional`): for every run of
    reasons (values in either order or another, a placeholder with no value, a name given
    twice, a placeholder shown twice, a ``%`` in the text), each reason's words are what
    rendering it afresh gives."""
    texts = [
        Text((("zh", "{a} 至 {b}"), ("en", "{a} to {b}, 100%"))),
        Text((("zh", "{b}：{a}"), ("en", "{b} before {a} (%s)"))),
        Text((("zh", "{a}{a}"), ("en", "{a} and {a} again, {b}"))),
        Text((("zh", "{a}、{b}、{c}"), ("en", "{c}: {a}, {b}"))),
    ]
    day = st.dates(date(2025, 12, 28), date(2026, 1, 3))
    value = st.one_of(day, day, st.integers(-3, 3), st.text(max_size=3), SCALARS)

    def named(order: list[str], size: int, shown: list[Any], twice: bool) -> tuple[tuple[str, Any], ...]:
        pairs = tuple(zip(order[:size], shown, strict=False))
        return pairs + ((order[0], shown[-1]),) if twice else pairs

    values = st.builds(
        named, st.permutations("abc"), st.integers(1, 3), st.lists(value, min_size=3, max_size=3), st.booleans()
    )
    reason = st.builds(Reason, st.sampled_from(texts), values)

    @settings(max_examples=300, deadline=None)
    @given(lang=st.sampled_from(["zh", "en"]), days=st.booleans(), reasons=st.lists(reason, min_size=1, max_size=8))
    def check(lang: str, days: bool, reasons: list[Reason]) -> None:
        words = assemble.Wording(policy, lang, None, days)  # a fresh one: the order is learned anew
        for one in reasons + reasons[::-1]:
            assert words.render(one) == render(policy, one, lang, days)

    check()


def test_a_fresh_result_shares_no_step_with_another(policy: Policy) -> None:
    """A step's JSON kept for the next result (a step with no values and no due day) is
    copied into a fresh result, its clauses too; a shared one is the one kept."""
    record = _record(policy)
    assert any(a.due is None and not a.text.values for a in record.actions)
    for _ in range(2):  # the second time from the kept steps
        fresh = build_result(record, "zh").to_dict()
        shared = build_result(record, "zh").to_dict(fresh=False)
        again = build_result(record, "zh").to_dict(fresh=False)
        assert fresh == shared
        assert all(f is not s for f, s in zip(fresh["actions"], shared["actions"], strict=True))
        assert all(
            c is not d
            for f, s in zip(fresh["actions"], shared["actions"], strict=True)
            for c, d in zip(f["cites"], s["cites"], strict=True)
        )
        kept = [a for a in record.actions if a.due is None and not a.text.values]
        assert kept and all(
            s is a
            for s, a, step in zip(shared["actions"], again["actions"], record.actions, strict=True)
            if step in kept
        )


def test_a_step_showing_a_list_is_worded_not_kept(tmp_path: Any) -> None:
    """A step's text may show a value of any kind a policy works out, a list among them:
    such a step is worded each time (a kept step is looked up by its record, and a list
    cannot be part of a key), in both languages, a second time as the first."""
    from policykit.policy.compiler import load_policy

    from ..conftest import edited_policy

    shown = "{service.type}"
    path = edited_policy(
        tmp_path,
        (f'告知客户所能提供的服务类别：{shown}"', f'告知客户所能提供的服务类别：{shown} {{service.codes_in_year}}"'),
        (f'type of service offered: {shown}"', f'type of service offered: {shown} {{service.codes_in_year}}"'),
    )
    policy, _ = load_policy(path)
    record = _record(policy)
    [step] = [a for a in record.actions if a.id == "tell-service-type"]
    assert any(isinstance(v, list) for _, v in step.text.values)
    for lang in ("zh", "en", "zh"):
        first = build_result(record, lang).to_dict(fresh=False)
        assert next(a for a in first["actions"] if a["id"] == "tell-service-type")["text"]
        assert build_result(record, lang).to_dict() == first
