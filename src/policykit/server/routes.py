"""The HTTP endpoints of the decision service (``/v1`` and the operational ones)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from datetime import date
from typing import TYPE_CHECKING, Any

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from policykit.engine.case import parse_json, read_case
from policykit.errors import PolicykitError
from policykit.evaluator import evaluate
from policykit.present.words import cited_clause
from policykit.server.decision_log import Entry, log_time
from policykit.server.jsoncodec import dumps
from policykit.server.keys import KeysRefused
from policykit.server.log_writer import is_file_error, said
from policykit.server.problems import Problem, diagnostics
from policykit.server.query import read_query
from policykit.server.responses import Answer
from policykit.server.service import (
    Decision,
    Options,
    decide_body,
    is_decision_id,
    lang_query,
    line_error,
    spoken,
    too_long,
)
from policykit.tools.replay import differences
from policykit.tools.versions import effective

if TYPE_CHECKING:
    from policykit.server.context import Service

NDJSON = "application/x-ndjson"


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "body too large", f"a case is at most {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "body too large", f"a case is at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def log_decisions(svc: Service, entries: list[Entry]) -> None:
    """Commit ``entries`` to the log; a decision that cannot be logged is not given (503)."""
    try:
        await svc.writer.write(entries)
    except Exception as exc:
        svc.metrics.log_failures.inc(len(entries))
        if is_file_error(exc):  # a full disk, a lock held too long: the server's state, in one line
            svc.logger.error("decision log write failed, %d decision(s) not given: %s", len(entries), said(exc))
        else:  # an entry that cannot be written is a bug: its traceback
            svc.logger.exception("decision log write failed, %d decision(s) not given", len(entries))
        raise Problem(503, "the decision could not be logged", "try again", headers={"Retry-After": "1"}) from None


def _count(svc: Service, decision: Decision) -> None:
    svc.metrics.count_decisions(decision.policy, decision.entry.request_type, decision.result.decisions)


async def evaluate_one(request: Request) -> Response:
    svc = service(request)
    key_id = svc.authorize(request, "evaluate")
    options = Options.parse(request.query_params)
    body = await read_body(request, svc.config.max_body_bytes)
    decision = decide_body(body, "<request>", options, svc.policies.current, svc.config, key_id)
    await log_decisions(svc, [decision.entry])
    _count(svc, decision)
    return Answer({**decision.answer, "decision_id": decision.entry.decision_id})


async def _lines(request: Request, limit: int) -> AsyncIterator[bytes | None]:
    """The body's lines; None in place of one over ``limit`` bytes (its bytes are skipped)."""
    pending = bytearray()
    skipping = False
    async for chunk in request.stream():
        pending += chunk
        while True:
            end = pending.find(b"\n")
            if end < 0:
                if len(pending) > limit and not skipping:
                    skipping = True
                    yield None
                if skipping:
                    pending.clear()
                break
            line = bytes(pending[:end])
            del pending[: end + 1]
            if skipping:
                skipping = False
                continue
            if len(line) > limit:
                yield None
            else:
                yield line
    if pending and not skipping:
        yield bytes(pending) if len(pending) <= limit else None


class EvaluateBatch:
    """POST /v1/evaluate/batch, as a plain ASGI app so that the body is read while the
    answer is written (a streaming response would race the body for the ASGI channel).
    Each chunk of lines is logged in one transaction before its answers are sent."""

    CHUNK = 64

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        svc = service(request)
        key_id = svc.authorize(request, "evaluate")
        options = Options.parse(request.query_params)
        policies = svc.policies.current  # the whole batch under one set, even across a reload
        limit = svc.config.max_line_bytes
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", NDJSON.encode())]})
        pending: list[tuple[int, Decision | None, dict[str, Any]]] = []  # (line, decision, its output)
        number = 0
        async for line in _lines(request, limit):
            number += 1
            if line is None:
                pending.append((number, None, too_long(number, limit)))
            elif line.strip():
                try:
                    d = decide_body(line, f"<line {number}>", options, policies, svc.config, key_id)
                    pending.append((number, d, {**d.answer, "decision_id": d.entry.decision_id}))
                except Problem as problem:
                    pending.append((number, None, line_error(number, problem)))
            if len(pending) >= self.CHUNK:
                await self._flush(svc, pending, send)
        await self._flush(svc, pending, send)
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _flush(svc: Service, pending: list[tuple[int, Decision | None, dict[str, Any]]], send: Send) -> None:
        """Log the decided lines in one transaction, then send every line's output.  Should
        the transaction fail, each line is logged alone, and a line that cannot be is
        answered with its own error (its decision is not given)."""
        decided = [d for _, d, _ in pending if d is not None]
        if decided:
            try:
                await svc.writer.write([d.entry for d in decided])
            except Exception:
                for i, (number, d, _) in enumerate(pending):
                    if d is not None:
                        try:
                            await log_decisions(svc, [d.entry])
                        except Problem as problem:
                            pending[i] = (number, None, line_error(number, problem))
            for _, d, _ in pending:
                if d is not None:
                    _count(svc, d)
        body = b"".join(_ndjson(out) for _, _, out in pending)
        pending.clear()
        if body:
            await send({"type": "http.response.body", "body": body, "more_body": True})


def _ndjson(data: dict[str, Any]) -> bytes:
    return dumps(data) + b"\n"


def _policy_summary(policy: Any) -> dict[str, Any]:
    day = effective(policy)
    return {
        "id": policy.id,
        "version": policy.version,
        "status": policy.status,
        "effective_from": day.isoformat() if day else None,
        "sha256": policy.sha256,
        "title": policy.metadata.get("title"),
    }


async def list_policies(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, None)
    current = svc.policies.current
    return Answer({"policies": [_policy_summary(p) for p in current.versions]})


def _version(request: Request) -> Any:
    svc = service(request)
    wanted = request.path_params["version"]
    found = next((p for p in svc.policies.current.versions if p.version == wanted), None)
    if found is None:
        raise Problem(404, "no such policy version", f"version {wanted!r} is not in the set")
    return found


async def show_policy(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, None)
    asked = lang_query(request.query_params)
    policy = _version(request)
    lang = spoken(policy, asked)
    decisions = [
        {
            "id": v.id,
            "title": v.title.get(lang) if v.title else v.id,
            "request_types": list(v.applies_to),
            "values": list(v.values),
            "labels": {code: text.get(lang) for code, text in v.labels},
        }
        for v in policy.values.values()
        if v.output
    ]
    facts = [
        {
            "name": f.name,
            "type": f.type,
            "values": list(f.values),
            "default": f.default if f.has_default else None,
            "has_default": f.has_default,
            "question": f.question.get(lang) if f.question else None,
            "personal": f.personal,
        }
        for f in policy.facts.values()
    ]
    summary = _policy_summary(policy)
    return Answer({**summary, "metadata": policy.metadata, "decisions": decisions, "facts": facts})


async def show_clause(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, None)
    policy = _version(request)
    cid = request.path_params["clause_id"]
    if cid not in policy.clauses:
        raise Problem(404, "no such clause", f"clause {cid!r} is not in version {policy.version}")
    clause = policy.clauses[cid]
    cited = cited_clause(policy, cid, svc.config.docs_url).to_dict()
    return Answer({**cited, "section": clause.section, "informational": clause.informational})


async def _logged(request: Request) -> tuple[Service, Entry]:
    """The service and the log entry the path names (404 if none); needs ``read_log``."""
    svc = service(request)
    svc.authorize(request, "read_log")
    entry = await anyio.to_thread.run_sync(svc.log.get, request.path_params["decision_id"])
    if entry is None:
        raise Problem(404, "no such decision", "no decision with this id in the log")
    return svc, entry


async def get_decision(request: Request) -> Response:
    _, entry = await _logged(request)
    return Answer(entry.to_dict())


DECISIONS_QUERY = ("case_id", "from", "to", "after", "limit")


async def list_decisions(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, "read_log")
    q, errors = read_query(request.query_params, DECISIONS_QUERY)
    limit, bounds = svc.config.page_size, {}
    try:
        limit = min(int(q.get("limit", svc.config.page_size)), 1000)
        if limit < 1:
            raise ValueError
    except ValueError:
        errors.append(
            {"code": "bad-value", "path": "limit", "message": "a whole number from 1 (at most 1000 are given)"}
        )
    for name in ("from", "to"):
        try:
            bounds[name] = log_time(q[name]) if name in q else None
        except ValueError as exc:
            errors.append({"code": "bad-date", "path": name, "message": str(exc)})
    if "after" in q and not is_decision_id(q["after"]):
        said = "the cursor is a decision id: the `next` of the previous page, as it was given"
        errors.append({"code": "bad-value", "path": "after", "message": said})
    if errors:
        raise Problem(400, "bad query parameters", errors=errors)
    entries = await anyio.to_thread.run_sync(
        lambda: svc.log.query(q.get("case_id"), bounds["from"], bounds["to"], q.get("after"), limit + 1)
    )
    more = len(entries) > limit
    entries = entries[:limit]
    return Answer(
        {"decisions": [e.to_dict() for e in entries], "next": entries[-1].decision_id if more and entries else None}
    )


async def replay_decision(request: Request) -> Response:
    svc, entry = await _logged(request)
    current = svc.policies.current
    policy = current.by_sha256(entry.policy_sha256)
    if policy is None:
        detail = f"version {entry.policy_version} (SHA-256 {entry.policy_sha256}) is not loaded"
        raise Problem(409, "the policy of this decision is no longer in the set", detail)
    try:
        case = read_case(policy, parse_json(json.dumps(entry.case).encode("utf-8"), "<logged case>"))
        as_of = date.fromisoformat(entry.as_of)
        explain = "explain" in entry.result
        fresh = evaluate(
            policy,
            case,
            as_of,
            entry.lang,
            svc.config.docs_url,
            explain,
            entry.case_sha256,
            limits=svc.config.work_limits,
        ).to_dict()
    except PolicykitError as exc:
        raise Problem(422, "the logged case cannot be decided again", errors=diagnostics(exc.diagnostics)) from None
    found = differences(entry.result, fresh)
    return Answer(
        {
            "decision_id": entry.decision_id,
            "identical": not found,
            "differences": found,
            "policy": {"id": policy.id, "version": policy.version, "sha256": policy.sha256},
            "as_of": entry.as_of,
        }
    )


async def reload_policies(request: Request) -> Response:
    svc = service(request)
    svc.authorize(request, "admin")
    try:
        fresh = await anyio.to_thread.run_sync(svc.reload)
    except KeysRefused as exc:
        title = "the key file has errors; the old keys and policy set go on serving"
        where = "in " + ", ".join(sorted({d.file for d in exc.diagnostics if d.file}))
        raise Problem(422, title, where, errors=diagnostics(exc.diagnostics)) from None
    except PolicykitError as exc:
        title = "the policy set has errors; the old one goes on serving"
        raise Problem(422, title, errors=diagnostics(exc.diagnostics)) from None
    return Answer({"reloaded": True, "policies": [_policy_summary(p) for p in fresh.versions]})


async def healthz(request: Request) -> Response:
    return Answer({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready: a policy version loaded and the decision log writable (as the writer last
    found it; never waiting on the log's lock on the event loop)."""
    svc = service(request)
    versions = [p.version for p in svc.policies.current.versions]
    if not versions:
        raise Problem(503, "not ready", "no policy version loaded")
    failure = await svc.writer.unwritable()
    if failure is not None:
        raise Problem(503, "not ready", f"the decision log cannot be written: {failure}")
    return Answer({"status": "ready", "versions": versions, "log_schema": svc.log.schema, "pid": os.getpid()})


async def metrics(request: Request) -> Response:
    from policykit.server.metrics import CONTENT_TYPE

    return Response(service(request).metrics.render(), media_type=CONTENT_TYPE)


async def openapi(request: Request) -> Response:
    return Answer(service(request).openapi)


async def api_page(request: Request) -> Response:
    from policykit.server.openapi import api_page as page

    return HTMLResponse(page(service(request).openapi))
