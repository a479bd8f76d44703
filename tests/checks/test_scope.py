"""``policykit check``: a clause cited, with no condition of its own, where the situation it
governs may not hold (``governs`` on a clause; cited-out-of-scope)."""

from __future__ import annotations

from pathlib import Path

from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.tools.checks import check_policy

from ..conftest import cli, edited_policy

# the step as it was: both procedures' registration clauses, whatever the case
REGISTER_UNCONDITIONALLY = (
    """    cites:
      - clause: ops.exchange.procedure.2
        when: request.type == 'fault' and service.type in ['free_replacement', 'free_repair']
      - clause: ops.paid-repair.procedure.1
        when: request.type == 'fault' and service.type == 'paid_repair'
      - clause: ops.complaint.1
        when: request.type == 'complaint'
      - ops.records.content""",
    """    cites: [ops.exchange.procedure.2, ops.paid-repair.procedure.1, ops.records.content]""",
)
# a row of the free replacement citing a paid-repair condition
ROW_OUT_OF_SCOPE = (
    """        cites: [ops.exchange.conditions.1, ops.exchange.conditions.2, warranty.1]""",
    "        cites: [ops.exchange.conditions.1, ops.exchange.conditions.2, warranty.1, ops.paid-repair.conditions.2]",
)


def _findings(policy: Policy) -> list[str]:
    return [f.message for f in check_policy(policy) if f.code == "cited-out-of-scope" and not f.intended]


def test_the_standard_cites_every_governed_clause_within_its_situation(policy: Policy) -> None:
    assert _findings(policy) == []
    governed = {c.id for c in policy.clauses.values() if c.governs}
    assert {"ops.paid-repair.procedure.1", "ops.complaint.1", "repair-time.1"} <= governed


def test_a_step_citing_the_paid_repair_procedure_for_every_request_is_found(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, REGISTER_UNCONDITIONALLY)
    policy = load_policy(str(path))
    found = _findings(policy if isinstance(policy, Policy) else policy[0])
    assert len(found) == 1
    assert "action register-customer cites 'ops.paid-repair.procedure.1'" in found[0]
    assert "free_replacement" in found[0] and "(not applicable)" in found[0]
    code, out, _ = cli("check", str(path))
    assert code == 1 and "cited-out-of-scope" in out


def test_a_row_whose_value_excludes_the_situation_is_found(tmp_path: Path) -> None:
    policy = load_policy(str(edited_policy(tmp_path, ROW_OUT_OF_SCOPE)))
    found = _findings(policy if isinstance(policy, Policy) else policy[0])
    assert len(found) == 1 and found[0].startswith("service.type row 4 cites 'ops.paid-repair.conditions.2'")
    assert "may be free_replacement" in found[0]
