"""The digests taken without OpenSSL are the standard ones: SHA-256 and BLAKE2b as
``hashlib`` gives them, and the cache's MAC as keyed BLAKE2b (SHA-256 and HMAC-SHA256 on an
interpreter without BLAKE2, where every command still works); a policy read back from the
cache shows the SHA-256 of its file, as one compiled afresh does."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit import digest
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE, ROOT


@given(st.binary(max_size=300))
def test_the_digests_are_hashlib_s(data: bytes) -> None:
    assert digest.sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert digest.key_hex(data) == hashlib.blake2b(data, digest_size=32).hexdigest()


@given(st.binary(min_size=1, max_size=64), st.binary(max_size=300), st.binary(max_size=40))
def test_the_mac_is_keyed_blake2b_and_compared_as_hmac_compares(key: bytes, data: bytes, other: bytes) -> None:
    tag = digest.mac(key, data)
    assert tag == hashlib.blake2b(data, key=key, digest_size=digest.MAC_BYTES).digest()
    assert len(tag) == digest.MAC_BYTES
    assert digest.same(tag, tag) and digest.same(tag, other) == hmac.compare_digest(tag, other)


def test_a_cached_policy_shows_the_sha256_of_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYKIT_NO_CACHE", raising=False)
    wanted = hashlib.sha256(POLICY_FILE.read_bytes()).hexdigest()
    fresh, _ = load_policy(POLICY_FILE, use_cache=True)  # compiled, and stored
    assert list((tmp_path / "cache").glob("*.bin"))
    cached, _ = load_policy(POLICY_FILE, use_cache=True)  # read back
    assert fresh is not cached
    assert fresh.sha256 == cached.sha256 == wanted


@given(st.binary(min_size=1, max_size=64), st.binary(max_size=300))
def test_without_blake2_the_key_is_sha256_and_the_mac_hmac_sha256(key: bytes, data: bytes) -> None:
    saved = digest._BLAKE2[:]
    digest._BLAKE2[:] = [None]  # as if the interpreter had no _blake2 module
    try:
        assert digest.key_hex(data) == hashlib.sha256(data).hexdigest()
        assert digest.mac(key, data) == hmac.new(key, data, hashlib.sha256).digest()
        assert len(digest.mac(key, data)) == digest.MAC_BYTES
    finally:
        digest._BLAKE2[:] = saved


@given(st.binary(max_size=80), st.binary(max_size=300))
def test_hmac_sha256_is_hmac_s(key: bytes, data: bytes) -> None:
    assert digest.hmac_sha256(key, data) == hmac.new(key, data, hashlib.sha256).digest()


# python -m policykit on an interpreter without BLAKE2 (``_blake2`` blocked, as a build
# without it lacks it: hashlib has no blake2b then either), saying at exit whether the
# policy was compiled (YAML read) or read from the compile cache
_NO_BLAKE2 = (
    "import atexit, runpy, sys\n"
    "sys.modules['_blake2'] = None\n"
    "atexit.register(lambda: sys.stderr.write('COMPILED %s\\n' % ('yaml' in sys.modules)))\n"
    "sys.argv = ['policykit', *sys.argv[1:]]\n"
    "runpy.run_module('policykit', run_name='__main__', alter_sys=True)\n"
)
_FAULT = ("evaluate", str(ROOT / "examples" / "fault.json"), "--as-of", "2026-11-27", "--format", "json")


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *_FAULT],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_every_command_works_without_blake2_with_the_cache_on_and_off(tmp_path: Path) -> None:
    """The cache off; the cache on, written then read back: exit 0, the JSON of an
    interpreter with BLAKE2, nothing on stderr (no import of hashlib, which logs an error
    for each BLAKE2 function it cannot find)."""
    base = {k: v for k, v in os.environ.items() if k not in ("POLICYKIT_NO_CACHE", "POLICYKIT_CACHE_DIR")}
    wanted = _run(_NO_BLAKE2.replace("sys.modules['_blake2'] = None", "pass"), {**base, "POLICYKIT_NO_CACHE": "1"})
    assert wanted.returncode == 0, wanted.stderr
    assert json.loads(wanted.stdout)["case_id"]
    cache = tmp_path / "cache"
    runs = [
        ({**base, "POLICYKIT_NO_CACHE": "1"}, True),  # the cache off
        ({**base, "POLICYKIT_CACHE_DIR": str(cache)}, True),  # compiled and stored
        ({**base, "POLICYKIT_CACHE_DIR": str(cache)}, False),  # read back
    ]
    for env, compiled in runs:
        run = _run(_NO_BLAKE2, env)
        assert run.returncode == 0, run.stderr
        assert run.stdout == wanted.stdout
        assert run.stderr == f"COMPILED {compiled}\n"
    assert list(cache.glob("*.bin"))
