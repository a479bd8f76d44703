"""The YAML loader: strict where PyYAML is lenient, and a 1-based location for every path."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.policy.yamlload import MAX_POLICY_BYTES, iter_paths, load_yaml


def codes(text: str | bytes, max_bytes: int = MAX_POLICY_BYTES) -> list[str]:
    _, diags = load_yaml(text, max_bytes=max_bytes)
    return [diag.code for diag in diags]


def test_plain_document() -> None:
    doc, diags = load_yaml("a: 1\nb: [x, 'y']\nc: {d: null, e: true}\n")
    assert diags == [] and doc is not None
    assert doc.data == {"a": 1, "b": ["x", "y"], "c": {"d": None, "e": True}}


def test_empty_document_is_none() -> None:
    doc, diags = load_yaml("")
    assert diags == [] and doc is not None and doc.data is None


def test_duplicate_keys_name_both_lines() -> None:
    text = textwrap.dedent("""\
        meta:
          id: one
          version: 1
          id: two
        """)
    doc, diags = load_yaml(text, file="p.yaml")
    assert [d.code for d in diags] == ["duplicate-key"]
    diag = diags[0]
    assert (diag.line, diag.col) == (4, 3)  # the second definition
    assert "line 2" in diag.message  # the first one
    assert "'id'" in diag.message
    assert diag.path == "meta.id"
    formatted = diag.format()
    assert formatted.startswith("p.yaml:4:3: duplicate-key:") and "line 2" in formatted
    # the first value is kept, not silently replaced by the second
    assert doc is not None and doc.data["meta"]["id"] == "one"


def test_duplicate_top_level_key_after_a_nested_value() -> None:
    text = "rules:\n  - id: a\n  - id: b\nother: 1\nrules: []\n"
    _, diags = load_yaml(text)
    assert [(d.code, d.line) for d in diags] == [("duplicate-key", 5)]
    assert "line 1" in diags[0].message


def test_keys_are_compared_as_text() -> None:
    # 1 and "1" become the same key once stringified: refused, not merged silently
    assert codes("1: a\n'1': b\n") == ["duplicate-key"]


def test_anchor_refused() -> None:
    doc, diags = load_yaml("a: &x 1\nb: 2\n")
    assert doc is None and [(d.code, d.line, d.col) for d in diags] == [("yaml-anchor", 1, 4)]


def test_alias_refused() -> None:
    doc, diags = load_yaml("a: 1\nb: *x\n")
    assert doc is None and [(d.code, d.line, d.col) for d in diags] == [("yaml-alias", 2, 4)]


def test_billion_laughs_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    doc, diags = load_yaml("\n".join(lines) + "\n")
    assert doc is None
    assert [d.code for d in diags] == ["yaml-anchor"]


def test_merge_key_refused() -> None:
    # with anchors refused a merge key can only take an inline map; still not allowed
    doc, diags = load_yaml("base:\n  <<: {a: 1}\n  b: 2\n")
    assert diags, "a merge key was accepted"
    assert doc is None or "a" not in doc.data["base"]


def test_merge_key_refused_with_its_own_code() -> None:
    # the loader has a dedicated code and message for merge keys ("yaml-merge")
    _, diags = load_yaml("base:\n  <<: {a: 1}\n  b: 2\n")
    assert [(d.code, d.line) for d in diags] == [("yaml-merge", 2)]


def test_dates_stay_strings() -> None:
    doc, diags = load_yaml("effective_from: 2026-01-01\nat: 2026-01-01T10:00:00Z\nlist: [2025-02-28]\n")
    assert diags == [] and doc is not None
    assert doc.data == {"effective_from": "2026-01-01", "at": "2026-01-01T10:00:00Z", "list": ["2025-02-28"]}


def test_other_scalars_still_resolve() -> None:
    doc, _ = load_yaml("i: 12\nf: 1.5\nb: false\nn: ~\ns: '12'\n")
    assert doc is not None
    assert doc.data == {"i": 12, "f": 1.5, "b": False, "n": None, "s": "12"}
    assert isinstance(doc.data["s"], str)


def test_size_limit() -> None:
    text = "a: " + "x" * 100 + "\n"
    size = len(text.encode("utf-8"))
    doc, diags = load_yaml(text, max_bytes=size - 1)
    assert doc is None and [d.code for d in diags] == ["file-too-large"]
    assert str(size) in diags[0].message
    doc, diags = load_yaml(text, max_bytes=size)
    assert diags == [] and doc is not None
    # the limit is in bytes, not characters
    wide = "a: " + "中" * 10
    assert codes(wide, max_bytes=len(wide) + 5) == ["file-too-large"]
    assert codes(wide.encode("utf-8"), max_bytes=len(wide) + 5) == ["file-too-large"]
    assert MAX_POLICY_BYTES >= 1024 * 1024
    assert codes("a: " + "x" * MAX_POLICY_BYTES) == ["file-too-large"]


def test_binary_refused() -> None:
    doc, diags = load_yaml("a: 1\nblob: !!binary aGVsbG8=\n")
    assert doc is None
    assert [(d.code, d.line, d.col) for d in diags] == [("yaml-tag", 2, 7)]


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/name:os.system ''\n",
        "a: !!python/object/apply:os.system ['true']\n",
        "a: !!timestamp 2026-01-01\n",
        "a: !!set {x: null}\n",
        "a: !custom 1\n",
    ],
)
def test_explicit_tags_are_refused(text: str) -> None:
    doc, diags = load_yaml(text)
    assert doc is None and [d.code for d in diags] == ["yaml-tag"]


def test_control_characters_are_a_diagnostic_not_an_exception() -> None:
    # PyYAML's reader refuses control characters as soon as the loader is built
    for text in ["\x00", "a: 1\nb: \x07\n", "a: \x1b[31m\n"]:
        doc, diags = load_yaml(text)
        assert doc is None and len(diags) == 1, text
    doc, diags = load_yaml(b"a: \x00\n")
    assert doc is None and len(diags) == 1


def test_malformed_explicit_timestamp_is_a_diagnostic_not_an_exception() -> None:
    for text in ["!!timestamp", "a: !!timestamp soon\n"]:
        doc, diags = load_yaml(text)
        assert doc is None and len(diags) == 1, text


LOCATED = textwrap.dedent("""\
    meta:
      id: demo
    rules:
      - id: r1
        when: "x > 1"
      - id: r2
        then:
          - action: a
            args: [1, 2]
    """)


def test_locations_are_one_based_for_nested_paths() -> None:
    doc, diags = load_yaml(LOCATED)
    assert diags == [] and doc is not None
    assert doc.where(()) == (1, 1)
    assert doc.where(("meta",)) == (1, 1)
    assert doc.where(("meta", "id")) == (2, 3)
    assert doc.where(("rules",)) == (3, 1)
    assert doc.where(("rules", 0)) == (4, 5)
    assert doc.where(("rules", 0, "when")) == (5, 5)
    assert doc.where(("rules", 1)) == (6, 5)
    assert doc.where(("rules", 1, "then")) == (7, 5)
    assert doc.where(("rules", 1, "then", 0)) == (8, 9)
    assert doc.where(("rules", 1, "then", 0, "action")) == (8, 9)
    assert doc.where(("rules", 1, "then", 0, "args")) == (9, 9)
    assert doc.where(("rules", 1, "then", 0, "args", 1)) == (9, 19)


def test_where_falls_back_to_the_nearest_ancestor() -> None:
    doc, _ = load_yaml(LOCATED)
    assert doc is not None
    assert doc.where(("rules", 0, "missing")) == (4, 5)
    assert doc.where(("rules", 7, "when")) == (3, 1)
    assert doc.where(("nowhere",)) == (1, 1)


def test_diagnostics_carry_location_and_address() -> None:
    doc, _ = load_yaml(LOCATED, file="policy.yaml")
    assert doc is not None
    diag = doc.diag(("rules", 0, "when"), "bad-expression", "nope")
    assert (diag.file, diag.line, diag.col, diag.path) == ("policy.yaml", 5, 5, "rules[r1].when")


def test_every_path_has_a_location() -> None:
    doc, _ = load_yaml(LOCATED)
    assert doc is not None
    for path, _value in iter_paths(doc.data):
        assert path in doc.lines
        line, col = doc.lines[path]
        assert line >= 1 and col >= 1


def test_syntax_errors_give_a_line() -> None:
    doc, diags = load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert doc is None and len(diags) == 1
    assert diags[0].code == "yaml-syntax" and diags[0].line >= 2
    doc, diags = load_yaml("a: 1\n b: 2\n")
    assert doc is None and diags[0].code == "yaml-syntax" and diags[0].line == 2
    doc, diags = load_yaml("a: 'unterminated\n")
    assert doc is None and diags[0].code == "yaml-syntax" and diags[0].line >= 1


def test_tab_indentation_is_a_syntax_error_with_a_line() -> None:
    doc, diags = load_yaml("a:\n\tb: 1\n")
    assert doc is None and diags[0].code == "yaml-syntax" and diags[0].line == 2


def test_invalid_utf8_is_an_encoding_error() -> None:
    doc, diags = load_yaml(b"a: \xff\xfe\n")
    assert doc is None and [d.code for d in diags] == ["encoding"]
    doc, diags = load_yaml(b"a: \xe4\xb8\n")  # a cut three-byte sequence
    assert doc is None and [d.code for d in diags] == ["encoding"]
    doc, diags = load_yaml("a: 中文\n".encode())
    assert diags == [] and doc is not None and doc.data == {"a": "中文"}


def test_multiple_documents_refused() -> None:
    doc, diags = load_yaml("a: 1\n---\nb: 2\n")
    assert doc is None and diags and diags[0].code == "yaml-syntax"


def test_non_scalar_keys_refused() -> None:
    assert codes("? [a, b]\n: 1\n") == ["yaml-key"]


def test_deep_nesting_is_refused_not_a_crash() -> None:
    doc, diags = load_yaml("[" * 5000 + "]" * 5000)
    assert doc is None
    assert [(d.code, d.line) for d in diags] == [("too-deep", 1)]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    doc, diags = load_yaml(text)
    assert doc is not None or diags


YAML_PIECES = st.sampled_from(
    [
        "a",
        "b",
        ":",
        " ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&x",
        "*x",
        "<<",
        "!!binary",
        "!!str",
        "!!set",
        "!!python/name:os.system",
        "!!timestamp",
        "'",
        '"',
        "#",
        "?",
        "|",
        ">",
        "---",
        "...",
        "%YAML 1.1",
        "%TAG",
        "2026-01-01",
        "1e9",
        "0x1F",
        "~",
        "\t",
        "\\",
        "!",
        "@",
        "`",
        "\ufeff",
        "12:30",
        "9" * 5000,
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(YAML_PIECES, max_size=30).map("".join))
def test_yaml_token_soup_never_raises(text: str) -> None:
    doc, diags = load_yaml(text)
    assert doc is not None or diags


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    doc, diags = load_yaml(data)
    assert doc is not None or diags
