"""The fast form of an expression read back from the compile cache: compiled on its first
call, checked by the whitelist before it runs, and a text refused gives way (the exact
form, always right, decides)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from policykit.lang.fastpath import UnknownHit, fast_function, lazy_fast_function, plain_source
from policykit.policy.model import Policy

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
        # names and constants of the whitelist, but not the shape fast_code makes (a review's
        # counter-examples: a text that would hang, exhaust memory or turn a caller into a
        # generator, and calls the inlined road could not run)
        "lambda _e, _k: 9**9**9**9",
        "lambda _e, _k: 'a'*10**11",
        "lambda _e, _k: (yield)",
        "lambda _e, _k: _F_add_days(1)",
        "lambda _e, _k: _bool",
        "lambda _e, _k: get",
        "lambda _e, _k: f'{_k}'",
        "lambda _e, _k=1: 1",
        "lambda _e, _k: _k['a'] + 1",
        "lambda _e, _k: _e.given.clear()",
        "lambda _e, _k: _k[_k['a']]",
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
        lazy_fast_function(compile("lambda _e, _k: 1", "<forged>", "eval"))  # type: ignore[arg-type]  # refused


def test_every_fast_form_the_compiler_makes_has_the_plain_shape(policy: Policy) -> None:
    """The check refuses only forged texts: each fast form of the standard passes it."""
    texts = set()
    for value in policy.values.values():
        for rule in value.rules:
            for expr in (*rule.parts, *([rule.outcome] if rule.outcome else []), *(c.when for c in rule.cites)):
                if expr is not None and expr.fast_source is not None:
                    texts.add(expr.fast_source)
    assert len(texts) > 50
    assert [t for t in texts if not plain_source(t)] == []
