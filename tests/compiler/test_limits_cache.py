"""The limits a compile checks, and the compile cache: a policy read back from an entry is
refused under limits it would be refused under compiled afresh, whatever limits the entry
was written under, and a run under the default limits keeps using one entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.errors import PolicykitError
from policykit.limits import DEFAULT, Limits
from policykit.policy import cache, compiler
from policykit.policy.compiler import load_policy

from ..conftest import POLICY_FILE, edited_text, long_parameter
from ..test_cache_amend import AMENDMENT

# the limits a compile checks the policy against (what it keeps as its needs)
COMPILE_LIMITS = ("operations", "value_depth", "list_items", "string_chars")


def _outcome(path: Path, limits: Limits, cold: bool) -> tuple[Any, ...]:
    """What loading ``path`` under ``limits`` gives: its SHA-256, or every problem, as shown."""
    with pytest.MonkeyPatch.context() as patch:
        if cold:
            patch.setenv("POLICYKIT_NO_CACHE", "1")
        else:
            patch.delenv("POLICYKIT_NO_CACHE", raising=False)
        try:
            policy, _ = load_policy(path, use_cache=True, limits=limits)
        except PolicykitError as exc:
            return ("refused", [d.format() for d in exc.diagnostics])
    return ("ok", policy.sha256)


def _needs(path: Path) -> dict[str, int]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKIT_NO_CACHE", "1")
        policy, _ = load_policy(path)
    needs: dict[str, int] = policy.memo["needs"]
    return needs


class Writes:
    """The entries the compile cache writes (each :func:`cache.write` call, by name)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = cache.write

        def spy(name: str, entry: dict[str, Any]) -> None:
            self.names.append(name)
            real(name, entry)

        monkeypatch.setattr(cache, "write", spy)


@pytest.fixture()
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache with the entry of the bundled standard, written by a run under the default limits."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKIT_NO_CACHE", raising=False)
    load_policy(POLICY_FILE, use_cache=True)
    assert len(list((tmp_path / "cache").glob("*.bin"))) == 1
    return tmp_path / "cache"


def test_the_compile_keeps_what_it_checked_against_each_limit(needs: dict[str, int]) -> None:
    assert set(needs) == set(COMPILE_LIMITS)
    assert DEFAULT.allows(needs)
    assert needs["value_depth"] >= 2 and needs["operations"] > 100


@pytest.mark.parametrize("name", COMPILE_LIMITS)
def test_each_need_is_the_least_limit_the_policy_passes_under(warm: Path, needs: dict[str, int], name: str) -> None:
    """At its need the policy compiles; one below, it is refused; warm as cold."""
    need = needs[name]
    at, below = DEFAULT.replace(**{name: need}), DEFAULT.replace(**{name: need - 1})
    assert _outcome(POLICY_FILE, at, cold=False) == _outcome(POLICY_FILE, at, cold=True)
    assert _outcome(POLICY_FILE, at, cold=True)[0] == "ok"
    if need > 1:  # (a limit is above 0)
        refused = _outcome(POLICY_FILE, below, cold=True)
        assert refused[0] == "refused" and f"{name} = {need - 1}" in " ".join(refused[1])
        assert _outcome(POLICY_FILE, below, cold=False) == refused


@pytest.fixture(scope="module")
def needs() -> dict[str, int]:
    """What the bundled standard's compile checked against each limit."""
    return _needs(POLICY_FILE)


@pytest.fixture(scope="module")
def warm_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKIT_CACHE_DIR", str(folder))
        patch.delenv("POLICYKIT_NO_CACHE", raising=False)
        load_policy(POLICY_FILE, use_cache=True)
        yield folder


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(COMPILE_LIMITS), percent=st.integers(min_value=1, max_value=250))
def test_warm_and_cold_agree_under_any_limit(warm_module: Path, needs: dict[str, int], name: str, percent: int) -> None:
    """For every value of each limit a compile checks, the entry written under the default
    limits gives what a fresh compile gives."""
    amount = max(1, needs[name] * percent // 100)
    limits = DEFAULT.replace(**{name: amount})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKIT_CACHE_DIR", str(warm_module))
        cold = _outcome(POLICY_FILE, limits, cold=True)
        assert _outcome(POLICY_FILE, limits, cold=False) == cold
    assert (cold[0] == "ok") == (amount >= needs[name])


@settings(max_examples=25, deadline=None)
@given(depth=st.integers(min_value=1, max_value=60))
def test_for_every_value_depth_warm_and_cold_agree(warm_module: Path, depth: int) -> None:
    limits = DEFAULT.replace(value_depth=depth)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYKIT_CACHE_DIR", str(warm_module))
        assert _outcome(POLICY_FILE, limits, cold=False) == _outcome(POLICY_FILE, limits, cold=True)


def test_an_entry_allowed_is_read_back_and_compiles_nothing(
    warm: Path, needs: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = Writes(monkeypatch)

    def no_compile(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled afresh")

    monkeypatch.setattr(compiler, "compile_document", no_compile)
    for limits in (DEFAULT, DEFAULT.replace(**needs), DEFAULT.replace(operations=10**8, value_depth=999)):
        policy, _ = load_policy(POLICY_FILE, use_cache=True, limits=limits)
        assert policy.memo["needs"] == needs
    assert writes.names == []


def test_the_default_run_keeps_one_entry_under_its_own_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry's name is the digest of the policy's bytes alone: runs under the default
    limits, under other limits the policy passes, and again under the default share it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(folder))
    writes = Writes(monkeypatch)
    name = cache.key_of(POLICY_FILE.read_bytes())
    load_policy(POLICY_FILE, use_cache=True)
    assert writes.names == [name]
    for limits in (DEFAULT, DEFAULT.replace(value_depth=20, operations=10**7), DEFAULT.replace(value_depth=1), DEFAULT):
        try:
            load_policy(POLICY_FILE, use_cache=True, limits=limits)
        except PolicykitError:
            assert limits.value_depth == 1
    assert writes.names == [name]  # nothing written again: not under other limits, not after a refusal
    entry = cache.entry_path(name)
    assert entry is not None and [p.name for p in folder.glob("*.bin")] == [Path(entry).name]


def _long_parameter(folder: Path, chars: int) -> Path:
    """The standard with an (unused) parameter of ``chars`` characters."""
    path = folder / "long.yaml"
    path.write_text(edited_text(long_parameter(chars)), encoding="utf-8")
    return path


def test_an_entry_written_under_a_generous_limit_does_not_serve_a_stricter_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead's bug the other way round: the entry was written by a run that allowed more
    than the next one does, and the next run refuses the policy as a fresh compile does."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    path = _long_parameter(tmp_path, DEFAULT.string_chars + 1)
    generous = DEFAULT.replace(string_chars=2 * DEFAULT.string_chars)
    assert _outcome(path, generous, cold=False)[0] == "ok"
    assert len(list((tmp_path / "cache").glob("*.bin"))) == 1  # the entry, written under the generous limit
    for stricter in (DEFAULT, DEFAULT.replace(string_chars=150)):
        refused = _outcome(path, stricter, cold=False)
        assert refused == _outcome(path, stricter, cold=True)
        assert refused[0] == "refused" and "too-large" in refused[1][0]
        assert f"string_chars = {stricter.string_chars}" in refused[1][0]
    assert _outcome(path, generous, cold=False)[0] == "ok"  # the entry still serves a run that allows it


def test_an_amendments_base_is_read_within_policy_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A base is a policy file: read within the limit ``policy_bytes`` like the amendment,
    cold and warm alike."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "standard_v1.yaml").write_bytes(POLICY_FILE.read_bytes())
    amendment = folder / "next.yaml"
    amendment.write_text(AMENDMENT, encoding="utf-8")
    assert _outcome(amendment, DEFAULT, cold=False)[0] == "ok"  # its entry, under the default limits
    small = DEFAULT.replace(policy_bytes=len(AMENDMENT.encode()) + 10)
    refused = _outcome(amendment, small, cold=True)
    assert refused[0] == "refused"
    assert any("standard_v1.yaml" in line and "file-too-large" in line for line in refused[1])
    assert _outcome(amendment, small, cold=False) == refused
