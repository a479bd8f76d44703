"""What the service does for one case, apart from HTTP: read it, pick the policy version,
decide, and make the decision log's entry (personal facts masked)."""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import uuid_utils

from policykit.engine.case import parse_json, read_case
from policykit.errors import CaseError, Diagnostic, PolicykitError
from policykit.evaluator import evaluate
from policykit.lang.dates import parse_date
from policykit.limits import LimitError
from policykit.policy.model import Policy
from policykit.present.explain import explain_json
from policykit.present.result import Result
from policykit.server.config import ServerConfig
from policykit.server.decision_log import Entry, now
from policykit.server.masking import mask_case
from policykit.server.problems import Problem, diagnostics
from policykit.server.query import read_query
from policykit.tools.versions import PolicySet


@dataclass(frozen=True)
class Options:
    """A request's query options."""

    as_of: date | None = None
    lang: str | None = None  # None: the language of the policy that decides (its first)
    explain: bool = False
    version: str | None = None

    NAMES = ("as_of", "lang", "explain", "version")

    @classmethod
    def parse(cls, query: Any, names: tuple[str, ...] = NAMES) -> Options:
        """The options of ``query``; a 400 for a bad one, or one not among ``names`` (the
        endpoint's: a misspelt as_of would decide as of today, unsaid), given twice or empty."""
        given, problems = read_query(query, names)
        as_of = None
        if "as_of" in given:
            try:
                as_of = parse_date(given["as_of"])
            except ValueError as exc:
                problems.append({"code": "bad-date", "path": "as_of", "message": str(exc)})
        lang = given.get("lang")
        if lang is not None:
            problems.extend(lang_problems(lang))
        explain = given.get("explain", "false").lower()
        if explain not in ("true", "false", "1", "0"):
            problems.append({"code": "bad-value", "path": "explain", "message": "expected true or false"})
        if problems:
            raise Problem(400, "bad query parameters", errors=problems)
        return cls(as_of, lang, explain in ("true", "1"), given.get("version"))


def lang_problems(lang: str) -> list[dict[str, Any]]:
    """The problem of a ``lang`` that is not a language's code, if it is not (whether the
    policy speaks it is seen once the policy is chosen: :func:`spoken`)."""
    head, _, tail = lang.partition("-")
    if len(head) == 2 and head.isascii() and head.isalpha() and head.islower() and (not tail or tail.isalpha()):
        return []
    return [{"code": "bad-value", "path": "lang", "message": f"{lang!r} is not a language's code (zh, en, de...)"}]


def spoken(policy: Policy, lang: str | None) -> str:
    """``lang`` (None: the policy's first language), or a 400 where the policy does not speak it."""
    if lang is None:
        return policy.lang
    refused = policy.not_spoken(lang)
    if refused is not None:
        raise Problem(400, "bad query parameters", errors=[{"code": "bad-value", "path": "lang", "message": refused}])
    return lang


def lang_query(query: Any, page: bool = False) -> str | None:
    """The ``lang`` of an endpoint whose only query parameter it is (None: none asked for,
    the policy's own first language); 400 as :meth:`Options.parse`.
    ``page``: a page for people, whose links pick up parameters of their own on the way
    (a chat app's ``?from=singlemessage``): the others are let by."""
    if page:
        query = [(name, value) for name, value in query.multi_items() if name == "lang"]
    given, problems = read_query(query, ("lang",))
    lang = given.get("lang")
    if lang is not None:
        problems.extend(lang_problems(lang))
    if problems:
        raise Problem(400, "bad query parameters", errors=problems)
    return lang


def choose_policy(policies: PolicySet, data: Any, options: Options, allow_draft: bool) -> Policy:
    """The version the request names, else the one in force on the case's request day."""
    if options.version is not None:
        found = next((p for p in policies.versions if p.version == options.version), None)
        if found is None:
            known = ", ".join(p.version for p in policies.versions)
            raise Problem(404, "no such policy version", f"version {options.version!r} is not in the set ({known})")
        return found
    try:
        return policies.for_case(data, allow_draft)
    except PolicykitError as exc:
        raise Problem(422, "no policy version in force", errors=diagnostics(exc.diagnostics)) from None


def new_decision_id() -> str:
    """A time-ordered id (UUIDv7): sorting by id sorts by time."""
    return str(uuid_utils.uuid7())


def is_decision_id(text: str) -> bool:
    """Whether ``text`` is written as :func:`new_decision_id` writes an id (a UUID, lower case)."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


@dataclass
class Decision:
    """One case decided: the answer (without its decision id) and the log entry to write."""

    answer: dict[str, Any]
    entry: Entry
    result: Result
    policy: Policy


def decide_body(
    body: bytes, name: str, options: Options, policies: PolicySet, config: ServerConfig, key_id: str | None
) -> Decision:
    """Decide the case in ``body``; a :class:`Problem` for a body that cannot be read (400) or
    a case that breaks the case format or the policy's checks (422)."""
    started = time.perf_counter()
    try:
        data = parse_json(body, name)
    except CaseError as exc:
        raise Problem(400, "the body is not a JSON case", errors=diagnostics(exc.diagnostics)) from None
    if not isinstance(data, dict):
        raise Problem(422, "the case is not valid", errors=[{"code": "schema", "path": "", "message": "not an object"}])
    policy = choose_policy(policies, data, options, config.allow_draft)
    lang = spoken(policy, options.lang)
    sha = hashlib.sha256(body).hexdigest()
    try:
        # worded in the request's language, as the CLI words them, each placed on its line of the body
        case = read_case(policy, data, name, body, lang)
        as_of = options.as_of or policy.today()
        result = evaluate(policy, case, as_of, lang, config.docs_url, options.explain, sha, limits=config.work_limits)
    except LimitError as exc:
        title = "deciding this case needs more work than the limits allow"
        raise Problem(422, title, errors=diagnostics(exc.diagnostics)) from None
    except PolicykitError as exc:
        raise Problem(422, "the case is not valid", errors=diagnostics(exc.diagnostics)) from None
    answer = result.to_dict()
    if options.explain:
        answer["explain"] = explain_json(result)
    # personal facts and fields the case format does not know are masked (the reader warns of
    # each unknown field: with no notice there is none to look for)
    stored_case, masked = (data, False) if config.keep_personal else mask_case(policy, data, bool(case.notices))
    entry = Entry(
        decision_id=new_decision_id(),
        time=now(),
        key_id=key_id,
        request_type=case.request_type,
        case_id=case.case_id,
        case_sha256=sha,
        case=stored_case,
        masked=masked,
        policy_id=policy.id,
        policy_version=policy.version,
        policy_sha256=policy.sha256,
        as_of=as_of.isoformat(),
        lang=lang,
        result=answer,
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
    )
    return Decision(answer, entry, result, policy)


def line_error(number: int, problem: Problem) -> dict[str, Any]:
    """A batch line that gave no result: its number and the problem, in the stream."""
    return {"line": number, "error": problem.body()}


def too_long(number: int, limit: int) -> dict[str, Any]:
    diag = Diagnostic("<batch>", number, 0, "too-large", f"line longer than {limit} bytes")
    return line_error(number, Problem(413, "line too long", errors=diagnostics([diag])))
