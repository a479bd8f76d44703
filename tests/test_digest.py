"""The digests taken without OpenSSL are the standard ones: SHA-256 and BLAKE2b as
``hashlib`` gives them, and the cache's MAC as keyed BLAKE2b; a policy read back from the
cache shows the SHA-256 of its file, as one compiled afresh does."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykit import digest
from policykit.policy.compiler import load_policy

from .conftest import POLICY_FILE


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
