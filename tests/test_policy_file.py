"""The bundled policy against the product owner's spec: every clause verbatim, every
interpretation present, the engine free of the standard's text and ids."""

from __future__ import annotations

import re
from pathlib import Path

from policykit.policy.model import Policy

from .conftest import ROOT


def test_all_65_clauses_are_verbatim(policy: Policy, standard_texts: dict[str, str]) -> None:
    assert len(standard_texts) == 65
    assert list(policy.clauses) == list(standard_texts), "same ids, in the order of the standard"
    for cid, text in standard_texts.items():
        assert policy.clauses[cid].zh == text, cid


def test_every_clause_has_an_english_rendering(policy: Policy) -> None:
    for clause in policy.clauses.values():
        assert clause.en.strip() and not re.search(r"[\u4e00-\u9fff]{4,}", clause.en), clause.id


def test_every_interpretation_sits_on_a_rule(policy: Policy, shared: Path) -> None:
    spec = (shared / "spec" / "STANDARD.md").read_text(encoding="utf-8")
    wanted = sorted(set(re.findall(r"\*\*(INT-\d+)", spec)), key=lambda s: int(s[4:]))
    assert wanted == list(policy.interpretations)
    used: set[str] = set()
    for value in policy.values.values():
        used.update(value.interpretations)
        for rule in value.rules:
            used.update(rule.interpretations)
    used.update(policy.metadata["interpretation"])
    used.add(policy.raw["calendar"]["interpretation"])
    assert set(wanted) == used


def test_metadata_is_a_draft_with_blank_sign_offs(policy: Policy) -> None:
    meta = policy.metadata
    assert meta["version"] == "1.0.0" and meta["status"] == "draft" and meta["effective_from"] is None
    assert set(meta["approvals"]) == {"drafted_by", "reviewed_by", "approved_by", "general_manager"}
    assert all(v is None for v in meta["approvals"].values())


def test_every_rule_cites_a_clause(policy: Policy) -> None:
    for value in policy.values.values():
        for rule in value.rules:
            # its own clause, or one for each part of a when_any condition (the ground that held)
            assert rule.cites or (rule.part_cites and all(rule.part_cites)), f"{value.id} row {rule.index + 1}"
    for step in policy.actions:
        assert step.cites, step.id


def test_contract_defaults_are_declared(policy: Policy) -> None:
    expected = {
        "fault.works_normally": False,
        "fault.misuse": False,
        "fault.third_party_repair": False,
        "fault.disassembled": False,
        "fault.severe_exterior_damage": False,
        "fault.critical_site": False,
        "product.has_warranty_card": True,
        "product.has_company_mark": True,
        "product.origin_proven": False,
        "inspection.damaged": False,
        "inspection.disassembled": False,
        "inspection.accessories_missing": False,
        "return.strongly_requested": False,
        "return.customer_insists": False,
        "return.special_case": False,
        "complaint.serious": False,
        "sale.warranty_months": 12,
        "history": [],
    }
    for name, default in expected.items():
        fact = policy.facts[name]
        assert fact.has_default and fact.default == default, name
    assert not policy.facts["sale.ship_date"].has_default


def test_the_policy_file_names_its_schema() -> None:
    first = (ROOT / "policies" / "standard_v1.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/policy.schema.json"


def test_no_chinese_text_and_no_clause_id_in_the_engine(policy: Policy) -> None:
    """Comments and docstrings included: a clause id written anywhere (``warranty.2`` in
    an example), not only as a string literal."""
    ids = set(policy.clauses)
    dotted = [c for c in ids if "." in c or "-" in c]  # (a one-word id is an ordinary word)
    anywhere = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, dotted)) + r")(?![\w-]|\.\d)")
    for path in (ROOT / "src" / "policykit").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"[\u4e00-\u9fff]", source), f"Chinese text in {path.name}"
        literals = set(re.findall(r"[\"']([a-z][a-z0-9.-]+)[\"']", source))
        assert not (literals & ids - {"transport"}), f"clause ids in {path.name}: {literals & ids}"
        assert not re.search(r"[\"']transport[\"']", source), path.name
        assert not anywhere.search(source), f"clause id {anywhere.search(source)} in {path.name}"
