"""The settings one document is decided under: a record that works as the memo key and
the picklable message to a worker it is (no longer a named tuple, whose class costs a cold
start some 0.1 ms), and the one-document road the CLI takes."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.limits import DEFAULT
from policykit.tools.document import BatchSettings, chooser, evaluate_raw

from ..conftest import POLICY_FILE, ROOT


def test_settings_are_a_hashable_picklable_record_equal_by_their_fields() -> None:
    a = BatchSettings(policy="p.yaml", as_of=date(2026, 11, 27), lang="en")
    b = BatchSettings("p.yaml", None, False, date(2026, 11, 27), "en")
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert a != a._replace(lang="zh") and a._replace(lang="zh").lang == "zh" and a.lang == "en"
    assert pickle.loads(pickle.dumps(a)) == a
    assert a._fields[:4] == ("policy", "policy_set", "allow_draft", "as_of") and a.limits is DEFAULT
    assert BatchSettings() == BatchSettings(None, None, False, None, None, None, False, "json", False, "short", 80)
    with pytest.raises(AttributeError):
        a.lang = "zh"
    assert a != ("p.yaml", None)  # a record, not a tuple


def test_one_document_is_decided_under_the_settings_policy() -> None:
    settings = BatchSettings(policy=str(POLICY_FILE), as_of=date(2026, 11, 27), lang="en")
    raw = (ROOT / "examples" / "fault.json").read_bytes()
    policy, case, result = evaluate_raw(settings, raw, "fault.json", chooser(settings))
    assert case.request_type == "fault" and result.as_of == date(2026, 11, 27)
    assert result.policy.sha256 == policy.sha256
    again = evaluate_raw(settings, raw, "fault.json", generated=False)[2]
    assert again.to_dict() == result.to_dict()  # the interpreter alone gives the same result


@settings(max_examples=2000, deadline=None)
@given(text=st.text(st.sampled_from("a中\n\t \x00\x1b\x7f\x85\u2028\u3000\ud800é"), max_size=12))
def test_a_text_view_is_escaped_as_printable_escapes_it_without_re_where_nothing_needs_it(text: str) -> None:
    from policykit.errors import printable
    from policykit.tools.document import _printable

    assert _printable(text) == printable(text, keep="\n\t")
