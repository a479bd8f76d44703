"""The generated case reader kept in the compile cache: read back, it reads every case as
the reader generated afresh does, and the cache cannot make it run anything the generator
does not write (its code is checked against the generator's whitelist before it runs)."""

from __future__ import annotations

import copy
import json
import keyword
import marshal
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.engine.case_reader import generate
from policykit.engine.case_reader.generate import Unsupported, reader_kept, reader_source
from policykit.engine.case_reader.kept import PART, Kept, made, reader_names
from policykit.engine.case_reader.reader import fact_specs, reader
from policykit.engine.case_reader.vet import ATTRIBUTES, plain_reader_code, vetted
from policykit.policy import cache
from policykit.policy.compiler import load_policy

from ..conftest import POLICY_FILE
from .test_case_reader import GOOD, SEEDS, _typed, schemas, values


def _through_the_cache(kept: Kept) -> Kept:
    """``kept`` as the next run reads it back: marshal's data, parsed again."""
    found = Kept.of(marshal.loads(marshal.dumps(cache.plain_data(kept.data()))))
    assert found is not None
    return found


def _kept_reader(kept: Kept, missing: dict[str, Any]) -> Any:
    names = reader_names(kept, missing, {}, checked=True)
    code = vetted(kept.text, names)
    assert code is not None  # the generator's own text passes the check
    exec(code, names)
    return names["_read"], names


def _read_as(read: Any) -> Any:
    """What a reader gave, each leaf with its class beside it."""
    return None if read is None else (_typed(read[0]), read[1])


def _fresh_reader(schema: Any, facts: Any) -> Any:
    text, names = reader_source(schema, facts)
    exec(compile(text, "<fresh>", "exec"), names)
    return names["_read"]


def test_a_kept_reader_reads_every_case_as_the_reader_generated_afresh() -> None:
    """Over the acceptance cases (good and bad) and the examples; any case format: below."""
    policy, _ = load_policy(POLICY_FILE)
    facts = fact_specs(policy)
    kept = _through_the_cache(reader_kept(policy.case_schema, facts))
    read, names = _kept_reader(kept, {f.name: f.missing for f in facts})
    fresh = _fresh_reader(policy.case_schema, facts)
    for case in SEEDS:
        got, want = read(copy.deepcopy(case)), fresh(copy.deepcopy(case))
        assert (None if got is None else (_typed(got[0]), got[1])) == (
            None if want is None else (_typed(want[0]), want[1])
        )
    compiled = [name for name, _ in kept.sections if names[name].__code__.co_filename == "<case reader>"]
    assert compiled  # the cases had fields read by sections: their kept texts were compiled and checked


@settings(max_examples=300, deadline=None)
@given(schema=schemas, value=values)
def test_for_any_case_format_the_kept_reader_accepts_what_the_generated_one_does(schema: Any, value: Any) -> None:
    root = {
        "type": "object",
        "properties": {"x": schema, "y": {"type": "object", "properties": {f"f{i}": schema for i in range(9)}}},
        "$defs": {"day": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
    }
    try:
        kept = _through_the_cache(reader_kept(root, ()))
    except Unsupported:
        return
    read, _ = _kept_reader(kept, {})
    fresh = _fresh_reader(root, ())
    for case in ({"x": value}, {"y": {"f3": value}}, {"x": value, "y": {"f0": value, "f8": value}}):
        assert (read(case) is None) == (fresh(case) is None)


def test_the_cached_road_neither_imports_nor_runs_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run generates the reader and keeps it; a later run (a new process: a new
    policy object) reads it back and reads cases as the first did."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    first, _ = load_policy(POLICY_FILE, use_cache=True)
    made_first = reader(first)
    assert made_first is not None
    entry = cache.read(cache.key_of(POLICY_FILE.read_bytes()))
    assert entry is not None and Kept.of(entry["kept"][PART]) is not None

    def no_generator(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the reader was generated again")

    monkeypatch.setattr(generate, "reader_kept", no_generator)
    second, _ = load_policy(POLICY_FILE, use_cache=True)
    assert second is not first
    made_second = reader(second)
    assert made_second is not None
    for case in GOOD:
        got, want = made_second(copy.deepcopy(case)), made_first(copy.deepcopy(case))
        assert got is not None and want is not None
        assert (_typed(got.facts), got.given, got.request_type, got.case_id) == (
            _typed(want.facts),
            want.given,
            want.request_type,
            want.case_id,
        )


def _forge(folder: Path, change: Any) -> None:
    """Sign (as only the key's owner can) an entry whose kept reader ``change`` altered."""
    name = cache.key_of(POLICY_FILE.read_bytes())
    entry = cache.read(name)
    assert entry is not None
    data = copy.deepcopy(entry["kept"][PART])
    change(data)
    cache.write(name, {**entry, "kept": {PART: data}})
    assert (folder / Path(str(cache.entry_path(name))).name).exists()


_REACHING = [
    "def _read(d):\n    return __import__('os').system('true')\n",
    "import os\ndef _read(d):\n    return None\n",
    "def _read(d):\n    return d.__class__.__base__.__subclasses__()\n",
    "def _read(d):\n    return _c0.__reduce_ex__(2)\n",
    "def _read(d):\n    return open('/etc/passwd').read()\n",
    "def _read(d):\n    return (lambda: d)()\n",
    "def _read(d):\n    yield d\n",
    "def _read(d):\n    return d.items()\n",
    "def _read(d):\n    return _read.__globals__\n",
    "def _read(d):\n    return (",  # not even Python
    "_c0()\ndef _read(d):\n    return None\n",  # code at the top level
    # what the first check (code objects' names and constants) let through:
    # a class pattern's attribute names are a constant, and MATCH_CLASS reads them (dunders too)
    "match _date:\n    case _date.__class__(__globals__=_p1):\n"
    "        _p1['__builtins__']['getattr'](_p1['__builtins__']['__import__']('os'), 'system')('touch {ran}')\n"
    "def _read(d):\n    return None\n",
    "def _read(d):\n    match d:\n        case {'a': x}:\n            return x\n    return None\n",
    "while 1:\n    break\ndef _read(d):\n    return None\n",  # a loop at the top level
    "import dict\ndef _read(d):\n    return None\n",  # an import of an allowed name
    "def _read(d):\n    _f = lambda: 0\n    return None\n",  # a lambda with nothing free
    "@_date\ndef _read(d):\n    return None\n",  # a decorator
    "def _read(d, _x=_c0):\n    return None\n",  # a default argument
    "def _read(d):\n    global _c0\n    _c0 = 1\n    return None\n",  # a store of a global
    "def _read(d):\n    return [x for x in d]\n",  # a comprehension
    "def _p\u0661(v):\n    return True\ndef _read(d):\n    return None\n",  # a digit that is not 0-9
    "def _c0(d):\n    return None\ndef _read(d):\n    return None\n",  # a function named as a global
    "def _read(d):\n    with d:\n        return None\n",
    "def _read(d):\n    return f'{d}'\n",
    "def _read(d):\n    del d\n    return None\n",
]


@pytest.mark.parametrize("text", _REACHING)
@pytest.mark.parametrize("where", ["reader", "section"])
def test_a_signed_text_that_reaches_out_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str
) -> None:
    """Even an entry with a valid MAC (a stolen key) cannot make the reader run other code:
    the text is refused (the reader generated afresh; a section's case goes to the exact
    reader) and every case reads as before."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    want = [reader(policy)(copy.deepcopy(case)) for case in GOOD]  # type: ignore[misc]
    ran = tmp_path / "ran"  # what a text that got to run would make
    text = text.replace("{ran}", str(ran))

    def change(data: dict[str, Any]) -> None:
        if where == "reader":
            data["text"] = text
        else:
            data["sections"] = [[name, text.replace("_read(d)", f"{name}(d, _facts)")] for name, _ in data["sections"]]

    _forge(tmp_path, change)
    again, _ = load_policy(POLICY_FILE, use_cache=True)
    read = reader(again)
    assert read is not None
    got = [read(copy.deepcopy(case)) for case in GOOD]
    assert not ran.exists()
    if where == "section":  # refused on its first call: each case that has one goes to the exact reader
        assert any(g is None for g in got)
        assert all(
            g is None or (w is not None and _typed(g.facts) == _typed(w.facts)) for g, w in zip(got, want, strict=True)
        )
    else:  # refused: the reader is generated afresh, and kept again
        assert [_typed(g.facts) if g else None for g in got] == [_typed(w.facts) if w else None for w in want]
        entry = cache.read(cache.key_of(POLICY_FILE.read_bytes()))
        assert entry is not None and entry["kept"][PART]["text"] != text


@pytest.mark.parametrize(
    "recipe",
    [["eval", "1"], ["set"], ["fullmatch", "("], ["list", 5], ["missing", 1], [], ["search", 3]],
)
def test_a_signed_recipe_that_is_none_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recipe: Any) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    want = [reader(policy)(copy.deepcopy(case)) for case in GOOD]  # type: ignore[misc]

    def change(data: dict[str, Any]) -> None:
        data["consts"][0][1] = recipe

    _forge(tmp_path, change)
    again, _ = load_policy(POLICY_FILE, use_cache=True)
    read = reader(again)
    assert read is not None
    got = [read(copy.deepcopy(case)) for case in GOOD]
    assert [_typed(g.facts) if g else None for g in got] == [_typed(w.facts) if w else None for w in want]


@pytest.mark.parametrize("recipe", [("eval", "1"), ("set",), ("list", 5), ("missing", 1), ()])
def test_what_is_no_recipe_makes_nothing(recipe: tuple[Any, ...]) -> None:
    with pytest.raises((ValueError, TypeError)):
        made(recipe, {})


_IDENTIFIER = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name) and name not in ("d", "__debug__")  # a local, a constant
)


@settings(max_examples=300, deadline=None)
@given(attribute=_IDENTIFIER, name=_IDENTIFIER)
def test_no_attribute_or_name_outside_the_whitelist_passes(attribute: str, name: str) -> None:
    """Whatever a text reads of an object is one of the attributes the generator writes,
    and whatever it names is a global of the reader or a function it defines."""
    names: dict[str, Any] = {"_c0": frozenset(), "__builtins__": {}}
    code = compile(f"def _read(d):\n    return d.{attribute}\n", "<t>", "exec")
    assert plain_reader_code(code, names) == (attribute in ATTRIBUTES)
    code = compile(f"def _read(d):\n    return {name}(d)\n", "<t>", "exec")
    defined = name == "_read" or (name[:2] in ("_p", "_s") and name[2:].isdigit())
    assert plain_reader_code(code, names) == (name == "_c0" or defined)


def test_the_whitelist_is_the_generators_attributes() -> None:
    """Every attribute the generated code of the bundled policy reads is in the whitelist,
    and every one in the whitelist is read: the two stay the same list."""
    read: set[str] = set()
    policy, _ = load_policy(POLICY_FILE)
    kept = reader_kept(policy.case_schema, fact_specs(policy), ("_g = _given.get(_m)", "return _facts.copy()"))
    for text in (kept.text, *(t for _, t in kept.sections)):
        read |= _attributes(compile(text, "<t>", "exec"))
    assert read == ATTRIBUTES


def _attributes(code: types.CodeType) -> set[str]:
    import dis

    found = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _attributes(const)
    return {str(a) for a in found}


def test_a_cache_entry_keeps_data_only_with_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    assert reader(policy) is not None
    entry = cache.read(cache.key_of(POLICY_FILE.read_bytes()))
    assert entry is not None
    kept = entry["kept"][PART]
    assert cache.plain_data(kept) is kept
    assert json.loads(json.dumps(kept)) == json.loads(json.dumps(Kept.of(kept).data()))  # type: ignore[union-attr]
