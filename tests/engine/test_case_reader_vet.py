"""The check a kept reader text passes before it runs (:mod:`policykit.engine.case_reader.vet`):
what the generator writes passes it, for any case format; what it never writes does not,
at every layer (the syntax tree, the opcodes, the names); and the sets it allows are what
the generator emits."""

from __future__ import annotations

import ast
import copy
import dis
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from policykit.engine.case_reader import vet
from policykit.engine.case_reader.generate import Unsupported, reader_kept
from policykit.engine.case_reader.kept import PART, Kept
from policykit.engine.case_reader.reader import fact_specs, reader
from policykit.engine.case_reader.vet import (
    FINISH,
    HELPERS,
    NODES,
    OPCODES,
    plain_reader_code,
    plain_reader_tree,
    vetted,
)
from policykit.policy import cache
from policykit.policy.compiler import load_policy

from ..conftest import POLICY_FILE
from .test_case_reader import GOOD, schemas
from .test_case_reader_kept import _forge

_FINISH = (  # the reader's finish lines (reader.py), each of its names used
    "_g = _given.get(_m)",
    "if _g is None: _g = _given_of(_m)",
    "_q = _facts.get('request.type')",
    "if not _checks(_facts, _g, _q): return None",
    "_i = d.get('case_id')",
    "return _new(_Case, (_i if _i.__class__ is str else None, _q if _q.__class__ is str else '', _facts, (), d, _g))",
)
_NAMES = dict.fromkeys(HELPERS | FINISH, 0)
_ALLOWED = {dis.opname[op] for op in OPCODES}


def _texts(kept: Kept) -> list[tuple[str, str | None]]:
    return [(kept.text, None), *((t, n) for n, t in kept.sections)]


def _names(kept: Kept) -> dict[str, Any]:
    return {**_NAMES, **dict.fromkeys([n for n, _ in kept.consts] + [n for n, _ in kept.sections], 0)}


def _root(schema: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"x": schema, "y": {"type": "object", "properties": {f"f{i}": schema for i in range(9)}}},
        "$defs": {"day": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
    }


def _opcodes(code: types.CodeType) -> set[str]:
    found = {i.opname for i in dis.get_instructions(code)}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _opcodes(const)
    return found


def _emitted(kept: Kept) -> tuple[set[type], set[str]]:
    nodes: set[type] = set()
    ops: set[str] = set()
    for text, _ in _texts(kept):
        tree = ast.parse(text)
        nodes |= {n.__class__ for top in tree.body for s in top.body for n in ast.walk(s)}  # type: ignore[attr-defined]
        ops |= _opcodes(compile(text, "<t>", "exec"))
    return nodes, ops


def _bundled() -> Kept:
    policy, _ = load_policy(POLICY_FILE)
    return reader_kept(policy.case_schema, fact_specs(policy), _FINISH)


def test_the_generators_text_for_the_bundled_policy_passes_every_layer() -> None:
    kept = _bundled()
    for text, section in _texts(kept):
        assert vetted(text, _names(kept), section) is not None


@settings(max_examples=300, deadline=None)
@given(schema=schemas)
def test_for_any_case_format_the_generators_text_passes_and_uses_only_what_is_allowed(schema: Any) -> None:
    try:
        kept = reader_kept(_root(schema), (), _FINISH)
    except Unsupported:
        return
    nodes, ops = _emitted(kept)
    assert nodes - {ast.Load, ast.Store} <= NODES and ops <= _ALLOWED
    for text, section in _texts(kept):
        assert vetted(text, _names(kept), section) is not None


_FORMATS = [  # formats that between them reach every node type the check allows
    {"type": "object", "properties": {"a": {"type": "integer", "minimum": -1, "maximum": 3}}},
    {"type": "object", "properties": {"a": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 9}}},
    {"type": "object", "properties": {"a": {"type": "array", "items": {"anyOf": [{"type": "null"}, {"items": {}}]}}}},
]


def test_every_node_type_the_check_allows_is_one_the_generator_emits() -> None:
    """The allowed set is derived from the generator's output: nothing in it is unused."""
    nodes, ops = _emitted(_bundled())
    for root in _FORMATS:
        more = _emitted(reader_kept(root, (), _FINISH))
        nodes, ops = nodes | more[0], ops | more[1]
    assert nodes - {ast.Load, ast.Store} == NODES
    assert ops <= _ALLOWED


_NEVER: tuple[str, ...] = (
    "MATCH_",
    "IMPORT_",
    "STORE_GLOBAL",
    "STORE_ATTR",
    "DELETE_",
    "LOAD_BUILD_CLASS",
    "LOAD_CLOSURE",
)
_NEVER += ("MAKE_CELL", "LOAD_DEREF", "STORE_DEREF", "YIELD_VALUE", "BEFORE_WITH", "GET_AWAITABLE", "SETUP_ANNOTATIONS")


def test_the_opcodes_kept_for_this_python_are_those_of_the_probes() -> None:
    assert vet.probed() == OPCODES
    kept = vet.KNOWN.get(sys.version_info[:2])
    assert kept is None or frozenset(bytes.fromhex(kept)) == vet.probed()


def test_the_opcodes_allowed_hold_no_match_import_or_other_reach() -> None:
    """They are those of two probe texts, each of the generator's shape."""
    assert plain_reader_tree(vet._PROBE) is not None and plain_reader_tree(vet._PROBE_SECTION, "_s0") is not None
    assert {"LOAD_GLOBAL", "LOAD_ATTR", "FOR_ITER", "CHECK_EXC_MATCH"} <= _ALLOWED  # (the probe reached them)
    assert not {op for op in _ALLOWED if op.startswith(_NEVER)}


_REFUSED_TREES = [
    "match d:\n    case _:\n        pass\ndef _read(d):\n    return None\n",
    "class _p0:\n    pass\ndef _read(d):\n    return None\n",
    "def _read(d):\n    return None\ndef _p0(v):\n    return True\n",  # _read last, as the generator writes it
    "def _s0(d, _facts):\n    return None\n",  # a section where the reader is expected
    "def _read(d):\n    while d:\n        return None\n",
    "def _read(d):\n    return d if (d := 1) else None\n",
    "def _read(d):\n    return {d: d}\n",
    "def _read(d):\n    return d[0:1]\n",
    "def _read(d):\n    return d.get(*d)\n",
    "def _read(d):\n    return _date(d, x=1)\n",
    "def _read(d):\n    d.get = 1\n    return None\n",
    "def _read(d):\n    return d.keys()\n",
    "def _read(d) -> None:\n    return None\n",
    "def _read(d, /):\n    return None\n",
    "def _read(*d):\n    return None\n",
    "async def _read(d):\n    return None\n",
    "def _read(d):\n    try:\n        return None\n    finally:\n        pass\n",
    "def _read(d):\n    try:\n        return None\n    except BaseException:\n        return None\n",
    "def _read(d):\n    assert d\n    return None\n",
    "def _read(d):\n    return 2 ** 99999\n",
    "def _read(d):\n    return b'x'\n",
    "def _read(d):\n    return __builtins__\n",
    "",
]


@pytest.mark.parametrize("text", _REFUSED_TREES)
def test_a_text_not_of_the_generators_shape_is_refused_before_it_is_compiled(text: str) -> None:
    assert plain_reader_tree(text) is None
    assert vetted(text, _NAMES) is None


def test_a_section_text_must_define_that_section_and_nothing_else() -> None:
    text = "def _s1(_v1, _facts):\n    _m = 0\n    return _m\n"
    assert plain_reader_tree(text, "_s1") is not None
    assert plain_reader_tree(text, "_s2") is None
    assert plain_reader_tree(text + "def _s2(_v1, _facts):\n    return 0\n", "_s1") is None
    assert plain_reader_tree(text.replace("_s1", "_read"), "_read") is None


def test_no_match_or_import_opcode_passes_the_code_layer_alone() -> None:
    """Even past the tree (the code layer on its own), a match or an import is refused."""
    for text in (
        "def _read(d):\n    match d:\n        case {'a': _x}:\n            return _x\n",
        "def _read(d):\n    import dict\n    return None\n",
        "def _read(d):\n    match d:\n        case _date(get=_x):\n            return _x\n",
    ):
        assert not plain_reader_code(compile(text, "<t>", "exec"), _NAMES)


@pytest.mark.parametrize(
    "name",
    ["__builtins__", "dict", "keys", "format", "mro", "f_globals", "_read", "_c", "_c-1", "_c\u0661", "_s0", 7],
)
@pytest.mark.parametrize("part", ["consts", "sections"])
def test_an_entry_naming_a_global_otherwise_than_the_generator_is_no_kept_reader(name: Any, part: str) -> None:
    """A constant is a ``_cN`` and a section an ``_sN``, whatever the entry says: neither can
    replace the builtins or widen the names a text may read."""
    data = _bundled().data()
    good = data[part][0][0]
    assert Kept.of(copy.deepcopy(data)) is not None
    if name == good:  # the name it has: kept
        return
    data[part][0][0] = name
    if part == "sections" and name == "_s0":
        data[part][1][0] = "_s0"  # a name twice
    assert Kept.of(data) is None


@pytest.mark.parametrize("name", ["__builtins__", "keys", "f_globals"])
def test_a_signed_entry_with_such_a_name_gives_a_reader_generated_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    want = [reader(policy)(copy.deepcopy(case)) for case in GOOD]  # type: ignore[misc]

    def change(data: dict[str, Any]) -> None:
        data["consts"][0][0] = name
        data["sections"][0][0] = name

    _forge(tmp_path, change)
    again, _ = load_policy(POLICY_FILE, use_cache=True)
    read = reader(again)
    assert read is not None
    got = [read(copy.deepcopy(case)) for case in GOOD]
    assert [g.facts if g else None for g in got] == [w.facts if w else None for w in want]
    entry = cache.read(cache.key_of(POLICY_FILE.read_bytes()))
    assert entry is not None and Kept.of(entry["kept"][PART]) is not None  # kept again, as generated
