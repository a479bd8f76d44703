"""The policy's JSON Schema gives an editor the amendment files too: an amendment (a file
with ``changes:``) is checked as one, a full policy as before."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from policykit.policy.yamlload import load_yaml

from .conftest import POLICY_FILE, ROOT

SCHEMA = json.loads((ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
AMENDMENTS = sorted((ROOT / "tests" / "fixtures" / "revisions").glob("*.yaml"))


def _data(path: Path) -> Any:
    doc, diags = load_yaml(path.read_text(encoding="utf-8"))
    assert doc is not None, diags
    return doc.data


def _messages(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_the_bundled_policy_and_every_amendment_pass() -> None:
    assert AMENDMENTS
    for path in [POLICY_FILE, *AMENDMENTS]:
        assert _messages(_data(path)) == [], path


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d["changes"][0].update(wiht=1),  # a misspelt key of a change
        lambda d: d["changes"][0].pop(next(k for k in ("add", "replace", "remove") if k in d["changes"][0])),
        lambda d: d["changes"].append({"replace": "parameters.x.value"}),  # replace without `with`
        lambda d: d["changes"].append({"rename": "facts[a]", "with": 1}),  # no such operation
        lambda d: d.update(amends="one"),  # not a version
        lambda d: d.pop("amends"),
        lambda d: d["metadata"].update(stauts="approved"),  # a misspelt metadata key
        lambda d: d.update(clauses=[]),  # a full policy's section in an amendment
    ],
)
def test_a_broken_amendment_is_flagged(spoil: Any) -> None:
    data = copy.deepcopy(_data(AMENDMENTS[0]))
    spoil(data)
    assert _messages(data)


def test_a_full_policy_is_still_checked_as_one() -> None:
    data = copy.deepcopy(_data(POLICY_FILE))
    del data["clauses"]
    assert any("'clauses' is a required property" in m for m in _messages(data))
