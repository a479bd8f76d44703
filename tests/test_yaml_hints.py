"""A YAML syntax error from a line indented to no level above it says which levels there are."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.policy.yaml_hints import _indent_hint
from policykit.policy.yamlload import load_yaml

from .conftest import POLICY_FILE, ROOT

TEXT = POLICY_FILE.read_text(encoding="utf-8")


def _shift(line: str, by: int) -> str:
    """The bundled policy with the first line equal to ``line`` moved by ``by`` spaces."""
    old = "\n" + line + "\n"
    assert old in TEXT
    new = "\n" + (" " * by + line if by > 0 else line[-by:]) + "\n"
    return TEXT.replace(old, new, 1)


def _message(text: str) -> str:
    doc, diags = load_yaml(text)
    assert doc is None and len(diags) == 1 and diags[0].code == "yaml-syntax"
    return diags[0].message


def test_a_key_dedented_to_the_dash_of_its_list_item() -> None:
    line = next(x for x in TEXT.splitlines() if x.startswith("        because: ") and "received_on" in x)
    assert "is indented as the list item '-' of line" in _message(_shift(line, -2))
    assert "a key of that item is indented 8 spaces" in _message(_shift(line, -2))


def test_a_key_indented_past_its_siblings() -> None:
    message = _message(_shift("    unit: days", 2))
    assert "is indented 6 spaces, but the lines above it are at 4, 2, 0" in message


def test_a_key_one_space_off() -> None:
    line = next(x for x in TEXT.splitlines() if x.startswith("        cites: [repair-time.1"))
    assert "is indented 7 spaces, but the lines above it are at 8, 6, 4, 2, 0" in _message(_shift(line, -1))


@pytest.mark.parametrize(
    "path",
    sorted({*ROOT.glob("policies/**/*.yaml"), *ROOT.glob("tests/**/*.yaml"), ROOT / "mkdocs.yml"}),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_line_of_the_projects_yaml_is_taken_for_misindented(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [n for n in range(1, len(lines) + 1) if _indent_hint(lines, n)] == []


_KEYS = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)
_TREES = st.recursive(
    st.one_of(st.integers(), st.text(alphabet="xyz ", max_size=8), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _TREES, min_size=1, max_size=4), st.sampled_from([2, 4]))
def test_a_well_indented_document_gets_no_hint(tree: dict[str, object], indent: int) -> None:
    """For any document as YAML writes it, no line is taken for misindented."""
    lines = yaml.safe_dump(tree, indent=indent, width=10**6, allow_unicode=True).splitlines()
    assert [n for n in range(1, len(lines) + 1) if _indent_hint(lines, n)] == []
