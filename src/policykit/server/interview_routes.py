"""The service desk's interview on the web: the page at ``/``, its JSON steps, and the
decision record's print view (decided, logged, then shown with its decision id)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from policykit.engine.case import parse_json
from policykit.errors import CaseError
from policykit.interview import core, view
from policykit.policy.model import Policy
from policykit.server.problems import Problem, diagnostics
from policykit.server.responses import Answer
from policykit.server.routes import log_decisions, read_body, service
from policykit.server.service import Options, choose_policy, decide_body, lang_query, spoken

if TYPE_CHECKING:
    from policykit.server.context import Service

HERE = Path(__file__).resolve().parent
STEP_QUERY = ("as_of", "lang", "version")  # a step shows no explanation: no explain


@cache
def templates() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def _policy(svc: Service, data: Any) -> Policy:
    try:
        return svc.policies.current.for_case(data, svc.config.allow_draft)
    except Exception:
        return svc.policies.current.latest


async def page(request: Request) -> Response:
    """The interview page (no key needed to load it; the key goes with each request)."""
    svc = service(request)
    asked = lang_query(request.query_params, page=True)
    policy = svc.policies.current.latest
    lang = spoken(policy, asked)
    kind = policy.facts["request.type"]
    types = [{"value": v, "label": kind.label(v, lang) or v} for v in kind.values]
    html = (
        templates()
        .get_template("interview.html")
        .render(
            lang=lang,
            ui=view.ui(lang),
            ui_json=json.dumps(view.ui(lang), ensure_ascii=False),
            # the policy's other languages, each by its own name (none: no switch)
            others=[{"code": c, "name": view.lang_name(c)} for c in policy.languages if c != lang],
            types=types,
            today=policy.today().isoformat(),
            keyed=bool(svc.keys),
            policy=policy,
        )
    )
    return HTMLResponse(html)


async def interview_step(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, "evaluate")
    options = Options.parse(request.query_params, STEP_QUERY)
    try:  # read as /v1/evaluate reads a case: nesting and size bounded, problems placed
        data = parse_json(await read_body(request, svc.config.max_body_bytes) or b"{}", "<interview>")
    except CaseError as exc:
        raise Problem(400, "the body is not JSON", errors=diagnostics(exc.diagnostics)) from None
    case = data.get("case") if isinstance(data, dict) else None
    if not isinstance(case, dict):
        raise Problem(422, "expected {case: {...}}", errors=[_schema("case", "not an object")])
    listed = data.get("skipped")
    if listed is None:
        listed = []
    if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
        raise Problem(422, "expected {skipped: [fact, ...]}", errors=[_schema("skipped", "not a list of fact names")])
    skipped = set(listed)
    if options.version is None:
        policy = _policy(svc, case)
    else:  # the version asked for, or 404 as the record says
        policy = choose_policy(svc.policies.current, case, options, svc.config.allow_draft)
    lang = spoken(policy, options.lang)
    as_of = options.as_of or policy.today()
    step = core.step(policy, case, as_of, lang, svc.config.docs_url)
    out = step.to_dict()
    # a skipped question still needed stays at hand: "skip" is for now, never for good
    out["skipped_questions"] = [q for q in out["questions"] if q["fact"] in skipped]
    out["questions"] = [q for q in out["questions"] if q["fact"] not in skipped]
    # done once no question is left but those skipped
    out["done"] = step.result is not None and not step.errors and not out["questions"]
    out["skipped"] = sorted(skipped)
    out["as_of"] = as_of.isoformat()
    out["policy"] = {"id": policy.id, "version": policy.version, "sha256": policy.sha256}
    if step.result is not None:
        out["decisions"] = view.decisions(policy, step.result, lang)
        out["steps"] = view.steps(policy, step.result, lang)
        out["warnings"] = list(step.result.warnings)
    out["given"] = view.given(policy, case, lang)
    kind = (case.get("request") or {}).get("type")
    for given in out["given"]:  # each answer with its question: "Edit" asks it again, the answer kept
        given["question"] = core.question(policy, given["fact"], lang, request_type=kind).to_dict()
    return Answer(out)


def _schema(path: str, message: str) -> dict[str, str]:
    return {"code": "schema", "path": path, "message": message}


async def favicon(request: Request) -> Response:
    return Response(status_code=204)


async def record(request: Request) -> Response:
    """Decide the case (logged like any decision) and show its decision record for print."""
    svc = service(request)
    key_id = svc.authorize(request, "evaluate")
    options = Options.parse(request.query_params)
    body = await read_body(request, svc.config.max_body_bytes)
    decision = decide_body(body, "<interview>", options, svc.policies.current, svc.config, key_id)
    lang = decision.entry.lang  # as asked for, or the policy's own
    await log_decisions(svc, [decision.entry])
    svc.metrics.count_decisions(decision.policy, decision.entry.request_type, decision.result.decisions)
    policy, result = decision.policy, decision.result
    case: dict[str, Any] = json.loads(body)
    step = core.step(policy, case, date.fromisoformat(decision.entry.as_of), lang, svc.config.docs_url)
    cited: dict[str, dict[str, Any]] = {}
    for d in result.decisions:
        for c in d.cites:
            cited.setdefault(c.clause, c.to_dict())
    for a in result.actions:
        for c in a.cites:
            cited.setdefault(c.clause, c.to_dict())
    given = view.given(policy, case, lang)
    head_title, head = view.head(policy, given, lang)  # grouped as the policy's summary groups them
    html = (
        templates()
        .get_template("record.html")
        .render(
            lang=lang,
            ui=view.ui(lang),
            case=case,
            head_title=head_title,
            head=head,
            given=[g for g in given if g not in head],
            assumed=[{**q.to_dict(), "words": view.assumed_words(q.to_dict(), lang)} for q in step.assumed],
            missing=[q.text for q in step.questions],
            decisions=view.decisions(policy, result, lang),
            steps=view.steps(policy, result, lang),
            warnings=list(result.warnings),
            clauses=list(cited.values()),
            policy=policy,
            as_of=decision.entry.as_of,
            decision_id=decision.entry.decision_id,
        )
    )
    return HTMLResponse(html)
