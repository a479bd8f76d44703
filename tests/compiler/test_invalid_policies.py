"""One-fault-per-file invalid policies: each fixture in ``invalid/`` breaks the real policy once.

A fixture does not copy the policy: it names one edit of ``policies/standard_v1.yaml``
(read at test time), or a whole file for parse-level faults, and the diagnostic the
compiler must give for it: its code, line, JSON path and words of its message.  The
format is described in ``invalid/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from policykit.errors import Diagnostic
from policykit.policy.compiler import load_policy_text

HERE = Path(__file__).parent
FIXTURES = HERE / "invalid"
POLICY = HERE.parents[1] / "policies" / "standard_v1.yaml"
MIN_FIXTURES = 22
# A diagnostic is one line of a terminal or CI log: it must stay readable.
MAX_MESSAGE_CHARS = 300
MAX_GENERATED_BYTES = 16 * 1024 * 1024

FIXTURE_KEYS = {"fault", "edit", "whole", "whole_repeat", "expect", "gap"}
SOURCE_KEYS = ("edit", "whole", "whole_repeat")
EXPECT_KEYS = {"code", "line_of", "line", "col", "col_of", "path", "mentions"}
_SELECTOR = re.compile(r"^(?P<section>[A-Za-z_][A-Za-z0-9_]*)\[id=(?P<id>[^\]]+)\]")


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.yaml"))


def load_fixture(path: Path) -> dict[str, Any]:
    """Read a fixture and check its shape, so that a typo in a fixture fails loudly."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a fixture is a mapping"
    unknown = set(data) - FIXTURE_KEYS
    assert not unknown, f"{path.name}: unknown fixture keys {sorted(unknown)}"
    assert isinstance(data.get("fault"), str) and data["fault"].strip(), f"{path.name}: 'fault' must say what is wrong"
    sources = [key for key in SOURCE_KEYS if key in data]
    assert len(sources) == 1, f"{path.name}: give exactly one of {SOURCE_KEYS}, not {sources}"
    expect = data.get("expect")
    assert isinstance(expect, dict) and isinstance(expect.get("code"), str), f"{path.name}: 'expect.code' is required"
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{path.name}: unknown expect keys {sorted(unknown)}"
    assert not ("line" in expect and "line_of" in expect), f"{path.name}: give 'line' or 'line_of', not both"
    assert not ("col" in expect and "col_of" in expect), f"{path.name}: give 'col' or 'col_of', not both"
    assert "col_of" not in expect or "line_of" in expect, f"{path.name}: 'col_of' is read on the line of 'line_of'"
    if "gap" in data:
        assert isinstance(data["gap"], str) and data["gap"].strip(), f"{path.name}: 'gap' must describe the gap"
    return data


def edited_text(fixture: dict[str, Any], policy: str, name: str = "fixture") -> str:
    """The text of the broken policy the fixture describes."""
    if "whole" in fixture:
        text = fixture["whole"]
        assert isinstance(text, str), f"{name}: 'whole' must be a string"
        return text
    if "whole_repeat" in fixture:
        spec = fixture["whole_repeat"]
        assert isinstance(spec, dict) and set(spec) == {"text", "times"}, f"{name}: whole_repeat needs text and times"
        text, times = spec["text"], spec["times"]
        assert isinstance(text, str) and text and isinstance(times, int) and times > 0, name
        assert len(text.encode("utf-8")) * times <= MAX_GENERATED_BYTES, f"{name}: whole_repeat is too large"
        return text * times
    edits = fixture["edit"]
    edits = edits if isinstance(edits, list) else [edits]
    assert edits, f"{name}: 'edit' is empty"
    text = policy
    for edit in edits:
        assert isinstance(edit, dict) and set(edit) == {"find", "replace"}, f"{name}: an edit is {{find, replace}}"
        find, replace = edit["find"], edit["replace"]
        assert isinstance(find, str) and find and isinstance(replace, str), f"{name}: find and replace are strings"
        assert find != replace, f"{name}: the edit changes nothing"
        count = text.count(find)
        assert count == 1, f"{name}: the text to find must occur exactly once in the policy, found {count}: {find!r}"
        text = text.replace(find, replace)
    return text


def expected_line(expect: dict[str, Any], text: str, name: str = "fixture") -> int | None:
    """``line`` as given, or the line on which the ``line_of`` text occurs (leading newlines skipped)."""
    if "line" in expect:
        line = expect["line"]
        assert isinstance(line, int), f"{name}: 'line' is a number"
        return line
    if "line_of" not in expect:
        return None
    needle = expect["line_of"]
    assert isinstance(needle, str) and needle.strip(), f"{name}: 'line_of' is a non-empty string"
    count = text.count(needle)
    assert count == 1, f"{name}: line_of text must occur exactly once in the edited policy, found {count}: {needle!r}"
    start = text.index(needle) + (len(needle) - len(needle.lstrip("\n")))
    return text.count("\n", 0, start) + 1


def expected_col(expect: dict[str, Any], text: str, line: int | None, name: str = "fixture") -> int | None:
    """``col`` as given, or the column (1-based) at which the ``col_of`` text starts on the expected line."""
    if "col_of" not in expect:
        col = expect.get("col")
        assert col is None or isinstance(col, int), f"{name}: 'col' is a number"
        return col
    needle = expect["col_of"]
    assert isinstance(needle, str) and needle and line is not None, f"{name}: 'col_of' is a non-empty string"
    row = text.split("\n")[line - 1]
    assert row.count(needle) == 1, f"{name}: col_of text must occur exactly once on line {line}: {needle!r}"
    return row.index(needle) + 1


def resolve_path(path: str, text: str, name: str = "fixture") -> str:
    """Replace a leading ``section[id=X]`` by the index of the last item with id X in the edited
    policy (for an id given twice: the diagnostic names the second by its position)."""
    match = _SELECTOR.match(path)
    if not match:
        return path
    data = yaml.safe_load(text)
    items = data.get(match["section"]) if isinstance(data, dict) else None
    assert isinstance(items, list), f"{name}: no list '{match['section']}' in the edited policy for {path}"
    found = [i for i, item in enumerate(items) if isinstance(item, dict) and str(item.get("id")) == match["id"]]
    assert found, f"{name}: no item with id {match['id']!r} in {match['section']} for {path}"
    return f"{match['section']}[{found[-1]}]" + path[match.end() :]


def _describe(diags: list[Diagnostic]) -> str:
    return "\n".join(f"  [{d.severity}] {d.format()[:400]}" for d in diags) or "  (no diagnostics)"


def _mismatches(
    diag: Diagnostic, line: int | None, col: int | None, path: str | None, mentions: list[str]
) -> list[str]:
    problems = []
    if line is not None and diag.line != line:
        problems.append(f"line {diag.line} != {line}")
    if col is not None and diag.col != col:
        problems.append(f"col {diag.col} != {col}")
    if path is not None and diag.path != path:
        problems.append(f"path {diag.path!r} != {path!r}")
    problems += [f"message lacks {m!r}" for m in mentions if m not in diag.message]
    if len(diag.message) > MAX_MESSAGE_CHARS:
        problems.append(f"message is {len(diag.message)} characters (at most {MAX_MESSAGE_CHARS})")
    if "\n" in diag.message or any(ord(c) < 32 for c in diag.message):
        problems.append("message has a newline or a control character")
    return problems


@pytest.fixture(scope="module")
def policy_text() -> str:
    return POLICY.read_text(encoding="utf-8")


def _params() -> list[Any]:
    params = []
    for path in fixture_files():
        marks = []
        try:
            gap = yaml.safe_load(path.read_text(encoding="utf-8")).get("gap")
        except Exception:
            gap = None
        if gap:
            # A known compiler gap: the fixture says what a user needs; once the compiler
            # does it, strict xfail turns the pass into a failure and the gap line goes.
            marks.append(pytest.mark.xfail(reason=f"compiler gap: {gap}", strict=True, raises=AssertionError))
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("fixture_path", _params())
def test_invalid_policy(fixture_path: Path, policy_text: str) -> None:
    name = fixture_path.name
    try:  # a malformed fixture is a real failure, never an expected one
        fixture = load_fixture(fixture_path)
        text = edited_text(fixture, policy_text, name)
        expect = fixture["expect"]
        line = expected_line(expect, text, name)
        col = expected_col(expect, text, line, name)
        path = resolve_path(expect["path"], text, name) if "path" in expect else None
        mentions = list(expect.get("mentions") or [])
        assert all(isinstance(m, str) for m in mentions), f"{name}: mentions are strings"
    except AssertionError as exc:
        pytest.fail(f"malformed fixture: {exc}")

    try:
        policy, diags = load_policy_text(text.encode("utf-8"), "policy.yaml")
    except Exception as exc:
        pytest.fail(f"{name}: {type(exc).__name__} escaped the compiler: {exc!s:.300}")

    assert policy is None, f"{name}: the broken policy compiled\n{_describe(diags)}"
    errors = [d for d in diags if d.severity == "error"]
    with_code = [d for d in errors if d.code == expect["code"]]
    assert with_code, f"{name}: no error with code {expect['code']!r} ({fixture['fault']})\n{_describe(diags)}"
    tried = {d: _mismatches(d, line, col, path, mentions) for d in with_code}
    assert any(not problems for problems in tried.values()), (
        f"{name}: no {expect['code']!r} error matches ({fixture['fault']})\n"
        + "\n".join(f"  {d.format()[:300]}\n    -> {'; '.join(p)}" for d, p in tried.items())
    )


def test_unedited_policy_compiles(policy_text: str) -> None:
    policy, diags = load_policy_text(policy_text.encode("utf-8"), "policy.yaml")
    errors = [d for d in diags if d.severity == "error"]
    assert not errors, _describe(errors)
    assert policy is not None


def test_there_are_enough_fixtures() -> None:
    files = fixture_files()
    assert len(files) >= MIN_FIXTURES, f"only {len(files)} fixtures in {FIXTURES}"
    assert (FIXTURES / "README.md").is_file()


def test_fixture_faults_are_distinct() -> None:
    """One fault per file: no two fixtures describe the same fault or make the same edit."""
    faults: dict[str, str] = {}
    sources: dict[str, str] = {}
    for path in fixture_files():
        fixture = load_fixture(path)
        fault = " ".join(fixture["fault"].split()).lower()
        assert fault not in faults, f"{path.name} repeats the fault of {faults[fault]}"
        faults[fault] = path.name
        source = repr({k: fixture[k] for k in SOURCE_KEYS if k in fixture})
        assert source not in sources, f"{path.name} makes the same edit as {sources[source]}"
        sources[source] = path.name


def test_line_of_counts_lines_of_the_edited_text() -> None:
    text = "a: 1\nb:\n  c: 2\n"
    assert expected_line({"line_of": "  c: 2"}, text) == 3
    assert expected_line({"line_of": "\nb:"}, text) == 2
    assert expected_line({"line": 1}, text) == 1
    assert expected_line({}, text) is None


def test_id_selector_resolves_to_the_last_item_with_that_id() -> None:
    text = "decisions:\n  - id: a\n  - id: b\n  - id: a\n"
    assert resolve_path("decisions[id=b].rules[0].when", text) == "decisions[1].rules[0].when"
    assert resolve_path("decisions[id=a]", text) == "decisions[2]"
    assert resolve_path("$.metadata.version", text) == "$.metadata.version"
