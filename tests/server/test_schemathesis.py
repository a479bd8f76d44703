"""schemathesis against /openapi.json, in-process over ASGI: no 500, and every answer in
its documented status, content type and schema.  Bounded: a fixed number of examples per
operation, no deadline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok

from policykit.policy.resources import data_dir
from policykit.server.app import create_app
from policykit.server.config import ServerConfig

from .conftest import bearer, write_keys

EXAMPLES = 25
# a batch body is text, one JSON case a line: send what is generated as text
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
_DIR = Path(tempfile.mkdtemp(prefix="policykit-schemathesis-"))
APP = create_app(
    ServerConfig(
        policy_set=str(data_dir("policies")),
        log_db=str(_DIR / "log.sqlite3"),
        keys_file=str(write_keys(_DIR / "keys.json")),
    )
)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
# The case format is not the whole contract: a case that fits it can still break a check of
# the policy (a fault before the ship date, a day outside the calendar) and is then 422, as
# CONTRACT.md's invalid cases are.  So "schema-valid data is accepted" does not hold there.
DECIDING = ("POST /v1/evaluate", "POST /v1/evaluate/batch", "POST /v1/interview/record")
# Nor can a pattern say which texts are times: one of the documented form may name no moment
# (2026-02-30, a bad offset) and is then 400, as the API document says.
TIMES = ("GET /v1/decisions",)
EXCLUDED = {label: [schemathesis.checks.positive_data_acceptance] for label in (*DECIDING, *TIMES)}


def _operation(found: Ok[APIOperation[Any, Any, Any, Any]] | Err[InvalidSchema]) -> APIOperation[Any, Any, Any, Any]:
    """The operation, or the schema's own error where /openapi.json describes none well."""
    if isinstance(found, Err):
        raise found.err()
    return found.ok()


OPERATIONS = {op.label: op for op in map(_operation, SCHEMA.get_all_operations())}


def test_every_path_is_tested() -> None:
    assert len(OPERATIONS) >= 12
    assert "POST /v1/evaluate" in OPERATIONS


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_keeps_its_document(label: str) -> None:
    @given(OPERATIONS[label].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        # with the key of every scope; schemathesis also checks that a call without it is refused
        case.call_and_validate(headers=bearer("root"), excluded_checks=EXCLUDED.get(label, []))

    check()
