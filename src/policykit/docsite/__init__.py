"""The docs site, rendered from the policy at build time (``docs/hooks.py`` calls these)."""

from __future__ import annotations

from typing import Any

from policykit.docsite.pages import pages
from policykit.present.links import clause_page

__all__ = ["clause_page", "pages", "result_format"]


def result_format() -> dict[str, Any]:
    """The result format (JSON Schema) for the contract page; the case format and the
    decisions come from the version's ``contract:`` section (``Policy.case_schema``,
    :func:`policykit.policy.contract_ext.contract_of`)."""
    from policykit.policy.resources import schema

    return schema("result.schema.json")
