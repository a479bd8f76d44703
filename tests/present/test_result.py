"""The parts of a result are records, as the frozen dataclasses they were: equal to a part
of their own class with equal fields (never to a tuple, nor to another class's record with
the same values), hashed, shown and pickled by their fields, immutable, not iterable, not
ordered, not JSON; matched by position, weakly referenced; ``_fields``, ``_replace`` and
``_asdict`` stand for the functions of :mod:`dataclasses`."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import weakref
from collections import namedtuple
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.policy.model import Policy
from policykit.present.result import (
    ActionResult,
    AssumedFact,
    CitedClause,
    DecisionResult,
    MissingFact,
    PolicyRef,
    Result,
)
from policykit.records import Frozen

from ..conftest import ROOT

AS_OF = date(2026, 11, 27)
PART_CLASSES = (CitedClause, DecisionResult, ActionResult, MissingFact, AssumedFact, PolicyRef)


@pytest.fixture(scope="module")
def results(policy: Policy, shared: Path) -> list[Result]:
    """The fault example with --explain, and an acceptance case with a fact missing."""
    fault = read_case(policy, json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    spec = json.loads(
        (shared / "acceptance" / "cases" / "fault-critical-site-advance-replacement.json").read_text(encoding="utf-8")
    )
    open_case = read_case(policy, spec["case"])
    return [
        evaluate(policy, fault, AS_OF, "en", explain=True),
        evaluate(policy, open_case, date.fromisoformat(spec["as_of"]), "zh"),
    ]


def _parts(results: list[Result]) -> dict[type[Frozen], list[Any]]:
    found: dict[type[Frozen], list[Any]] = {cls: [] for cls in PART_CLASSES}
    for result in results:
        found[PolicyRef].append(result.policy)
        for part in (*result.decisions, *result.trace, *result.actions, *result.missing, *result.assumed):
            found[type(part)].append(part)
            found[CitedClause].extend(getattr(part, "cites", ()))
    return found


def _as_dataclass(part: Any) -> Any:
    """The frozen dataclass the part was, with the part's values."""
    cls = dataclasses.make_dataclass(type(part).__name__, part._fields, frozen=True)
    cls.__qualname__ = type(part).__qualname__
    return cls(*(getattr(part, f) for f in part._fields))


def test_every_part_is_met(results: list[Result]) -> None:
    found = _parts(results)
    assert all(found[cls] for cls in PART_CLASSES), {cls.__name__: len(found[cls]) for cls in PART_CLASSES}


def test_a_part_behaves_as_the_frozen_dataclass_it_was(results: list[Result]) -> None:
    for cls, parts in _parts(results).items():
        for part in parts:
            data = _as_dataclass(part)
            assert repr(part) == repr(data)
            try:
                wanted = hash(data)
            except TypeError:  # a value that is a list: unhashable, as the dataclass was
                with pytest.raises(TypeError):
                    hash(part)
            else:
                assert hash(part) == wanted
            assert copy.copy(part) == part
            if not getattr(part, "rules", ()):  # the rules traced (with --explain) are equal by identity
                assert part == copy.deepcopy(part) == pickle.loads(pickle.dumps(part))
            assert part._replace() == part and part._replace() is not part
            fields = [f.name for f in dataclasses.fields(data)]
            assert list(cls._fields) == fields and cls.__match_args__ == data.__match_args__
            assert part._asdict() == {f: getattr(data, f) for f in fields}  # not recursive
            assert set(fields) <= set(vars(part))
            assert weakref.ref(part)() is part
            with pytest.raises(AttributeError):
                setattr(part, fields[0], None)


def test_a_part_is_no_tuple(results: list[Result]) -> None:
    for cls, parts in _parts(results).items():
        part = parts[0]
        values = tuple(getattr(part, f) for f in cls._fields)
        look_alike = namedtuple(cls.__name__, cls._fields)(*values)  # names known at run time
        assert not isinstance(part, tuple)
        assert part != values and part != look_alike and values != part
        with pytest.raises(TypeError):
            iter(part)
        with pytest.raises(TypeError):
            len(part)
        with pytest.raises(TypeError):
            part < part  # noqa: B015 - not ordered, as the dataclass was not
        with pytest.raises(TypeError):
            json.dumps(part)  # no silent array


def test_a_part_is_matched_by_position_and_by_name(results: list[Result]) -> None:
    decision = results[0].decisions[0]
    match decision:
        case DecisionResult(found_id, title, value, True):
            assert (found_id, title, value) == (decision.id, decision.title, decision.value)
        case _:
            pytest.fail("a decided DecisionResult is not matched by position")
    match results[0].actions[0]:
        case ActionResult(id=found_id, cites=(CitedClause(clause, _, _), *_)):
            assert found_id == results[0].actions[0].id and clause == results[0].actions[0].cites[0].clause
        case _:
            pytest.fail("an ActionResult is not matched by name")


def test_a_changed_copy_is_made_by_replace_not_in_place(results: list[Result]) -> None:
    missing = results[1].missing[0]
    changed = missing._replace(question="?")
    assert changed.question == "?" and missing.question != "?"
    assert changed == MissingFact(missing.fact, missing.needed_for, "?")
    with pytest.raises(TypeError, match="no field"):
        missing._replace(answer="x")
    with pytest.raises(AttributeError):
        missing.question = "?"  # refused: what the test checks
    with pytest.raises(AttributeError):
        del missing.question
    marked = results[0]._replace(case_sha256="0" * 64)
    assert marked.case_sha256 == "0" * 64 and results[0].case_sha256 != marked.case_sha256
    assert marked.to_dict() == {**results[0].to_dict(), "case_sha256": "0" * 64}
