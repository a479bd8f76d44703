"""``--limit`` on every command that loads a policy: the limits reach the compile on the
``--policy`` road and on the policy-set road, and a run gives the same exit status,
stdout and stderr from a warm compile cache as without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, cli

POLICY = ["--policy", "policies/standard_v1.yaml"]
ROADS = {"--policy": POLICY, "policy set": []}


def _policykit(cache: Path, *args: str, cold: bool = False) -> tuple[int, str, str]:
    """``policykit ARGS`` in a fresh interpreter, in the project, under the cache ``cache``
    (``cold``: with ``POLICYKIT_NO_CACHE=1``)."""
    env = {k: v for k, v in os.environ.items() if k != "POLICYKIT_NO_CACHE"}
    env["POLICYKIT_CACHE_DIR"] = str(cache)
    if cold:
        env["POLICYKIT_NO_CACHE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "policykit", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compile cache written by a run under the default limits on each road."""
    cache = tmp_path_factory.mktemp("cache")
    for road in ROADS.values():
        assert _policykit(cache, "evaluate", *road, "examples/fault.json")[0] == 0
    assert list(cache.glob("*.bin"))
    return cache


@pytest.mark.parametrize("road", sorted(ROADS))
def test_a_limit_the_policy_is_over_refuses_it_warm_as_cold(warm: Path, road: str) -> None:
    """The lead's commands: ``evaluate [--policy policies/standard_v1.yaml] --limit value_depth=3
    examples/fault.json``, once the default run has written its entries."""
    args = ("evaluate", *ROADS[road], "--limit", "value_depth=3", "examples/fault.json")
    before = sorted(p.name for p in warm.glob("*.bin"))
    found = _policykit(warm, *args)
    assert found == _policykit(warm, *args, cold=True)
    code, out, err = found
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "too-deep" in err and "over the limit value_depth = 3" in err
    assert sorted(p.name for p in warm.glob("*.bin")) == before  # a refusal writes nothing


@pytest.mark.parametrize("road", sorted(ROADS))
def test_a_limit_the_policy_is_within_decides_warm_as_cold(warm: Path, road: str) -> None:
    args = ("evaluate", *ROADS[road], "--limit", "value_depth=40", "--format", "json", "examples/fault.json")
    found = _policykit(warm, *args)
    assert found == _policykit(warm, *args, cold=True)
    assert found[0] == 0 and found[1].startswith("{")


def test_validate_loads_a_policy_folder_under_the_limits(policy_set: Path) -> None:
    """A folder is checked as a set under the limits given: refused whole, with each file's
    problem, not called a good set while its files are refused."""
    code, out, err = cli("validate", str(policy_set), "--limit", "value_depth=3")
    assert (code, out) == (2, "")
    assert {line.split(": ")[1] for line in err.splitlines()} == {"too-deep"}
    assert len(err.splitlines()) == 2  # one a version
    code, out, _ = cli("validate", str(policy_set), "--limit", "value_depth=40")
    assert code == 0 and "a set of 2 versions" in out


def test_validate_loads_an_amendments_base_under_the_limits(tmp_path: Path) -> None:
    """The base whose contract an amendment must keep is loaded under the limits too (here
    the amendment removes what the limit refuses in its base)."""
    from ..test_cache_amend import AMENDMENT
    from ..test_versions import _long_parameter

    _long_parameter(tmp_path / "standard_v1.yaml", 150, 12)
    amendment = tmp_path / "next.yaml"
    amendment.write_text(AMENDMENT + "  - remove: parameters.long_note\n", encoding="utf-8")
    code, out, err = cli("validate", str(amendment), "--limit", "string_chars=149")
    assert (code, out) == (2, "") and "standard_v1.yaml" in err and "string_chars = 149" in err
    assert cli("validate", str(amendment), "--limit", "string_chars=150")[0] == 0


@pytest.mark.parametrize(
    "given,says",
    [
        ("seconds=inf", "seconds='inf' is not a finite number"),
        ("seconds=nan", "seconds='nan' is not a finite number"),
        ("seconds=1e308", "seconds='1e308' is over the largest a limit may be, 999_999_999_999_999"),
        ("operations=99999999999999999999999", "is over the largest a limit may be"),
        ("operations=0", "operations must be above 0"),
        ("seconds=-1", "seconds must be above 0"),
    ],
)
def test_a_limit_out_of_range_says_why(given: str, says: str) -> None:
    code, out, err = cli("evaluate", str(ROOT / "examples" / "fault.json"), "--limit", given)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"--limit: bad-limit: {err.split('bad-limit: ', 1)[1].strip()}"]
    assert says in err
