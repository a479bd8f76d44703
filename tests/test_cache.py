"""The compile cache: a second load reads the cached form and decides exactly the same."""

from __future__ import annotations

import json
import marshal
import os
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from policykit.digest import MAC_BYTES
from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.policy import cache
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE, ROOT


def _results(policy_file: Path) -> list[str]:
    policy, _ = load_policy(policy_file, use_cache=True)
    out = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        case = read_case(policy, json.loads(path.read_text(encoding="utf-8")))
        out.append(json.dumps(evaluate(policy, case, date(2026, 11, 27), explain=True).to_dict(), ensure_ascii=False))
    return out


def test_cached_policy_decides_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = _results(POLICY_FILE)
    entries = list((tmp_path / "cache").glob("*.bin"))
    assert len(entries) >= 1
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    assert all(c.exact is None for v in policy.values.values() for r in v.rules for c in r.parts)  # from the cache
    assert _results(POLICY_FILE) == first


def test_the_case_format_read_back_is_the_one_generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache keeps the case format (generated from the contract) with the policy: read
    back, it is the format the contract gives, and no run from the cache generates it."""
    from policykit.policy import contract_ext
    from policykit.policy.yamlload import load_yaml

    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    compiled, _ = load_policy(POLICY_FILE, use_cache=True)

    def not_again(data: Any) -> Any:
        raise AssertionError("the case format was generated again")

    monkeypatch.setattr(contract_ext, "case_schema_of", not_again)
    cached, _ = load_policy(POLICY_FILE, use_cache=True)
    doc, _ = load_yaml(POLICY_FILE.read_bytes(), str(POLICY_FILE))
    assert doc is not None
    monkeypatch.undo()
    assert cached.case_schema == compiled.case_schema == contract_ext.case_schema_of(doc.data)


def test_a_changed_policy_misses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    load_policy(POLICY_FILE, use_cache=True)
    edited = tmp_path / "p.yaml"
    edited.write_text(
        POLICY_FILE.read_text(encoding="utf-8").replace(
            "  standard_warranty_months:\n    value: 12\n", "  standard_warranty_months:\n    value: 18\n"
        ),
        encoding="utf-8",
    )
    policy, _ = load_policy(edited, use_cache=True)
    assert policy.parameters["standard_warranty_months"].value == 18


def test_unwritable_or_disabled_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(blocker / "cache"))
    assert _results(POLICY_FILE)
    monkeypatch.setenv("POLICYKIT_NO_CACHE", "1")
    assert cache.cache_dir() is None and _results(POLICY_FILE)


def test_a_corrupt_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    first = _results(POLICY_FILE)
    for entry in tmp_path.glob("*.bin"):
        entry.write_bytes(b"\x00garbage")
    assert _results(POLICY_FILE) == first
    assert os.environ["POLICYKIT_CACHE_DIR"] == str(tmp_path)


def test_a_policy_is_freed_once_unused() -> None:
    """Per-policy work is kept on the policy itself: a long-running process that loads
    policies again and again does not keep the old ones alive."""
    import gc
    import weakref

    policy, _ = load_policy(POLICY_FILE)
    case = read_case(policy, json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    evaluate(policy, case, date(2026, 11, 27))
    ref = weakref.ref(policy)
    del policy, case
    gc.collect()
    assert ref() is None


# -- a cache that cannot be poisoned ----------------------------------------------------


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bin"))


def _payload(entry: Path) -> tuple[bytes, dict[str, Any]]:
    blob = entry.read_bytes()
    head = len(cache.MAGIC) + MAC_BYTES
    return blob[:head], marshal.loads(blob[head:])


def _sign(entry: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as an entry with a valid MAC (what only the key's owner can do)."""
    key = (entry.parent / "key").read_bytes()
    payload = marshal.dumps(data)
    entry.write_bytes(cache.MAGIC + cache._mac(key, entry.name, payload) + payload)


@pytest.fixture()
def cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The results of a cold start (a fresh cache folder), then a warm cache in tmp_path/cache."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cold"))
    results = _results(POLICY_FILE)
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    assert _results(POLICY_FILE) == results
    assert _entries(tmp_path / "cache")
    return results


def _policy_entry(folder: Path) -> Path:
    found = cache.entry_path(cache.key_of(POLICY_FILE.read_bytes()))
    assert found is not None
    path = Path(found)
    assert path.parent == folder and path.exists()
    return path


def test_a_flipped_byte_is_ignored_and_the_entry_rebuilt(cold: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    entry = _policy_entry(folder)
    blob = bytearray(entry.read_bytes())
    blob[len(blob) // 2] ^= 0x01
    entry.write_bytes(bytes(blob))
    sha = entry.name.split("-")[0]
    assert cache.read(sha) is None  # the check fails: nothing of it is unpacked
    assert _results(POLICY_FILE) == cold
    assert cache.read(sha) is not None  # rewritten, authentic again


def test_a_changed_value_is_ignored(cold: list[str], tmp_path: Path) -> None:
    entry = _policy_entry(tmp_path / "cache")
    mac, data = _payload(entry)
    assert data["data"]["parameters"]["standard_warranty_months"]["value"] == 12
    data["data"]["parameters"]["standard_warranty_months"]["value"] = 99
    entry.write_bytes(mac + marshal.dumps(data))  # the old MAC no longer fits
    assert _results(POLICY_FILE) == cold
    policy, _ = load_policy(POLICY_FILE, use_cache=True)
    assert policy.parameters["standard_warranty_months"].value == 12


@pytest.mark.parametrize(
    "forged",
    [
        "lambda _e, _k: _F_len.__globals__",
        "lambda _e, _k: _e.policy",
        "lambda _e, _k: open('/etc/passwd').read()",
        "__import__('os').system('true')",
        "lambda _e, _k: [x for x in ().__class__.__base__.__subclasses__()]",
        "lambda _e, _k: (",  # not even Python
    ],
)
def test_signed_text_that_reaches_out_is_not_run(cold: list[str], tmp_path: Path, forged: str) -> None:
    """Even an entry with a valid MAC (a stolen key) cannot make an expression run other
    code: a fast form's text is compiled and checked by the whitelist when read back."""
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    source = next(iter(data["exprs"]))
    names, _, form = data["exprs"][source]
    data["exprs"][source] = (names, forged, form)
    _sign(entry, data)
    assert cache.read(entry.name.split("-")[0]) is not None  # authentic, but its text is refused
    assert _results(POLICY_FILE) == cold


def test_signed_code_objects_are_not_run(cold: list[str], tmp_path: Path) -> None:
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    source = next(iter(data["exprs"]))
    names, _, form = data["exprs"][source]
    data["exprs"][source] = (names, compile("lambda _e, _k: 1", "<forged>", "eval"), form)
    _sign(entry, data)
    assert _results(POLICY_FILE) == cold


# an entry's parsed forms, signed with the installation's key (a stolen key): each is checked
# before its exact form is compiled, and one the compiler would not have made is not used
TAMPERED = [
    ("call", "__import__", (("const", "os"),), False),
    ("name", ("__builtins__",)),
    ("name", ("facts", "__class__")),
    ("binop", "Pow", ("const", 9), ("const", 99)),
    ("bad", "lambda", "not a node of an accepted expression"),
    ("const", "w" * 10_000),
    ("const", b"bytes"),
    ("const", float("nan")),  # no literal of the language makes one
    ["const", 1],
    ("compare", ("Eq",), (("const", 1),)),
    ("name", ("as_of",)),  # a name of the policy's, but not the one the expression reads
    "lambda _e, _k: 1",
    None,
]


def _exact_results(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], set[str]]:
    """The examples' results from the cache, each expression in its exact form alone (as one
    case is decided), and the texts parsed to get them."""
    from policykit.lang import expr

    parsed: set[str] = set()
    compile_text = expr.compile_expr

    def spy(source: Any, names: Any, fast: bool = True) -> Any:
        parsed.add(source)
        return compile_text(source, names, fast)

    monkeypatch.setattr(expr, "compile_expr", spy)
    was = expr.exact_forms_only(True)
    try:
        return _results(POLICY_FILE), parsed
    finally:
        expr.exact_forms_only(was)


def test_a_cached_policy_parses_no_expression(cold: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert _exact_results(monkeypatch) == (cold, set())  # every exact form from its parsed form


@pytest.mark.parametrize("form", TAMPERED, ids=lambda f: repr(f)[:40])
def test_a_tampered_parsed_form_is_not_used(
    cold: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: Any
) -> None:
    """Every expression's form replaced by one the compiler never makes of it: no crash, no
    code; each expression a case reaches is compiled from its text, as without the cache."""
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    tampered = {source for source, (names, _, _) in data["exprs"].items() if names != ["as_of"]}
    data["exprs"] = {s: (n, t, form if s in tampered else f) for s, (n, t, f) in data["exprs"].items()}
    _sign(entry, data)
    results, parsed = _exact_results(monkeypatch)
    assert results == cold
    assert parsed and parsed <= tampered  # the texts of the expressions reached, parsed
    read = cache.read(entry.name.split("-")[0])
    assert read is not None and repr(read["exprs"]) == repr(data["exprs"])  # (the policy was the entry's; NaN != NaN)


def _kinds(value: Any) -> set[type]:
    found = {type(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= _kinds(key) | _kinds(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            found |= _kinds(item)
    return found


def _bytes(value: Any) -> list[bytes]:
    if isinstance(value, bytes):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple, set)) else ()
    return [b for item in items for b in _bytes(item)]


def test_an_entry_is_data_only(cold: list[str], tmp_path: Path) -> None:
    """No code object, function or other object in any entry a cold run leaves (the policy's,
    the case reader's...): containers, strings, bytes and numbers, and no bytes that are code."""
    entries = _entries(tmp_path / "cache")
    assert entries
    for entry in entries:
        _, data = _payload(entry)
        assert _kinds(data) <= {dict, list, tuple, set, frozenset, str, bytes, int, float, bool, type(None)}
        for blob in _bytes(data):
            try:
                loaded = marshal.loads(blob)
            except (ValueError, EOFError, TypeError):
                continue
            assert not isinstance(loaded, types.CodeType), entry.name
        if entry.name.startswith(cache.key_of(POLICY_FILE.read_bytes())):
            assert all(isinstance(text, (str, type(None))) for _, text, _ in data["exprs"].values())


@pytest.mark.parametrize("thing", [compile("1", "<x>", "eval"), len, object(), {"a": [(1, print)]}])
def test_writing_anything_but_data_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, thing: Any) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    with pytest.raises(TypeError, match="data only"):
        cache.write("0" * 64, {"thing": thing})
    assert _entries(tmp_path) == []
    cache.write("0" * 64, {"thing": [1, "a", b"b", (2.5, None, True), {frozenset({3})}]})
    entry = cache.read("0" * 64)
    assert entry is not None and entry["thing"] == [1, "a", b"b", (2.5, None, True), {frozenset({3})}]


def test_an_authentic_entry_of_another_shape_is_rebuilt(cold: list[str], tmp_path: Path) -> None:
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    del data["lines"]
    _sign(entry, data)
    assert _results(POLICY_FILE) == cold


def test_a_key_others_can_read_or_write_is_not_trusted(cold: list[str], tmp_path: Path) -> None:
    key = tmp_path / "cache" / "key"
    os.chmod(key, 0o644)
    entry = _policy_entry(tmp_path / "cache")
    assert cache.read(entry.name.split("-")[0]) is None
    assert _results(POLICY_FILE) == cold


def test_home_that_does_not_exist_is_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "nowhere" / "x"
    monkeypatch.delenv("POLICYKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    assert _results(POLICY_FILE)
    assert not (tmp_path / "nowhere").exists()


def test_every_year_of_the_official_schedule_is_kept(tmp_path: Path) -> None:
    """A case from any year the package has a schedule for, or the year after, is decided
    from the cache without importing ``holidays`` (a cold run, in a fresh process)."""
    import subprocess
    import sys

    env = {**os.environ, "POLICYKIT_CACHE_DIR": str(tmp_path / "cache")}
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["sale"]["ship_date"], case["request"]["date"] = "2003-09-26", "2003-10-08"  # a National Day long week
    path = tmp_path / "old.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code = (
        "import sys, json; from policykit.cli.app import run; "
        f"status = run(['evaluate', {str(path)!r}, '--as-of', '2004-01-10', '--format', 'json']); "
        "print(json.dumps([status, 'holidays' in sys.modules]))"
    )
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True) for _ in range(2)]
    first, second = (json.loads(r.stdout.splitlines()[-1]) for r in runs)
    assert first == [0, True]  # compiled: the calendar was worked out
    assert second == [0, False], runs[1].stderr  # from the cache: every year it can reach was kept
    assert runs[0].stdout.splitlines()[:-1] == runs[1].stdout.splitlines()[:-1]  # the same result


def test_an_upgraded_holidays_package_makes_every_entry_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry keeps the official calendar the ``holidays`` package gave: a new release of
    it (say, with next year's schedule) is a new entry name, found without importing it."""
    installed = tmp_path / "site" / "holidays" / "__init__.py"
    installed.parent.mkdir(parents=True)
    installed.write_text("# 0.109\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))  # found first, as an installed package is
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_SOURCE", [])
    before = cache.entry_path("0" * 64)
    cache.write("0" * 64, {"calendar": 1})
    installed.write_text("# 0.110, with next year\n", encoding="utf-8")  # pip rewrites the package
    monkeypatch.setattr(cache, "_SOURCE", [])  # a new process
    after = cache.entry_path("0" * 64)
    assert before is not None and after is not None and before != after
    assert cache.read("0" * 64) is None  # the old entry is not read


def _places(policy: Any) -> Any:
    """Where every row, "otherwise", step, clause and value of ``policy`` is."""
    rows = {v: [(r.line, r.index) for r in value.rules] for v, value in policy.values.items()}
    others = {v: value.otherwise.line for v, value in policy.values.items() if value.otherwise is not None}
    steps = [s.line for s in (*policy.actions, *policy.warnings)]
    clauses = {c: clause.line for c, clause in policy.clauses.items()}
    return rows, others, steps, clauses, policy.lines, [v.line for v in policy.values.values()]


def test_a_policy_read_back_has_every_place_of_the_one_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry keeps only the places a build asks for (not every node of the file), and
    the policy built from it places every row, clause, fact and parameter as the one
    compiled from the file does."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    fresh, _ = load_policy(POLICY_FILE, use_cache=True)
    cached, _ = load_policy(POLICY_FILE, use_cache=True)
    assert fresh is not cached
    assert _places(cached) == _places(fresh)
    _, data = _payload(_policy_entry(tmp_path / "cache"))
    assert 0 < len(data["lines"]) < 1000  # of the file's thousands of places


@pytest.mark.parametrize("kept", ["a row", "a value"])
def test_an_entry_without_a_place_the_build_asks_for_is_compiled_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: str
) -> None:
    """An entry keeps only the places the build that wrote it asked for, and its name
    carries no trace of that build: a build changed since, that asks for a place the entry
    lacks, does not take an ancestor's line for it (a row placed silently wrong); the
    policy is compiled afresh and the entry rewritten with the place."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    fresh, _ = load_policy(POLICY_FILE, use_cache=True)
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    lines = data["lines"]
    depth = 4 if kept == "a row" else 2  # ("decisions", 3, "rules", 1) or ("decisions", 3)
    place = next(p for p in lines if len(p) == depth and p[0] == "decisions" and lines[p] != lines.get(p[:-2]))
    del lines[place]
    _sign(entry, data)  # authentic: written by this installation's build of another day
    again, _ = load_policy(POLICY_FILE, use_cache=True)
    assert _places(again) == _places(fresh)
    assert all(c.exact is not None for v in again.values.values() for r in v.rules for c in r.parts)  # compiled
    _, rewritten = _payload(entry)
    assert place in rewritten["lines"]
    read_back, _ = load_policy(POLICY_FILE, use_cache=True)
    assert all(c.exact is None for v in read_back.values.values() for r in v.rules for c in r.parts)  # from the entry
    assert _places(read_back) == _places(fresh)


# what the text view reads of a working-day deadline's expression (the date it counts from):
# a form the cache kept, read by the notes, is checked as the compiler's is
NOTES_TAMPERED = [
    ("call", "add_working_days", 5, False),
    ("call", "add_working_days", (("name", ("received_on", 7)),), False),
    ("name", ("__builtins__",)),
    ("call", "add_working_days", (("name", ("sale", "ship_date")), ("const", 1)), False),  # well made, wrong day
]


@pytest.mark.parametrize("form", NOTES_TAMPERED, ids=lambda f: repr(f)[:48])
def test_the_text_views_notes_read_only_a_checked_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: Any
) -> None:
    """The days a deadline skipped (the National Day week here) are shown as without the cache,
    whatever form of its expression the entry holds: no crash, no note lost or made up."""
    from policykit.tools import document
    from tests.conftest import cli

    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["request"]["date"], case["received_on"] = "2026-09-28", "2026-09-30"
    path = tmp_path / "october.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    argv = ["evaluate", str(path), "--format", "text", "--lang", "en", "--policy", str(POLICY_FILE)]
    argv += ["--as-of", "2026-11-27"]
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(document, "_CHOOSERS", {})  # each run loads the policy (from the cache)
    code, reference, _ = cli(*argv)
    assert code == 0 and "holiday" in reference  # the count stepped over days off, and says so
    entry = _policy_entry(tmp_path / "cache")
    _, data = _payload(entry)
    working = [s for s in data["exprs"] if s.startswith("add_working_days(received_on")]
    assert working
    data["exprs"].update({s: (data["exprs"][s][0], data["exprs"][s][1], form) for s in working})
    _sign(entry, data)
    document._CHOOSERS.clear()
    assert cli(*argv) == (0, reference, "")


def test_records_built_without_their_constructor_have_every_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build makes facts, clauses, texts, steps and their citations with ``tuple.__new__``
    (no named tuple's ``__new__`` called, on the cold path): each has every field its class
    declares, compiled afresh and read from the cache alike."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):  # compiled afresh (filling the cache), then read from it
        policy, _ = load_policy(POLICY_FILE, use_cache=True)
        steps = (*policy.actions, *policy.warnings)
        records: list[Any] = [*policy.facts.values(), *policy.clauses.values(), *steps]
        records += [cite for step in steps for cite in step.cites]
        records += [cite for v in policy.values.values() for r in v.rules for cite in r.cites]
        records += [f.question for f in policy.facts.values() if f.question is not None]
        assert {type(r).__name__ for r in records} >= {"Fact", "Clause", "Step", "Cite", "Text"}
        short = [r for r in records if len(r) != len(type(r)._fields)]
        assert not short, short[:3]
