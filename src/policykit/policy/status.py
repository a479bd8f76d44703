"""Stage 5, status: an approved policy has every sign-off it lists and an effective date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from policykit.errors import Diagnostic
from policykit.lang.dates import parse_date
from policykit.policy.document import Document
from policykit.policy.model import Policy


def check_status(doc: Document) -> Iterator[Diagnostic]:
    """An approved policy has every sign-off its cover sheet lists (``approvals``: the roles
    are the company's) and an effective date; a draft is flagged."""
    meta = doc.data["metadata"]
    if meta["status"] == "approved":
        for key in meta["approvals"]:
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


def calendar_warnings(policy: Policy, today: date) -> list[Diagnostic]:
    """A warning when the policy is in force into a year (up to next year) whose official
    working-day schedule neither the calendar package nor the policy's own days give."""
    start = policy.metadata.get("effective_from")
    first = today.year
    if policy.status != "draft" and start:
        first = max(first, parse_date(str(start)).year)
    years = policy.calendar.unpublished(first, today.year + 1)
    through = policy.calendar.published_through()
    return [
        Diagnostic(
            policy.file,
            policy.lines.get("calendar", 0),
            0,
            "calendar-unpublished",
            f"the policy is in force into {year}, but the official holiday schedule (with its working "
            f"weekend days) is known only through {through}: working-day deadlines in {year} count "
            "weekends and the public holidays as projected, without working weekend days; add the "
            "official days to calendar.extra_holidays and "
            "calendar.extra_working_days when they are published",
            "calendar",
            "warning",
        )
        for year in years
    ]


# -- the pipeline ---------------------------------------------------------------------------
