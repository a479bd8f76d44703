"""The docs site, rendered from the policy at build time (``docs/hooks.py`` calls these)."""

from __future__ import annotations

from typing import Any

from policykit.docsite.pages import pages
from policykit.present.links import clause_page

__all__ = ["case_schema", "clause_page", "pages", "schemas"]


def case_schema() -> dict[str, Any]:
    """The bundled case format (JSON Schema), for the page that documents it."""
    from policykit.policy.resources import schema

    return schema("case.schema.json")


def schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The bundled result format and contract, for the contract page."""
    from policykit.policy.resources import schema

    return schema("result.schema.json"), schema("contract.json")
