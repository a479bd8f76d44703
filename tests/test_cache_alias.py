"""A file's alias in the compile cache (:func:`policykit.policy.cache.file_key`): the name
of its bytes' entry, found from the file as ``stat`` describes it, so that a cold run
need not digest a policy it has read before; never the name of other bytes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from policykit.digest import key_hex
from policykit.policy import cache
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE


@pytest.fixture
def counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A cache of its own, and the length of every byte string digested to name an entry."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    lengths: list[int] = []
    real = cache.key_of

    def key_of(raw: bytes) -> str:
        lengths.append(len(raw))
        return real(raw)

    monkeypatch.setattr(cache, "key_of", key_of)
    return lengths


def _settled(path: Path, text: str) -> None:
    """``path`` written with ``text``, its times set back past the settling time (its change time is now)."""
    path.write_text(text, encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))


def _wait_settled() -> None:
    time.sleep(cache.SETTLED_SECONDS + 0.1)  # the change time cannot be set back: a bounded wait


def test_a_settled_file_is_named_by_its_alias_the_second_time(tmp_path: Path, counted: list[int]) -> None:
    path = tmp_path / "p.yaml"
    _settled(path, "some bytes")
    _wait_settled()
    raw = path.read_bytes()
    first = cache.file_key(str(path), raw)
    assert first == key_hex(raw) and counted == [len(raw)]
    assert cache.file_key(str(path), raw) == first
    assert counted == [len(raw)]  # not digested again


def test_a_file_changed_in_any_way_is_digested_again(tmp_path: Path, counted: list[int]) -> None:
    path = tmp_path / "p.yaml"
    _settled(path, "version A")
    _wait_settled()
    before = os.stat(path)
    assert cache.file_key(str(path), path.read_bytes()) == key_hex(b"version A")
    path.write_text("version B", encoding="utf-8")  # the same size, its times set back as they were
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.file_key(str(path), path.read_bytes()) == key_hex(b"version B")


def test_a_file_changed_a_moment_ago_keeps_no_alias(tmp_path: Path, counted: list[int]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("fresh", encoding="utf-8")
    for _ in range(2):
        assert cache.file_key(str(path), b"fresh") == key_hex(b"fresh")
    assert counted == [5, 5]
    assert list((tmp_path / "cache").glob("*")) == []  # nothing written


def test_bytes_that_are_not_the_file_as_it_is_keep_no_alias(tmp_path: Path, counted: list[int]) -> None:
    path = tmp_path / "p.yaml"
    _settled(path, "on disk")
    _wait_settled()
    for _ in range(2):  # read before the file grew, say: named by the bytes given
        assert cache.file_key(str(path), b"read earlier") == key_hex(b"read earlier")
    assert len(counted) == 2


def test_an_alias_of_another_shape_is_not_used(
    tmp_path: Path, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.yaml"
    _settled(path, "bytes")
    _wait_settled()
    written: list[tuple[str, dict[str, object], str]] = []
    real_write = cache.write

    def write(name: str, entry: dict[str, object], suffix: str = ".bin") -> None:
        written.append((name, entry, suffix))
        real_write(name, entry, suffix)

    monkeypatch.setattr(cache, "write", write)
    cache.file_key(str(path), b"bytes")
    ((alias, _, suffix),) = written
    assert suffix == cache.ALIAS_SUFFIX
    real_write(alias, {"key": 42}, suffix)  # authentic, but not a name
    assert cache.file_key(str(path), b"bytes") == key_hex(b"bytes")
    assert len(counted) == 2


def test_a_policy_loaded_twice_from_its_alias_is_the_same(tmp_path: Path, counted: list[int]) -> None:
    path = tmp_path / "standard.yaml"
    _settled(path, POLICY_FILE.read_text(encoding="utf-8"))
    _wait_settled()
    first, _ = load_policy(path, use_cache=True)
    digested = len(counted)
    second, _ = load_policy(path, use_cache=True)
    assert second is not first  # loaded again, from the cache
    assert len(counted) == digested  # the policy's bytes not digested again
    assert second.sha256 == first.sha256 and second.values.keys() == first.values.keys()
