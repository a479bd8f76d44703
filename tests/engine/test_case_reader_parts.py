"""The generated case reader is made in the process that runs it: the compile cache keeps
no reader, and nothing an entry holds (even one with a valid MAC: a stolen key, a writer's
bug) becomes reader code.  What the check of a kept reader text stopped (``vet.py``, gone
with the kept reader) is stopped here by there being no road from the cache to the reader:
each attack below is put in a signed entry and never runs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case_reader import generate, runtime
from policykit.engine.case_reader.parts import made
from policykit.engine.case_reader.reader import reader
from policykit.policy import cache, compiler
from policykit.policy.compiler import load_policy

from ..conftest import POLICY_FILE
from .test_case_reader import GOOD, _typed

_REACHING = [
    "def _read(d):\n    open({ran!r}, 'w').close()\n    return None\n",
    "open({ran!r}, 'w').close()\ndef _read(d):\n    return None\n",  # code at the top level
    "def _read(d):\n    return __import__('os').system('touch {ran}')\n",
    "import os\nos.system('touch {ran}')\ndef _read(d):\n    return None\n",
    # what got past the first check of kept texts (a class pattern's attribute names are a
    # constant, and MATCH_CLASS reads them, dunders too)
    "match _date:\n    case _date.__class__(__globals__=_p1):\n"
    "        _p1['__builtins__']['getattr'](_p1['__builtins__']['__import__']('os'), 'system')('touch {ran}')\n"
    "def _read(d):\n    return None\n",
]


def _facts(read: Any) -> list[Any]:
    return [None if (got := read(copy.deepcopy(case))) is None else _typed(got.facts) for case in GOOD]


@pytest.mark.parametrize("text", _REACHING)
@pytest.mark.parametrize("where", ["kept", "top"])
def test_a_reader_text_in_a_signed_entry_is_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str
) -> None:
    """A reader text signed into the entry (where format 6 kept it, or beside the entry's
    own parts) is data no one reads: the policy still comes from the entry, its reader is
    generated afresh, every case reads as before, and the text never runs."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    want = _facts(reader(policy))
    ran = tmp_path / "ran"
    text = text.replace("{ran!r}", repr(str(ran))).replace("{ran}", str(ran))
    name = cache.key_of(POLICY_FILE.read_bytes())
    entry = cache.read(name)
    assert entry is not None
    forged = {"format": 1, "text": text, "sections": [["_s1", text]], "consts": [["_c0", ["eval", text]]]}
    extra = {"kept": {"case_reader": forged}} if where == "kept" else {"case_reader": forged, "reader": text}
    cache.write(name, {**entry, **extra})
    assert cache.read(name) == {**entry, **extra}  # authentic: the MAC holds

    def no_compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the policy was compiled again, not read from the entry")

    monkeypatch.setattr(compiler, "compile_document", no_compile)
    generated: list[object] = []
    real = generate.reader_parts

    def counted(*args: Any) -> Any:
        generated.append(args)
        return real(*args)

    monkeypatch.setattr(generate, "reader_parts", counted)
    again, _ = load_policy(POLICY_FILE, use_cache=True)
    assert again is not policy
    read = reader(again)
    assert read is not None and len(generated) == 1  # generated here, from the policy's case format
    assert _facts(read) == want
    assert not ran.exists()


def test_reading_cases_writes_nothing_to_the_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry holds the policy alone: reading a case neither adds a reader to it nor
    rewrites it."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    load_policy(POLICY_FILE, use_cache=True)
    name = cache.key_of(POLICY_FILE.read_bytes())
    path = Path(str(cache.entry_path(name)))
    before = path.read_bytes()
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    assert reader(policy) is not None and _facts(reader(policy))
    assert path.read_bytes() == before
    entry = cache.read(name)
    assert entry is not None and "kept" not in entry
    assert sorted(entry) == [
        "calendar",
        "case_schema",
        "data",
        "exprs",
        "format",
        "lines",
        "name",
        "needs",
        "published",
        "sha256",
    ]


@pytest.mark.parametrize("recipe", [("eval", "1"), ("set",), ("list", 5), ("missing", 1), ("fullmatch", "a"), ()])
def test_what_is_no_recipe_makes_nothing(recipe: tuple[Any, ...]) -> None:
    with pytest.raises((ValueError, TypeError)):
        made(recipe, {})


@pytest.mark.parametrize(
    ("recipe", "probe", "want"),
    [
        (("set", ["a", "b"]), "a", True),
        (("search", "^[0-9]{4}$"), "2026", True),
        (("search", "^[0-9]{4}$"), "20260", False),
        (("search", "^[0-9]{4}$"), "2026\n", False),  # $ only at the very end, as RE2 has it
        (("search", "^a+$"), "aaa", True),  # (matched by RE2)
        (("search", "^a+$"), "aaa\n", False),
        (("search", "b"), "abc", True),
    ],
)
def test_a_recipe_makes_its_global(recipe: tuple[Any, ...], probe: str, want: bool) -> None:
    found = made(recipe, {})
    assert (probe in found if recipe[0] == "set" else found(probe) is not None) == want


@pytest.mark.parametrize("pattern", ["^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "^a+$", "b"])
def test_a_kept_search_answers_as_the_search(pattern: str) -> None:
    """A search whose answers are kept (a day's form) finds what the search finds, asked
    once or again, past the bound on what it keeps too."""
    texts = ["2026-01-05", "2026-1-5", "2026-01-05\n", "aaa", "aaa\n", "abc", "", "٢٠٢٦-٠١-٠٥"]
    search, kept = made(("search", pattern), {}), made(("search-kept", pattern), {})
    for _ in range(2):
        assert [kept(t) is None for t in texts] == [search(t) is None for t in texts]


def test_a_kept_search_keeps_a_bounded_number_of_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "MAX_FOUND", 3)
    found = runtime.Found(made(("search", "^[0-9]+$"), {}))
    assert [found[str(n)] for n in range(6)] == [True] * 6
    assert found["x"] is None and len(found) == 3


def _typed_as_before(item: dict[str, str], raw: Any) -> Any:
    """A list fact typed field by field, every field looked at (the reference)."""
    from policykit.lang.dates import parse_date

    def field(kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "date":
            return parse_date(value)
        if kind == "int" and isinstance(value, float):
            raise ValueError("not a whole number")
        if kind == "list" and isinstance(value, list):
            return [dict(e) if isinstance(e, dict) else e for e in value]
        return value

    if not isinstance(raw, list):
        return raw
    return [{k: field(item.get(k, "string"), v) for k, v in e.items()} if isinstance(e, dict) else e for e in raw]


_FIELD = st.one_of(
    st.none(),
    st.sampled_from(["2026-01-05", "2026-02-30", "2026-1-5", "x", 3, 2.0, True, [], [{"a": 1}, 2], {"k": 1}]),
)
_ENTRY = st.dictionaries(st.sampled_from(["day", "count", "parts", "note", "other"]), _FIELD, max_size=5)


@settings(max_examples=400, deadline=None)
@given(raw=st.one_of(st.lists(st.one_of(_ENTRY, _FIELD), max_size=4), _FIELD))
def test_a_list_fact_is_typed_as_field_by_field(raw: Any) -> None:
    """Each entry typed, in its fields' order, or the same ValueError, on a first reading
    and on a second (a day's text read once and kept)."""
    item = {"day": "date", "count": "int", "parts": "list", "note": "string"}
    read = runtime.list_reader(item)
    for _ in range(2):
        try:
            want: Any = ("ok", _typed(_typed_as_before(item, copy.deepcopy(raw))))
        except ValueError:
            want = ("ValueError",)
        try:
            got: Any = ("ok", _typed(read(copy.deepcopy(raw))))
        except ValueError:
            got = ("ValueError",)
        assert got == want
        if want[0] == "ok" and isinstance(raw, list):
            assert [list(e) for e in read(raw) if isinstance(e, dict)] == [list(e) for e in raw if isinstance(e, dict)]


def test_a_kept_search_keeps_no_long_text() -> None:
    """A field of a day's form may hold a text of up to case_bytes, which the pattern
    refuses: such a text is searched, answered, and not kept (8 192 of them would stay)."""
    found = runtime.Found(made(("search", "^[0-9]+$"), {}))
    long_text = "1" * 100_000  # found, and as long as a case may give
    assert found[long_text] is True and found["x" * 100_000] is None
    assert len(found) == 0
    assert found["2026"] is True and len(found) == 1
