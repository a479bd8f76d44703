"""The OpenAPI 3.1 document, built from the project's own JSON Schemas (the case format of
the latest policy version and ``result.schema.json``), and a plain HTML page of it."""

from __future__ import annotations

import html
import json
from typing import Any

from policykit.policy.resources import schema
from policykit.tools.versions import PolicySet
from policykit.version import __version__

_PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "error_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "path", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "path": {"type": "string"},
                    "message": {"type": "string"},
                    "line": {"type": "integer"},
                },
            },
        },
    },
}


def embed(document: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON Schema as an OpenAPI component: its own ``$defs`` references re-rooted under
    ``#/components/schemas/NAME``, its ``$id`` and ``$schema`` dropped."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items() if k not in ("$id", "$schema")}
            ref = out.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                out["$ref"] = f"#/components/schemas/{name}/" + ref[2:]
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(document)
    return result


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _problems(*codes: int) -> dict[str, Any]:
    words = {
        400: "the body or a parameter cannot be read; a query parameter the endpoint does not know, "
        "given twice or given empty; a header given twice that is read once (Host, "
        "Authorization, X-API-Key, Content-Type, Content-Length, Origin, Sec-Fetch-Site); "
        "without keys, a Host that is not loopback",
        401: "no valid API key",
        403: "the key lacks the scope; without keys, a request from another site (Origin)",
        404: "not found",
        409: "conflict",
        413: "body too large",
        422: "the case breaks the case format or a check",
        503: "busy, timed out, the decision could not be logged, or (readyz) not ready",
    }
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {str(c): {"description": words[c], "content": content} for c in codes}


# a time or a day of ISO 8601 begins with the day (the rest is checked when read: 400)
TIME_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _query(name: str, description: str, **schema_: Any) -> dict[str, Any]:
    if schema_.get("type") == "string" and "enum" not in schema_:
        schema_ = {**schema_, "minLength": 1}  # an empty value is refused (400), as is one given twice
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema_}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _evaluate_query(langs: list[str]) -> list[dict[str, Any]]:
    """The query options of deciding a case; ``langs``: the languages the policy speaks."""
    return [
        _query("as_of", "evaluation day (default: today at the company's UTC offset)", type="string", format="date"),
        _query(
            "lang",
            "language of reasons, steps, questions and a bad case's problems (default: the policy's first)",
            type="string",
            enum=langs,
        ),
        _query("explain", "add every rule considered", type="boolean"),
        _query("version", "decide under this version (default: the one in force on request.date)", type="string"),
    ]


def _op(
    summary: str,
    operation_id: str,
    tag: str,
    parameters: list[dict[str, Any]],
    problems: tuple[int, ...],
    ok: tuple[str, dict[str, Any]],
    body: dict[str, Any] | None = None,
    open: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "operationId": operation_id, "tags": [tag]}
    if not open:
        op["security"] = [{"apiKey": []}, {"bearer": []}]
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    # any request may meet a keyless server's Host (400) and Origin (403) checks
    op["responses"] = {"200": {"description": ok[0], "content": ok[1]}, **_problems(*sorted({*problems, 400, 403}))}
    return op


def build_openapi(policies: PolicySet) -> dict[str, Any]:
    """The OpenAPI document of the service for ``policies``."""
    latest = policies.latest
    langs = list(latest.languages)  # (of the version served by default)
    result = embed(schema("result.schema.json"), "Result")
    # the result schema closes its object: the answer is a copy of it with decision_id added
    decision_id = {"type": "string", "description": "the decision's id in the log (UUIDv7)"}
    answer = {
        **result,
        "properties": {**result["properties"], "decision_id": decision_id},
        "required": [*result.get("required", []), "decision_id"],
    }
    ndjson = {"application/x-ndjson": {"schema": {"type": "string"}}}
    ops: dict[str, Any] = {
        "/v1/evaluate": {
            "post": _op(
                "Decide one case",
                "evaluate",
                "decisions",
                _evaluate_query(langs),
                (400, 401, 403, 404, 413, 422, 503),
                ok=("the result and its decision id", _json("Answer")),
                body=_json("Case"),
            )
        },
        "/v1/evaluate/batch": {
            "post": _op(
                "Decide a stream of cases (NDJSON in, NDJSON out, in order)",
                "evaluateBatch",
                "decisions",
                _evaluate_query(langs),
                (400, 401, 403),
                ok=("one answer or one {line, error} object per line", ndjson),
                body=ndjson,
            )
        },
        "/v1/policies": {
            "get": _op(
                "The versions in the set", "listPolicies", "policies", [], (401,), ok=("versions", _json("PolicyList"))
            )
        },
        "/v1/policies/{version}": {
            "get": _op(
                "One version: metadata, decisions, facts with their questions",
                "getPolicy",
                "policies",
                [_path("version", "e.g. 1.0.0"), _query("lang", "language", type="string", enum=langs)],
                (401, 404),
                ok=("the version", _json("Object")),
            )
        },
        "/v1/policies/{version}/clauses/{clause_id}": {
            "get": _op(
                "One clause, verbatim",
                "getClause",
                "policies",
                [_path("version", "e.g. 1.0.0"), _path("clause_id", "a clause id")],
                (401, 404),
                ok=("the clause", _json("Clause")),
            )
        },
        "/v1/decisions": {
            "get": _op(
                "Logged decisions, oldest first, a page at a time",
                "listDecisions",
                "log",
                [
                    _query("case_id", "only this case", type="string"),
                    _query(
                        "from",
                        "from this time, inclusive (ISO 8601, an offset or Z, none meaning UTC; a day: its midnight)",
                        type="string",
                        pattern=TIME_PATTERN,
                    ),
                    _query("to", "up to this time, exclusive (as from)", type="string", pattern=TIME_PATTERN),
                    _query("after", "the cursor: the `next` of the previous page", type="string", format="uuid"),
                    _query("limit", "page size (at most 1000)", type="integer", minimum=1, maximum=1000),
                ],
                (400, 401, 403),
                ok=("a page", _json("DecisionPage")),
            )
        },
        "/v1/decisions/{decision_id}": {
            "get": _op(
                "One logged decision",
                "getDecision",
                "log",
                [_path("decision_id", "as answered by /v1/evaluate")],
                (401, 403, 404),
                ok=("the entry", _json("Decision")),
            )
        },
        "/v1/decisions/{decision_id}/replay": {
            "post": _op(
                "Decide a logged case again under its policy and day",
                "replayDecision",
                "log",
                [_path("decision_id", "a logged decision")],
                (401, 403, 404, 409, 422),
                ok=("identical, or the differences", _json("Replay")),
            )
        },
        "/v1/admin/reload": {
            "post": _op(
                "Reload the policy set and the key file (checked first; a bad one never replaces the good one)",
                "reload",
                "admin",
                [],
                (401, 403, 422),
                ok=("the versions now serving", _json("Object")),
            )
        },
        "/v1/interview": {
            "post": _op(
                "One step of the interview: the questions still to ask, most needed first, and the decisions so far",
                "interviewStep",
                "interview",
                [q for q in _evaluate_query(langs) if q["name"] != "explain"],
                (400, 401, 403, 404, 413, 422),
                ok=("the step", _json("Object")),
                body={
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["case"],
                            "properties": {
                                "case": {"type": "object"},
                                "skipped": {"type": "array", "items": {"type": "string"}},
                            },
                        }
                    }
                },
            )
        },
        "/v1/interview/record": {
            "post": _op(
                "Decide and log the case, and give its decision record as a page to print",
                "interviewRecord",
                "interview",
                _evaluate_query(langs),
                (400, 401, 403, 404, 413, 422, 503),
                ok=("the record (HTML)", {"text/html": {"schema": {"type": "string"}}}),
                body=_json("Case"),
            )
        },
        "/healthz": {"get": _op("Alive", "healthz", "operations", [], (), ok=("ok", _json("Object")), open=True)},
        "/readyz": {
            "get": _op(
                "Policy set loaded and decision log writable",
                "readyz",
                "operations",
                [],
                (503,),
                ok=("ready", _json("Object")),
                open=True,
            )
        },
        "/metrics": {
            "get": _op(
                "Prometheus metrics",
                "metrics",
                "operations",
                [],
                (),
                ok=("text format", {"text/plain": {"schema": {"type": "string"}}}),
                open=True,
            )
        },
    }
    summary = {
        "type": "object",
        "required": ["id", "version", "status", "sha256"],
        "properties": {
            **{k: {"type": ["string", "null"]} for k in ("id", "version", "status", "effective_from", "sha256")},
            "title": {
                "type": ["object", "null"],
                "additionalProperties": {"type": "string"},
                "description": "by language",
            },
        },
    }
    entry = {
        "type": "object",
        "required": ["decision_id", "time", "case_sha256", "case", "policy", "as_of", "lang", "result"],
        "properties": {
            "decision_id": {"type": "string"},
            "time": {"type": "string"},
            "case": {"type": "object"},
            "result": {"$ref": "#/components/schemas/Result"},
        },
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": f"policykit decision service · {_title(latest.metadata.get('title'), latest.id)}",
            "version": __version__,
            "description": "Decisions under the company's service standard, each with the verbatim clauses that "
            "decide it, logged and replayable.  The case format and the result are the project's JSON Schemas.",
        },
        "paths": ops,
        "components": {
            "schemas": {
                "Case": embed(latest.case_schema, "Case"),
                "Result": result,
                "Answer": answer,
                "Problem": _PROBLEM,
                "Object": {"type": "object"},
                "Clause": {"type": "object", "required": ["clause", "text", "en"]},
                "PolicyList": {
                    "type": "object",
                    "required": ["policies"],
                    "properties": {"policies": {"type": "array", "items": summary}},
                },
                "Decision": entry,
                "DecisionPage": {
                    "type": "object",
                    "required": ["decisions", "next"],
                    "properties": {
                        "decisions": {"type": "array", "items": entry},
                        "next": {"type": ["string", "null"]},
                    },
                },
                "Replay": {
                    "type": "object",
                    "required": ["decision_id", "identical", "differences"],
                    "properties": {
                        "identical": {"type": "boolean"},
                        "differences": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def api_page(document: dict[str, Any]) -> str:
    """The API as a page for people: every operation, its parameters and answers (no
    script, nothing fetched from elsewhere)."""
    rows = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            params = "".join(
                f"<li><code>{html.escape(p['name'])}</code> ({p['in']}): {html.escape(p.get('description', ''))}</li>"
                for p in op.get("parameters", [])
            )
            answers = ", ".join(f"{code} {html.escape(r['description'])}" for code, r in op["responses"].items())
            rows.append(
                f"<section id='{html.escape(op['operationId'])}'><h2><span class='m'>{method.upper()}</span> "
                f"<code>{html.escape(path)}</code></h2><p>{html.escape(op['summary'])}</p>"
                + (f"<ul>{params}</ul>" if params else "")
                + f"<p class='a'>{answers}</p></section>"
            )
    title = html.escape(document["info"]["title"])
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>body{{font:16px/1.5 system-ui,'Noto Sans CJK SC',sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}.m{color:#075;font-weight:700}"
        ".a{color:#555;font-size:.9em}section{border-top:1px solid #ddd}</style></head><body>"
        f"<h1>{title}</h1><p>{html.escape(document['info']['description'])}</p>"
        "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a>. Keys go in "
        "<code>Authorization: Bearer KEY</code> or <code>X-API-Key</code>.</p>"
        + "".join(rows)
        + "<details><summary>OpenAPI document</summary><pre>"
        + html.escape(json.dumps(document, ensure_ascii=False, indent=1)[:200_000])
        + "</pre></details></body></html>"
    )


def _title(title: Any, fallback: str) -> str:
    """The policy's title for the OpenAPI document (one line of text): its English text,
    else its first, where it is given by language (``{zh: ..., en: ...}``)."""
    if isinstance(title, dict):
        texts = [str(t) for t in title.values() if t]
        return str(title.get("en") or (texts[0] if texts else fallback))
    return str(title) if title else fallback
