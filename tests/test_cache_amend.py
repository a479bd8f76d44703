"""An amendment in the compile cache: read back like any version, named by its folder's
files too (so any edit there compiles afresh, with the new meaning), and the same policy,
places and chain as a fresh compile."""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit.digest import MAC_BYTES
from policykit.limits import DEFAULT, Limits
from policykit.policy import amend, cache, compiler, yamlload
from policykit.policy.amend_key import chain_paths
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE
from .test_cache import _places, _sign

AMENDMENT = """\
policykit: 1
amends: 1.0.0
metadata:
  version: 2.0.0
  supersedes: 1.0.0
changes:
  - replace: contract.case.fields[sale.return_days].maximum
    with: 3650
  - add: contract.case.fields[sale.channel]
    with: {type: string, max_length: 100, description: "how the unit was sold"}
  - replace: parameters.standard_warranty_months.value
    with: 18
"""
# an amendment of the amendment: a chain of three files
SECOND = """\
policykit: 1
amends: 2.0.0
metadata:
  version: 2.1.0
  supersedes: 2.0.0
changes:
  - replace: parameters.replacement_ship_working_days.value
    with: 2
"""


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A policy folder of v1.0, its amendment 2.0.0 and that one's 2.1.0; a fresh cache."""
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "standard_v1.yaml").write_bytes(POLICY_FILE.read_bytes())
    (policies / "next.yaml").write_text(AMENDMENT, encoding="utf-8")
    (policies / "after.yaml").write_text(SECOND, encoding="utf-8")
    return policies


class Compiles:
    """Counts every run of the stages a policy read from its entry never runs: parsing
    YAML, resolving an amendment and compiling a document."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for module, name in ((yamlload, "load_yaml"), (amend, "resolve"), (compiler, "compile_document")):
            monkeypatch.setattr(module, name, self._spy(name, getattr(module, name)))

    def _spy(self, name: str, real: Any) -> Any:
        def spy(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return real(*args, **kwargs)

        return spy


def _entry_of(path: Path) -> Path:
    """The entry file of the amendment at ``path``, named by its folder's files too."""
    from policykit.policy.amend_key import amendment_key_bytes

    named = amendment_key_bytes(path.read_bytes(), str(path.parent), DEFAULT.policy_bytes)
    assert named is not None
    found = cache.entry_path(cache.key_of(named))
    assert found is not None
    return Path(found)


def _payload(entry: Path) -> dict[str, Any]:
    data: dict[str, Any] = marshal.loads(entry.read_bytes()[len(cache.MAGIC) + MAC_BYTES :])
    return data


def _same(cached: Any, fresh: Any) -> None:
    """``cached`` is the policy ``fresh`` is: data, SHA-256, file, places and chain."""
    assert cached is not fresh
    assert (cached.raw, cached.sha256, cached.file, cached.case_schema) == (
        fresh.raw,
        fresh.sha256,
        fresh.file,
        fresh.case_schema,
    )
    assert _places(cached) == _places(fresh)
    assert cached.memo["amendment_chain"] == fresh.memo["amendment_chain"]


@pytest.mark.parametrize("name", ["next.yaml", "after.yaml"])
def test_a_warm_amendment_is_read_from_its_entry_and_compiles_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    fresh, _ = load_policy(folder / name)  # no cache
    first, _ = load_policy(folder / name, use_cache=True)  # compiled, and the entry written
    assert _entry_of(folder / name).exists()
    spy = Compiles(monkeypatch)
    warm, warnings = load_policy(folder / name, use_cache=True)
    assert spy.calls == [] and warnings == []
    assert all(c.exact is None for v in warm.values.values() for r in v.rules for c in r.parts)  # from the entry
    _same(warm, fresh)
    _same(first, fresh)
    assert warm.parameters["standard_warranty_months"].value == 18
    assert len(warm.memo["amendment_chain"]) == (2 if name == "next.yaml" else 3)


@pytest.mark.parametrize("spelling", ["relative", "dotted", "doubled", "absolute"])
def test_the_chain_read_back_names_the_files_as_a_fresh_resolution_does(
    folder: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    """The entry keeps the chain by names within the folder; read back from a path spelled
    any way, it names each file as resolving from that path would (``policykit show``)."""
    monkeypatch.chdir(folder.parent)
    spellings: dict[str, str | Path] = {
        "relative": "policies/after.yaml",
        "dotted": "./policies/after.yaml",
        "doubled": "policies//after.yaml",
        "absolute": folder / "after.yaml",
    }
    path = spellings[spelling]
    load_policy(folder / "after.yaml", use_cache=True)  # the entry written from another spelling
    fresh, _ = load_policy(path)
    spy = Compiles(monkeypatch)
    warm, _ = load_policy(path, use_cache=True)
    assert spy.calls == []
    _same(warm, fresh)


_SEGMENTS = st.sampled_from(["", ".", "..", "a", "b.yaml", "policies", ".yaml", "x y"])


@given(st.lists(_SEGMENTS, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_chain_paths_name_files_as_pathlib_does(parts: list[str], absolute: bool, as_path: bool) -> None:
    text = ("/" if absolute else "") + "/".join(parts)
    given_path: str | Path = Path(text) if as_path else text
    assert chain_paths(given_path, ["s.yaml", "t.yml"]) == [str(Path(text).parent / n) for n in ("s.yaml", "t.yml")]


# a file of the chain, an edit of it, and the value it changes in 2.1.0
EDITS = {
    "standard_v1.yaml": (
        "  repair_ship_days:\n    value: 4\n",
        "  repair_ship_days:\n    value: 6\n",
        "repair_ship_days",
        6,
    ),
    "next.yaml": ("months.value\n    with: 18\n", "months.value\n    with: 24\n", "standard_warranty_months", 24),
}


@pytest.mark.parametrize("edited", sorted(EDITS))
def test_editing_a_file_it_is_resolved_from_compiles_afresh_with_the_new_meaning(
    folder: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    """2.1.0 amends 2.0.0, which amends v1.0: an edit of either base (2.1.0's bytes are
    unchanged) is read at the next run, not the entry of before."""
    before, after, name, value = EDITS[edited]
    warm, _ = load_policy(folder / "after.yaml", use_cache=True)
    assert warm.parameters[name].value != value
    target = folder / edited
    text = target.read_text(encoding="utf-8")
    assert before in text
    target.write_text(text.replace(before, after), encoding="utf-8")
    spy = Compiles(monkeypatch)
    again, _ = load_policy(folder / "after.yaml", use_cache=True)
    assert "compile_document" in spy.calls
    assert again.parameters[name].value == value
    assert again.sha256 != warm.sha256
    spy.calls.clear()
    read_back, _ = load_policy(folder / "after.yaml", use_cache=True)  # the new entry
    assert spy.calls == [] and read_back.parameters[name].value == value


@pytest.mark.parametrize("change", ["a new file", "a removed file", "a renamed base"])
def test_any_change_of_the_folder_makes_a_new_name(folder: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    load_policy(folder / "next.yaml", use_cache=True)
    if change == "a new file":
        (folder / "notes.yml").write_text("policykit: 1\n", encoding="utf-8")
    elif change == "a removed file":
        (folder / "after.yaml").unlink()
    else:
        (folder / "standard_v1.yaml").rename(folder / "v1.yaml")
    spy = Compiles(monkeypatch)
    again, _ = load_policy(folder / "next.yaml", use_cache=True)
    assert "compile_document" in spy.calls
    fresh, _ = load_policy(folder / "next.yaml")
    assert again.memo["amendment_chain"] == fresh.memo["amendment_chain"]
    assert again.memo["amendment_chain"][-1].endswith("v1.yaml" if change == "a renamed base" else "standard_v1.yaml")


def test_an_amendment_the_quick_look_misses_is_not_kept_by_its_bytes_alone(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``"amends":`` (a quoted key) is an amendment the bytes search does not see: its entry
    would be named by its own bytes only, so none is written, and an edit of its base is
    read at the next run."""
    quoted = folder / "quoted.yaml"
    quoted.write_text(AMENDMENT.replace("amends: 1.0.0", '"amends": 1.0.0').replace("2.0.0", "3.0.0"), "utf-8")
    assert not compiler.amends_a_version(quoted.read_bytes())
    first, _ = load_policy(quoted, use_cache=True)
    assert first.memo["amendment_chain"]
    assert cache.read(cache.key_of(quoted.read_bytes())) is None
    before, after, name, value = EDITS["standard_v1.yaml"]
    base = folder / "standard_v1.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace(before, after), "utf-8")
    again, _ = load_policy(quoted, use_cache=True)
    assert again.parameters[name].value == value != first.parameters[name].value


def test_an_entry_with_a_chain_under_a_name_of_its_bytes_alone_is_a_miss(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An authentic entry that keeps a chain but is named by a file's bytes alone (which
    this version never writes) is not used: such a name does not cover the base."""
    load_policy(folder / "next.yaml", use_cache=True)
    amended = _payload(_entry_of(folder / "next.yaml"))
    plain = folder / "plain.yaml"
    plain.write_bytes(POLICY_FILE.read_bytes())
    load_policy(plain, use_cache=True)
    path = cache.entry_path(cache.key_of(plain.read_bytes()))
    assert path is not None
    entry = Path(path)
    _sign(entry, {**amended, "name": entry.name.split("-")[0]})
    spy = Compiles(monkeypatch)
    policy, _ = load_policy(plain, use_cache=True)
    assert "compile_document" in spy.calls
    assert policy.parameters["standard_warranty_months"].value == 12 and "amendment_chain" not in policy.memo


@pytest.mark.parametrize(
    "forge",
    [
        "flipped byte",
        "garbage",
        "changed value unsigned",
        "chain not a list",
        "chain of numbers",
        "no chain",
        "no lines",
    ],
)
def test_a_forged_or_corrupt_amendment_entry_is_a_miss(
    folder: Path, monkeypatch: pytest.MonkeyPatch, forge: str
) -> None:
    fresh, _ = load_policy(folder / "next.yaml")
    load_policy(folder / "next.yaml", use_cache=True)
    entry = _entry_of(folder / "next.yaml")
    blob = bytearray(entry.read_bytes())
    data = _payload(entry)
    if forge == "flipped byte":
        blob[len(blob) // 2] ^= 0x01
        entry.write_bytes(bytes(blob))
    elif forge == "garbage":
        entry.write_bytes(b"\x00garbage")
    elif forge == "changed value unsigned":
        data["data"]["parameters"]["standard_warranty_months"]["value"] = 99
        entry.write_bytes(bytes(blob[: len(cache.MAGIC) + MAC_BYTES]) + marshal.dumps(data))
    else:
        if forge == "chain not a list":
            data["chain"] = "standard_v1.yaml"
        elif forge == "chain of numbers":
            data["chain"] = [1]
        elif forge == "no chain":
            del data["chain"]
        else:
            del data["lines"]
        _sign(entry, data)
    spy = Compiles(monkeypatch)
    policy, _ = load_policy(folder / "next.yaml", use_cache=True)
    assert "compile_document" in spy.calls
    _same(policy, fresh)
    spy.calls.clear()
    read_back, _ = load_policy(folder / "next.yaml", use_cache=True)  # rewritten, authentic again
    assert spy.calls == []
    _same(read_back, fresh)


def test_an_unlistable_folder_only_costs_speed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykit.policy import amend_key

    monkeypatch.setattr(amend_key, "folder_bytes", lambda folder, most: None)
    fresh, _ = load_policy(folder / "next.yaml")
    for _ in range(2):
        spy = Compiles(monkeypatch)
        policy, _ = load_policy(folder / "next.yaml", use_cache=True)
        assert "compile_document" in spy.calls
        _same(policy, fresh)
    assert not _entry_of_exists(folder)


def _entry_of_exists(folder: Path) -> bool:
    return any(
        "chain" in _payload(p) and _payload(p)["chain"] for p in Path(os.environ["POLICYKIT_CACHE_DIR"]).glob("*.bin")
    )


def test_a_file_of_the_folder_over_the_limit_is_not_read_to_name_the_entry(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry's name reads each file of the folder up to the policy limit: a larger
    one (no policy file is that long) leaves the amendment compiled, as without the cache."""
    small = Limits(policy_bytes=len(POLICY_FILE.read_bytes()) + 10)
    fresh, _ = load_policy(folder / "next.yaml", limits=small)
    (folder / "big.yml").write_bytes(b"#" * (small.policy_bytes + 1))
    for _ in range(2):
        spy = Compiles(monkeypatch)
        policy, _ = load_policy(folder / "next.yaml", use_cache=True, limits=small)
        assert "compile_document" in spy.calls
        _same(policy, fresh)
    (folder / "big.yml").unlink()
    load_policy(folder / "next.yaml", use_cache=True, limits=small)
    spy = Compiles(monkeypatch)
    load_policy(folder / "next.yaml", use_cache=True, limits=small)
    assert spy.calls == []
