"""The fast form of an expression read back from the compile cache: compiled on its first
call, checked by the whitelist before it runs, and a text refused gives way (the exact
form, always right, decides)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from policykit.lang.fastpath import UnknownHit, fast_function, lazy_fast_function

GOOD = [
    ("lambda _e, _k: _k['a'] and not _k['b']", {"a": True, "b": False}),
    ("lambda _e, _k: _k['n'] in (1, 2, 3)", {"n": 2}),
    ("lambda _e, _k: 'x' if _k['n'] else 'y'", {"n": 0}),
]


@pytest.mark.parametrize(("text", "known"), GOOD)
def test_a_lazy_form_is_compiled_on_first_call_and_gives_what_the_eager_one_gives(
    text: str, known: dict[str, Any]
) -> None:
    lazy = lazy_fast_function(text)
    stub = lazy.__code__
    env = SimpleNamespace()
    assert lazy(env, known) == fast_function(text)(env, known)
    assert lazy.__code__ is not stub and lazy.__code__.co_filename == "<policy expression>"
    assert lazy(env, known) == fast_function(text)(env, known)  # the code itself now


@pytest.mark.parametrize(
    "forged",
    [
        "lambda _e, _k: _F_len.__globals__",
        "lambda _e, _k: open('/etc/passwd').read()",
        "__import__('os').system('false')",
        "lambda _e, _k: ().__class__.__base__.__subclasses__()",
        "lambda _e, _k: (",
        "(lambda _e, _k: 1) if _bool(1) else None",  # whitelisted names, but not one lambda alone
        "lambda _e: 1",
    ],
)
def test_a_refused_text_never_runs_and_gives_way(forged: str) -> None:
    with pytest.raises(ValueError):
        fast_function(forged)
    lazy = lazy_fast_function(forged)  # nothing is compiled yet: nothing to refuse
    for _ in range(2):
        with pytest.raises(UnknownHit):
            lazy(SimpleNamespace(), {})


def test_only_a_text_can_be_a_lazy_form() -> None:
    with pytest.raises(ValueError):
        lazy_fast_function(compile("lambda _e, _k: 1", "<forged>", "eval"))  # type: ignore[arg-type]
