"""A template made ready to fill (:class:`Filler`) gives what filling its pieces gives,
for every value a placeholder can show: labelled or not, plain or shown, of every class,
put in one by one or by one ``format`` call."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.record import Reason
from policykit.lang.values import Unknown, few_lists
from policykit.policy.model import Policy, Text
from policykit.present.words import Filler, fill, fmt, show, template

from .values import VALUES

# literal braces that are no placeholder, a name shown twice, a name the values lack
_TEMPLATES = [
    "甲 {a}，乙 {b}",
    "{a}{a} {} {{a}} }{ {b",
    "only {c} and {b}",
    "{a}",
    "{a} {c} {d}",  # d: a name the reason gives no value for
]


def test_a_ready_template_fills_as_its_pieces_do(policy: Policy) -> None:
    labelled = next(name for name, value in policy.values.items() if value.labels)
    label_keys = [key for key, _ in policy.values[labelled].labels]
    # an unknown of no known values, and one of a few (labelled values among them)
    unknowns = st.builds(
        Unknown,
        st.just(frozenset({"x"})),
        st.one_of(st.none(), st.frozensets(st.sampled_from([*label_keys, "free"]), min_size=1, max_size=2)),
    )
    value = st.one_of(VALUES, st.sampled_from(label_keys), unknowns)

    @settings(max_examples=400, deadline=None)
    @given(
        form=st.sampled_from(_TEMPLATES),
        lang=st.sampled_from(["zh", "en"]),
        days=st.booleans(),
        shown=st.tuples(value, value, value),
        plain=st.sampled_from([frozenset(), frozenset({"a"})]),
        b_labelled=st.booleans(),
    )
    def check(
        form: str, lang: str, days: bool, shown: tuple[object, object, object], plain: frozenset[str], b_labelled: bool
    ) -> None:
        b = labelled if b_labelled else "b"
        text = form.replace("{b}", "{" + b + "}")
        pieces = template(text)
        reason = Reason(Text((("zh", text), ("en", text))), (("a", shown[0]), (b, shown[1]), ("c", shown[2])), plain)
        expected = fill(policy, pieces, reason, lang, days)
        filler = Filler(policy, pieces, lang, days)
        assert filler(reason) == expected
        assert filler.known(reason, tuple(v.__class__ for _, v in reason.values)) == expected

    check()


def test_an_unknown_list_of_few_values_is_shown_as_each_list_in_words(policy: Policy) -> None:
    """An unknown collected list is shown as the lists it may be, each by its items'
    labels, never as the hashable stand-in it holds them by."""
    listed = next(name for name, value in policy.values.items() if value.labels and value.type == "list")
    keys = [key for key, _ in policy.values[listed].labels][:2]
    unknown = Unknown(frozenset(["f"]), few_lists([keys[0]], [(1, keys[1])]))
    shown = show(policy, listed, unknown, "en")
    first, second = (policy.values[listed].label(k, "en") for k in keys)
    assert first is not None and second is not None
    assert shown.split(" / ") == sorted([first, show(policy, listed, [keys[0], keys[1]], "en")])
    assert "(" not in shown and "'" not in shown


def test_a_number_is_shown_as_people_write_it(policy: Policy) -> None:
    """A whole number given as a float shows as the integer (a cost of 180.0 as 180; -0.0,
    which a case may give for a cost of at least 0, as 0); any other as Python writes it;
    a template shows it so too, on each of its roads."""

    @settings(max_examples=200, deadline=None)
    @given(st.floats(allow_nan=False, allow_infinity=False))
    def check(number: float) -> None:
        shown = fmt(policy, number, "en")
        if number.is_integer() and abs(number) < 1e15:
            assert shown == str(int(number)) and "." not in shown and shown != "-0"
        else:
            assert shown == str(number)
        pieces = template("cost {c}")
        reason = Reason(Text((("en", "cost {c}"), ("zh", "费用 {c}"))), (("c", number),))
        assert fill(policy, pieces, reason, "en") == f"cost {shown}"
        filler = Filler(policy, pieces, "en", False)
        assert filler(reason) == filler.known(reason, (float,)) == f"cost {shown}"

    check()
