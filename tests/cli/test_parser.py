"""The options, built lazily: one command's parser when a command is named, all of them
otherwise, with the same help and the same parse either way."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.cli.parser import COMMANDS, EXCLUSIVE, invoked, parser_for
from policykit.errors import InputError

from ..conftest import POLICY_FILE, cli


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _help(parser: argparse.ArgumentParser) -> str:
    return parser.format_help()


def test_a_named_command_builds_its_parser_alone() -> None:
    for name in COMMANDS:
        assert list(_choices(parser_for([name, "x"]))) == [name]


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h", "evaluate"], ["--version"], ["evalu"], ["bogus", "x"]])
def test_otherwise_every_command_is_built(argv: list[str]) -> None:
    assert invoked(argv) is None
    assert list(_choices(parser_for(argv))) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_s_help_is_complete(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    alone = _choices(parser_for([name]))[name]
    among_all = _choices(parser_for([]))[name]
    assert _help(alone) == _help(among_all)
    assert "--help" in _help(alone)
    for action in among_all._actions:  # every option of the command is in its help
        for option in action.option_strings:
            assert option in _help(alone)


def test_the_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli("--help")  # argparse prints help to sys.stdout
    out = capsys.readouterr().out
    assert code == 0
    for name in COMMANDS:
        assert f"    {name} " in out


def _parse(argv: list[str], parser: argparse.ArgumentParser) -> Any:
    try:
        return vars(parser.parse_args(argv))
    except InputError as exc:
        return [d.format() for d in exc.diagnostics]
    except SystemExit as exc:
        return ("exit", exc.code)


WORDS = ["evaluate", "diff", "test", "log", "export", "keys", "new", "a.json", "b.yaml", "-", "--format", "json",
         "text", "--lang", "en", "--jobs", "2", "--jobs", "0", "--as-of", "2026-01-01", "--limit", "operations=5",
         "--batch", "--explain", "--nope", "-k", "x", "--cases", "--engine", "dask", "--file", "f"]  # fmt: skip


@given(st.lists(st.sampled_from(WORDS), max_size=7))
def test_the_lazy_parser_parses_as_the_full_one(argv: list[str]) -> None:
    """Whatever the words, the parser built for them gives what the full parser gives:
    the same options, or the same usage error."""
    assert _parse(argv, parser_for(argv)) == _parse(argv, parser_for([]))  # [] builds every command


@pytest.mark.parametrize(
    "argv,meant",
    [
        (["evalute", "x"], "'evaluate'"),
        (["valdate"], "'validate'"),
        (["evaluate", "examples/fault.json", "--formt", "json"], "'--format'"),
        (["evaluate", "examples/fault.json", "--format", "jsn"], "'json'"),
        (["diff", "a.yaml", "b.yaml", "--cass", "c.jsonl"], "'--cases'"),
    ],
)
def test_a_misspelt_command_option_or_choice_gets_the_closest(argv: list[str], meant: str) -> None:
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"; did you mean {meant}?") and err.count("\n") == 1


def test_nothing_close_suggests_nothing() -> None:
    code, _, err = cli("zzzz")
    assert code == 2 and "did you mean" not in err


@pytest.mark.parametrize("given", ["101", "-5", "nan", "inf", "abc"])
def test_fail_under_is_a_percentage(given: str) -> None:
    code, out, err = cli("test", f"--fail-under={given}")
    assert (code, out) == (2, "")
    assert f"must be a percentage from 0 to 100, not '{given}'" in err


def _takes(name: str) -> tuple[argparse.ArgumentParser, list[str]]:
    """A command's parser, and words that fill its positionals (the first choice, else a file name)."""
    parser = _choices(parser_for([name]))[name]
    words = [
        str(next(iter(a.choices)) if a.choices else "x.json")
        for a in parser._actions
        if not a.option_strings and not isinstance(a, argparse._SubParsersAction)
    ]
    return parser, words


PAIRS = [
    (name, pair)
    for name in COMMANDS
    for pair in EXCLUSIVE
    if all(option in _takes(name)[0]._option_string_actions for option in pair)
]


def test_the_policy_is_named_twice_in_evaluate_and_schema() -> None:
    assert {(name, pair) for name, pair in PAIRS} >= {
        ("evaluate", ("--policy", "--policy-set")),
        ("schema", ("--policy", "--policy-set")),
        ("schema", ("--policy", "--version")),
    }


@pytest.mark.parametrize("name,pair", PAIRS)
@pytest.mark.parametrize("joined", [False, True])
def test_two_options_naming_the_policy_are_refused_together(name: str, pair: tuple[str, str], joined: bool) -> None:
    """Whichever command takes both, and however they are written: one usage line naming
    both, before any file is read (those named here do not exist)."""
    _, words = _takes(name)
    given = [f"{pair[0]}=a.yaml", f"{pair[1]}=1.0.0"] if joined else [pair[1], "1.0.0", pair[0], "a.yaml"]
    code, out, err = cli(name, *words, *given)
    assert (code, out) == (2, "")
    assert (
        err
        == f"policykit: usage: argument {pair[1]}: not allowed with argument {pair[0]} (they name the policy twice)\n"
    )


@pytest.mark.parametrize("option", ["--policy", "--policy-set"])
def test_either_alone_is_taken(option: str) -> None:
    value = POLICY_FILE if option == "--policy" else POLICY_FILE.parent
    code, out, _ = cli("schema", "case", option, str(value))
    assert code == 0 and out.startswith("{")
