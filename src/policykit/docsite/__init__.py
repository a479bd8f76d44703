"""The docs site, rendered from the policy at build time (``docs/hooks.py`` calls these)."""

from __future__ import annotations

from typing import Any

from policykit.docsite.pages import pages
from policykit.present.links import clause_page

__all__ = ["case_schema", "clause_page", "pages", "schemas"]


def case_schema() -> dict[str, Any]:
    """The case format (JSON Schema) of the bundled standard, generated from its contract."""
    from policykit.policy.compiler import load_policy
    from policykit.policy.resources import default_policy

    return load_policy(default_policy())[0].case_schema


def schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The bundled result format, and the decision contract of the bundled standard."""
    from policykit.policy.compiler import load_policy
    from policykit.policy.contract_ext import contract_of
    from policykit.policy.resources import default_policy, schema

    return schema("result.schema.json"), contract_of(load_policy(default_policy())[0].raw)
