"""Evaluate a case: decide it (:mod:`policykit.engine`), then put the decision in words
(:mod:`policykit.present`).  The public entry point of evaluation."""

from __future__ import annotations

from policykit.engine.case import Case
from policykit.engine.decide import decide, decide_case
from policykit.engine.record import CaseRecord, Decided
from policykit.lang.dates import date
from policykit.limits import DEFAULT, Limits
from policykit.policy.model import Policy
from policykit.present.assemble import build_result
from policykit.present.result import Result

__all__ = ["CaseRecord", "Decided", "decide", "decide_case", "evaluate"]


def evaluate(
    policy: Policy,
    case: Case,
    as_of: date,
    lang: str | None = None,
    docs_url: str | None = None,
    explain: bool = False,
    case_sha256: str | None = None,
    days: bool = False,
    limits: Limits = DEFAULT,
    policy_file: str | None = None,
    generated: bool = True,
) -> Result:
    """Decide ``case`` under ``policy`` as of ``as_of`` and give the result in ``lang``
    (``zh`` or ``en``; None: the policy's first language): decisions with their clauses
    and reasons, the steps now due, the facts still missing.  With ``explain``, every value worked out is traced; with
    ``days``, the dates in the texts carry their weekday (the text view).  ``limits``
    bounds the work (:mod:`policykit.limits`; a server passes its own per request);
    ``policy_file`` names the policy's file in the result (``policy.file`` of the JSON).
    ``generated=False`` decides on the interpreter alone (the same result, byte for byte:
    the differential tests hold the two roads equal): for a case decided once in a
    process, which would pay to compile code it runs once."""
    record = decide_case(policy, case, as_of, trace=explain, limits=limits, generated=generated)
    return build_result(record, lang, docs_url, case_sha256, days, policy_file)
