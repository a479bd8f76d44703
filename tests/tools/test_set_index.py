"""A policy set's index in the compile cache: evaluate builds only the version it
chooses, decides byte for byte as a fresh compile does (cold cache, warm cache, no
cache), and a folder edited in any way, or an index forged or corrupt, is loaded and
checked in full as before."""

from __future__ import annotations

import json
import marshal
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.digest import MAC_BYTES
from policykit.errors import PolicyError
from policykit.policy import cache, compiler
from policykit.tools import document, versions
from policykit.tools.set_index import index_key
from policykit.tools.versions import load_policy_set

from ..conftest import POLICY_FILE, ROOT, SHARED, cli
from ..test_cache import _sign
from ..test_cache_amend import AMENDMENT as AMENDED

# 2.0.0 in force from 2026-04-01 (approved), v1.0 (a draft) before it
AMENDMENT = AMENDED.replace(
    "  supersedes: 1.0.0\n",
    '  supersedes: 1.0.0\n  status: approved\n  effective_from: "2026-04-01"\n'
    "  approvals: {drafted_by: a, reviewed_by: b, approved_by: c, general_manager: d}\n",
)
EFFECTIVE = date(2026, 4, 1)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose policies/ holds v1.0 and its amendment 2.0.0, the current folder;
    an empty cache; no chooser of an earlier run in this process."""
    policies = tmp_path / "project" / "policies"
    policies.mkdir(parents=True)
    (policies / "standard_v1.yaml").write_bytes(POLICY_FILE.read_bytes())
    (policies / "next.yaml").write_text(AMENDMENT, encoding="utf-8")
    monkeypatch.chdir(policies.parent)
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(document, "_CHOOSERS", {})
    return policies


class Built:
    """The files of the versions a set builds (each a :func:`load_policy` call)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[str] = []
        real = compiler.load_policy

        def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
            self.files.append(Path(path).name)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(versions, "load_policy", spy)


def _cases() -> list[tuple[str, dict[str, Any], str]]:
    """(name, case, as_of) of every acceptance case and example."""
    out = []
    for path in sorted((SHARED / "acceptance" / "cases").glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        out.append((path.stem, spec["case"], spec["as_of"]))
    for path in sorted((ROOT / "examples").glob("*.json")):
        out.append((path.stem, json.loads(path.read_text(encoding="utf-8")), "2026-11-27"))
    return out


def _run(case_file: Path, as_of: str, fmt: str, fresh_chooser: bool) -> tuple[int, str, str]:
    if fresh_chooser:
        document._CHOOSERS.clear()  # as a new process would: the set loaded again (from the cache)
    return cli("evaluate", str(case_file), "--as-of", as_of, "--format", fmt, "--lang", "en")


def test_results_are_those_of_a_fresh_compile_cold_and_warm(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every acceptance case and example, JSON and text, under 2.0.0 (requests from its
    effective date) and v1.0 (before): the same bytes without a cache, from a cold one
    and from a warm one."""
    cases = _cases()
    files = []
    for name, case, as_of in cases:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        files.append((path, as_of))
    monkeypatch.setenv("POLICYKIT_NO_CACHE", "1")
    fresh = {(p, fmt): _run(p, as_of, fmt, False) for p, as_of in files for fmt in ("json", "text")}
    monkeypatch.delenv("POLICYKIT_NO_CACHE")
    used = {json.loads(fresh[(p, "json")][1])["policy"]["version"] for p, _ in files}
    assert used == {"1.0.0", "2.0.0"}
    assert all(code == 0 for code, _, _ in fresh.values())
    cold_dir = tmp_path / "cold"
    for fmt in ("json", "text"):
        for version in ("1.0.0", "2.0.0"):  # one case each into an empty cache
            path, as_of = next(f for f in files if json.loads(fresh[(f[0], "json")][1])["policy"]["version"] == version)
            monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(cold_dir / f"{fmt}-{version}"))
            assert _run(path, as_of, fmt, True) == fresh[(path, fmt)]
            assert _run(path, as_of, fmt, True) == fresh[(path, fmt)]  # warm
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    _run(*files[0], "json", True)  # the entries and the index written
    built = Built(monkeypatch)
    warm = {(p, fmt): _run(p, as_of, fmt, True) for p, as_of in files for fmt in ("json", "text")}
    assert warm == fresh
    assert len(built.files) == len(warm)  # one version built for each run


@pytest.mark.parametrize(("day", "chosen"), [("2026-02-10", "standard_v1.yaml"), ("2026-05-20", "next.yaml")])
def test_a_warm_run_builds_only_the_version_it_chooses(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, day: str, chosen: str
) -> None:
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["request"]["date"] = day
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    first = _run(path, "2026-11-27", "json", True)
    assert first[0] == 0
    built = Built(monkeypatch)
    assert _run(path, "2026-11-27", "json", True) == first
    assert built.files == [chosen]


def test_the_lazy_set_chooses_as_the_full_set_does(project: Path) -> None:
    full = load_policy_set(project, use_cache=True)  # the index written
    lazy = load_policy_set(project, use_cache=True, lazy=True)
    assert lazy._lazy() is not None and full._lazy() is None

    @settings(max_examples=200, deadline=None)
    @given(st.integers(-800, 800), st.booleans())
    def same(offset: int, allow_draft: bool) -> None:
        on = EFFECTIVE + timedelta(days=offset)
        assert lazy.select(on, allow_draft).sha256 == full.select(on, allow_draft).sha256

    same()
    assert lazy.latest.sha256 == full.latest.sha256
    for p in full.versions:
        assert lazy.by_sha256(p.sha256) is lazy.by_version(p.id, p.version)
        assert lazy.by_version(p.id, p.version).sha256 == p.sha256  # type: ignore[union-attr]
    assert lazy.by_sha256("0" * 64) is None and lazy.by_version("x", "1.0.0") is None
    chosen = lazy.select(EFFECTIVE)
    assert [p.sha256 for p in lazy.versions] == [p.sha256 for p in full.versions]
    assert chosen in lazy.versions and lazy._lazy() is None  # built once, all built now
    assert lazy == versions.PolicySet(project, lazy.versions)  # a record of its folder and versions, as any set


def _index_file(project: Path) -> Path:
    key = index_key([str(p) for p in sorted(project.iterdir())])
    assert key is not None
    found = cache.entry_path(key)
    assert found is not None
    return Path(found)


FORGED: dict[str, Any] = {
    "flipped byte": None,
    "garbage": None,
    "a file not in the folder": lambda rows: [("gone.yaml", *rows[0][1:]), rows[1]],
    "no rows": lambda rows: [],
    "a row too short": lambda rows: [rows[0][:5], rows[1]],
    "a bad date": lambda rows: [rows[0], (*rows[1][:4], "2026-13-01", rows[1][5])],
    "a number for a version": lambda rows: [(rows[0][0], rows[0][1], 1, *rows[0][3:]), rows[1]],
    "a version the set cannot order": lambda rows: [rows[0], (rows[1][0], rows[1][1], "2.x", *rows[1][3:])],
}


@pytest.mark.parametrize("forge", sorted(FORGED))
def test_a_forged_or_corrupt_index_is_a_miss(project: Path, monkeypatch: pytest.MonkeyPatch, forge: str) -> None:
    full = load_policy_set(project, use_cache=True)
    entry = _index_file(project)
    blob = entry.read_bytes()
    data = marshal.loads(blob[len(cache.MAGIC) + MAC_BYTES :])
    assert [r[0] for r in data["versions"]] == ["standard_v1.yaml", "next.yaml"]
    if forge == "flipped byte":
        entry.write_bytes(blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:])
    elif forge == "garbage":
        entry.write_bytes(b"\x00garbage")
    else:
        _sign(entry, {**data, "versions": FORGED[forge](data["versions"])})
    built = Built(monkeypatch)
    lazy = load_policy_set(project, use_cache=True, lazy=True)
    assert sorted(built.files) == ["next.yaml", "standard_v1.yaml"]  # loaded in full
    assert lazy._lazy() is None
    assert [p.sha256 for p in lazy.versions] == [p.sha256 for p in full.versions]


def test_a_broken_version_is_reported_as_without_the_index(project: Path, tmp_path: Path) -> None:
    """The index of the folder as it was is not the folder's now: evaluate loads every
    version and reports every problem, as it does with no cache."""
    case = tmp_path / "case.json"
    case.write_bytes((ROOT / "examples" / "fault.json").read_bytes())
    assert _run(case, "2026-11-27", "json", True)[0] == 0  # the index written
    broken = project / "next.yaml"
    broken.write_text(AMENDMENT.replace("parameters.standard_warranty_months", "parameters.standard_warranty"), "utf-8")
    code, out, err = _run(case, "2026-11-27", "json", True)
    assert (code, out) == (2, "") and "next.yaml" in err and "amend-unknown" in err
    import os

    os.environ["POLICYKIT_NO_CACHE"] = "1"
    try:
        assert _run(case, "2026-11-27", "json", True) == (code, out, err)
    finally:
        del os.environ["POLICYKIT_NO_CACHE"]


def test_a_set_of_one_version_keeps_no_index(project: Path) -> None:
    (project / "next.yaml").unlink()
    load_policy_set(project, use_cache=True)
    assert not _index_file(project).exists()
    assert load_policy_set(project, use_cache=True, lazy=True)._lazy() is None


def test_a_version_edited_after_the_set_was_made_is_refused_not_used(project: Path) -> None:
    """The lazy set chose by its index; the file it then builds must be the one the index
    describes (a full set built every version at once): an edit in between is an error
    naming the file, never a version that was not in force on the case's day."""
    load_policy_set(project, use_cache=True)  # the index written
    lazy = load_policy_set(project, use_cache=True, lazy=True)
    amendment = project / "next.yaml"
    amendment.write_text(
        AMENDMENT.replace("version: 2.0.0", "version: 3.0.0").replace("2026-04-01", "2027-01-01"), encoding="utf-8"
    )
    with pytest.raises(PolicyError) as caught:
        lazy.select(EFFECTIVE + timedelta(days=30))
    (problem,) = caught.value.diagnostics
    assert problem.code == "set-changed" and problem.file.endswith("next.yaml")
    assert lazy.select(EFFECTIVE - timedelta(days=1)).version == "1.0.0"  # an untouched version still serves


def _case(tmp_path: Path, day: str = "2026-05-20") -> Path:
    case = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    case["request"]["date"] = day
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def _both(case: Path, monkeypatch: pytest.MonkeyPatch, *limit: str) -> tuple[int, str, str]:
    """``evaluate CASE --limit ...`` on the set road, from the cache and without it: the same."""
    argv = ["evaluate", str(case), "--as-of", "2026-11-27", "--format", "json", *limit]
    document._CHOOSERS.clear()
    warm = cli(*argv)
    monkeypatch.setenv("POLICYKIT_NO_CACHE", "1")
    document._CHOOSERS.clear()
    cold = cli(*argv)
    monkeypatch.delenv("POLICYKIT_NO_CACHE")
    assert warm == cold
    return warm


@pytest.mark.parametrize(
    ("limit", "refused"),
    [
        ("value_depth=3", "too-deep"),
        ("operations=100", "limit-exceeded"),  # the compile itself runs out
        ("list_items=999", "too-costly"),
        ("value_depth=40", None),
        ("operations=100000000", None),
    ],
)
def test_the_set_road_under_a_limit_gives_what_a_fresh_compile_gives(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, refused: str | None
) -> None:
    """The index and the entries written by a run under the default limits serve a run
    under ``--limit`` only as far as a fresh compile of every version would."""
    case = _case(tmp_path)
    assert _both(case, monkeypatch)[0] == 0  # the entries and the index written
    built = Built(monkeypatch)
    code, out, err = _both(case, monkeypatch, "--limit", limit)
    name = limit.split("=")[0]
    if refused is None:
        assert code == 0 and json.loads(out)["policy"]["version"] == "2.0.0"
        assert built.files[0] == "next.yaml"  # from the index: the chosen version first
    else:
        assert (code, out) == (2, "")
        assert refused in err and f"{name} = {limit.split('=')[1]}" in err and "standard_v1.yaml" in err


def test_a_warm_set_under_limits_it_allows_builds_only_the_chosen_version(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case(tmp_path)
    assert _run(case, "2026-11-27", "json", True)[0] == 0
    built = Built(monkeypatch)
    document._CHOOSERS.clear()
    assert cli("evaluate", str(case), "--as-of", "2026-11-27", "--limit", "value_depth=40")[0] == 0
    assert built.files == ["next.yaml"]


def test_an_index_written_under_a_generous_limit_does_not_serve_a_stricter_run(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both versions hold a parameter longer than the default string_chars: a set loaded
    (and its index kept) under a larger limit is refused under the default one, from the
    cache as without it, and still served under the larger one."""
    from policykit.limits import DEFAULT

    from ..conftest import edited_text, long_parameter

    long = edited_text(long_parameter(DEFAULT.string_chars + 1))
    (project / "standard_v1.yaml").write_text(long, encoding="utf-8")
    generous = DEFAULT.replace(string_chars=2 * DEFAULT.string_chars)
    load_policy_set(project, use_cache=True, limits=generous)  # the index written under it
    assert _index_file(project).exists()
    assert load_policy_set(project, use_cache=True, lazy=True, limits=generous)._lazy() is not None
    for stricter in (DEFAULT, DEFAULT.replace(string_chars=5)):
        with pytest.raises(PolicyError) as caught:
            load_policy_set(project, use_cache=True, lazy=True, limits=stricter)
        assert {d.code for d in caught.value.diagnostics} == {"too-large"}
    case = _case(tmp_path)
    code, out, err = _both(case, monkeypatch)
    assert (code, out) == (2, "") and f"string_chars = {DEFAULT.string_chars}" in err
    assert _both(case, monkeypatch, "--limit", f"string_chars={generous.string_chars}")[0] == 0


def test_the_index_keeps_the_most_each_version_needs(project: Path) -> None:
    full = load_policy_set(project, use_cache=True)
    data = marshal.loads(_index_file(project).read_bytes()[len(cache.MAGIC) + MAC_BYTES :])
    each = [p.memo["needs"] for p in full.versions]
    assert data["needs"] == {name: max(n[name] for n in each) for name in each[0]}
