"""Where the docs site shows a clause: the page of each clause and a link to it."""

from __future__ import annotations


def clause_page(clause_id: str) -> str:
    """The page (URL path, no slash at either end) that holds a clause."""
    parts = clause_id.split(".")
    key = ".".join(parts[:2]) if parts[0] == "ops" and len(parts) > 1 else parts[0]
    return f"standard/{key}"


def clause_url(base: str, clause_id: str) -> str:
    """The link to a clause on the docs site at ``base``."""
    return f"{base.rstrip('/')}/{clause_page(clause_id)}/#{clause_id}"
