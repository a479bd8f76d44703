"""Generated cases for the engine's tests, read under the policy (those the case format
refuses left out)."""

from __future__ import annotations

from benchmarks.casegen import generate, generate_edges
from policykit.engine.case import Case, read_case
from policykit.errors import CaseError
from policykit.policy.model import Policy


def readable(policy: Policy, count: int, seed: int, edges: int = 0) -> list[Case]:
    """``count`` generated cases and ``edges`` edge cases (seeded ``seed`` and ``seed + 1``)."""
    out = []
    for raw in [*generate(count, seed=seed), *generate_edges(edges, seed=seed + 1)]:
        try:
            out.append(read_case(policy, raw))
        except CaseError:
            continue
    return out
