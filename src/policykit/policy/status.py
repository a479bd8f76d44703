"""Stage 5, status: an approved policy has its four sign-offs and an effective date."""

from __future__ import annotations

from collections.abc import Iterator

from policykit.errors import Diagnostic
from policykit.policy.document import Document

APPROVALS = ("drafted_by", "reviewed_by", "approved_by", "general_manager")


def check_status(doc: Document) -> Iterator[Diagnostic]:
    """An approved policy has all four sign-offs and an effective date; a draft is flagged."""
    meta = doc.data["metadata"]
    if meta["status"] == "approved":
        for key in APPROVALS:
            if not meta["approvals"].get(key):
                yield doc.diag(
                    ("metadata", "approvals", key), "approval-missing", f"an approved policy needs the sign-off '{key}'"
                )
        if not meta.get("effective_from"):
            yield doc.diag(
                ("metadata", "effective_from"), "approval-missing", "an approved policy needs an effective date"
            )
    elif meta["status"] == "draft":
        yield doc.diag(
            ("metadata", "status"), "draft", "the policy is a draft: results will carry a warning", "warning"
        )


# -- the pipeline ---------------------------------------------------------------------------
