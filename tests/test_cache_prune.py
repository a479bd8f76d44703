"""The compile cache folder stays bounded: the newest entries are kept, an entry read
again counts as new, and nothing but entries and stale temporary files is removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.policy import cache, cache_prune
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_prune, "MAX_ENTRIES", 3)
    return tmp_path / "cache"


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _write(name: str) -> Path:
    cache.write(name, {"data": name})
    found = cache.entry_path(name)
    assert found is not None
    return Path(found)


def test_the_folder_keeps_the_newest_entries(folder: Path) -> None:
    paths = []
    for i in range(5):
        paths.append(_write(f"{i:064x}"))
        _age(paths[-1], 1000 - i)  # written in order, oldest first
    paths.append(_write(f"{5:064x}"))
    assert {p.name for p in paths[-3:]} | {"key"} == _names(folder)
    assert all(cache.read(p.name.split("-")[0]) is None for p in paths[:3])
    assert cache.read(f"{5:064x}") == {"data": f"{5:064x}", "format": cache.FORMAT, "name": f"{5:064x}"}


def test_an_entry_read_again_is_kept_over_newer_ones(folder: Path) -> None:
    old = _write("a" * 64)
    _age(old, 3600)
    b, c = _write("b" * 64), _write("c" * 64)
    _age(b, 1800)
    _age(c, 1800)
    assert cache.read("a" * 64) is not None  # in use: marked new
    _write("d" * 64)
    assert _names(folder) == {"key", old.name, c.name, cache.entry_path("d" * 64).split("/")[-1]}  # type: ignore[union-attr]


def test_a_read_soon_after_writing_writes_nothing(folder: Path) -> None:
    entry = _write("e" * 64)
    _age(entry, cache.REFRESH_SECONDS / 2)
    before = entry.stat().st_mtime_ns
    assert cache.read("e" * 64) is not None
    assert entry.stat().st_mtime_ns == before


def test_an_entry_that_fails_its_check_is_not_marked_new(folder: Path) -> None:
    entry = _write("f" * 64)
    _age(entry, 3600)
    blob = bytearray(entry.read_bytes())
    blob[-1] ^= 1
    entry.write_bytes(bytes(blob))
    _age(entry, 3600)
    before = entry.stat().st_mtime_ns
    assert cache.read("f" * 64) is None
    assert entry.stat().st_mtime_ns == before


def test_only_entries_and_stale_temporary_files_are_removed(folder: Path) -> None:
    _write("0" * 64)
    stale, fresh = folder / ".tmp-stale", folder / ".tmp-fresh"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    _age(stale, cache_prune.STALE_TMP_SECONDS + 60)
    other = folder / "notes.txt"
    other.write_text("mine", encoding="utf-8")
    (folder / "sub.bin").mkdir()  # a folder named like an entry
    outside = folder.parent / "elsewhere.bin"
    outside.write_bytes(b"not the cache's")
    (folder / "link.bin").symlink_to(outside)
    for i in range(1, 6):
        _age(_write(f"{i:064x}"), 100 - i)
    names = _names(folder)
    assert {"key", ".tmp-fresh", "notes.txt", "sub.bin", "link.bin"} <= names
    assert ".tmp-stale" not in names
    assert len([n for n in names if n.endswith(".bin") and n not in ("sub.bin", "link.bin")]) == 3
    assert outside.read_bytes() == b"not the cache's"


def test_a_missing_folder_prunes_nothing(tmp_path: Path) -> None:
    assert cache_prune.prune(str(tmp_path / "none")) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=12, unique=True), st.integers(0, 8))
def test_pruning_keeps_exactly_the_newest(tmp_path_factory: pytest.TempPathFactory, ages: list[int], keep: int) -> None:
    """For any ages and bound: the ``keep`` youngest entries stay, every older one goes."""
    folder = tmp_path_factory.mktemp("prune")
    for i, age in enumerate(ages):
        path = folder / f"{i:04d}.bin"
        path.write_bytes(b"x")
        _age(path, age)
    removed = cache_prune.prune(str(folder), keep)
    youngest = sorted(range(len(ages)), key=lambda i: ages[i])[:keep]
    assert {f"{i:04d}.bin" for i in youngest} == _names(folder)
    assert removed == len(ages) - len(youngest)


def test_scratch_policies_leave_a_bounded_folder_and_the_policy_in_use(folder: Path, tmp_path: Path) -> None:
    """A policy editor's many saves: the folder never holds more than its bound, and the
    policy read between saves stays cached (read back, not compiled)."""
    load_policy(POLICY_FILE, use_cache=True)
    main = Path(cache.entry_path(cache.key_of(POLICY_FILE.read_bytes())) or "")
    text = POLICY_FILE.read_text(encoding="utf-8")
    for i in range(4):
        for entry in folder.glob("*.bin"):  # ten minutes pass between saves
            _age(entry, time.time() - entry.stat().st_mtime + 600)
        edited = tmp_path / f"edit{i}.yaml"
        edited.write_text(text + f"\n# save {i}\n", encoding="utf-8")
        load_policy(edited, use_cache=True)
        policy, _ = load_policy(POLICY_FILE, use_cache=True)
        assert all(c.exact is None for v in policy.values.values() for r in v.rules for c in r.parts)  # from the cache
        assert len([n for n in _names(folder) if n.endswith(".bin")]) <= 3
    assert main.exists()
