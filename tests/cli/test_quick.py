"""A plain ``evaluate FILE`` line is read without argparse, and read exactly as argparse
reads it; any other line is left to argparse."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.cli.parser import parser_for
from policykit.cli.quick import quick_evaluate
from policykit.errors import InputError

PLAIN = [
    ["evaluate", "case.json"],
    ["evaluate", "-"],
    ["evaluate", "case.json", "--as-of", "2026-11-27"],
    ["evaluate", "--as-of", "2026-11-27", "case.json"],
    ["evaluate", "case.json", "--lang", "en", "--format", "text"],
    ["evaluate", "--format=json", "--lang=zh", "--as-of=2026-02-30", "a b.json"],
    ["evaluate", "case.json", "--as-of", "not a date"],  # argparse takes any text: the command checks it
]


def _argparse(argv: list[str]) -> Any:
    try:
        return vars(parser_for(argv).parse_args(argv))
    except InputError as exc:
        return [d.format() for d in exc.diagnostics]
    except SystemExit as exc:
        return ("exit", exc.code)


@pytest.mark.parametrize("argv", PLAIN)
def test_a_plain_line_is_read_quickly_as_argparse_reads_it(argv: list[str]) -> None:
    quick = quick_evaluate(argv)
    assert quick is not None
    assert vars(quick) == _argparse(argv)


def test_the_docs_url_default_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_DOCS_URL", "https://example.invalid/docs")
    quick = quick_evaluate(["evaluate", "case.json"])
    assert quick is not None and quick.docs_url == "https://example.invalid/docs"
    assert vars(quick) == _argparse(["evaluate", "case.json"])


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["evaluate"],
        ["evaluate", "--help"],
        ["evaluate", "a.json", "b.json"],  # a usage error: argparse words it
        ["evaluate", "a.json", "--lang", "fr-FRANCE"],  # no language code: argparse says so
        ["evaluate", "a.json", "--lan", "en"],  # an abbreviation argparse expands
        ["evaluate", "a.json", "--as-of"],
        ["evaluate", "a.json", "--as-of", "-1"],
        ["evaluate", "a.json", "--format", "json", "--format", "text"],
        ["evaluate", "--", "a.json"],
        ["evaluate", "a.json", "--explain"],
        ["evaluate", "--batch", "a.jsonl"],
        ["evaluate", "a.json", "--policy", "p.yaml", "--policy-set", "policies"],  # refused by argparse
        ["validate", "a.json"],
        ["--version"],
    ],
)
def test_any_other_line_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_evaluate(argv) is None


WORDS = ["evaluate", "diff", "a.json", "b c.json", "-", "--", "-x", "--as-of", "--as-of=", "--as-of=2026-01-01",
         "2026-01-01", "--lang", "--lang=en", "zh", "en", "fr", "--format", "--format=text", "json", "text",
         "--form", "--lan", "-h", "--help", "--explain", "--batch", "--jobs", "2", "-1", "--as", "="]  # fmt: skip


@given(
    st.lists(st.sampled_from(WORDS), max_size=8).map(lambda words: ["evaluate", *words])
    | st.lists(st.sampled_from(WORDS), max_size=8)
)
def test_whatever_the_line_the_quick_reading_is_argparse_s_or_none(argv: list[str]) -> None:
    quick = quick_evaluate(argv)
    if quick is not None:
        assert vars(quick) == _argparse(argv)
