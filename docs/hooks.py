"""MkDocs hook: render the standard, the decisions and the worked examples from the policy
at build time (nothing generated is committed), and put real CLI output into the pages."""

from __future__ import annotations

import io
import logging
import os
import re
import shlex
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.structure.files import File, Files

from policykit.cli import run
from policykit.docsite import clause_page, pages, result_format

if TYPE_CHECKING:
    from policykit.policy.model import Policy

ROOT = Path(__file__).resolve().parent.parent
_LOG = logging.getLogger("mkdocs.hooks.policykit")
_STATE: dict[str, Any] = {}
_OUTPUT = re.compile(r"<!-- policykit: (.+?) -->")
_API = re.compile(r"<!-- policykit-api: (GET|POST) (\S+)(?: (?!expect )(\S+))?(?: expect (\d{3}))? -->")
_API_TABLE = "<!-- policykit-api-table -->"


def _folder() -> Path:
    """The policy set the site renders: ``POLICYKIT_DOCS_POLICIES`` or the checkout's."""
    return Path(os.environ.get("POLICYKIT_DOCS_POLICIES") or ROOT / "policies")


def _as_of(config: Any) -> date:
    text = (config.get("extra") or {}).get("policykit_as_of")
    return date.fromisoformat(str(text)) if text else date.today()


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The folder's files as they are now (name, change time, size): a set edited since it
    was loaded has another signature."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
        return tuple((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in entries if e.is_file())
    except OSError:
        return ()


def _versions(config: Any) -> tuple[Policy, list[Policy]]:
    """The version in force on the site's day (the default pages) and every version; loaded
    again when a file of the set changed since (``mkdocs serve`` shows the edit).  A set that
    cannot be read fails the build with its problems, one line each, and no traceback."""
    folder = _folder()
    signature = (str(folder), _signature(folder))
    if _STATE.get("signature") != signature:
        from mkdocs.exceptions import PluginError

        from policykit.errors import PolicykitError
        from policykit.tools.versions import load_policy_set

        try:
            policy_set = load_policy_set(folder, use_cache=False)
            _STATE["set"] = (policy_set.select(_as_of(config)), list(policy_set.versions))
        except PolicykitError as exc:
            _STATE.pop("signature", None)
            lines = "\n".join(d.format() for d in exc.diagnostics)
            raise PluginError(f"the policy set {folder} cannot be rendered:\n{lines}") from None
        _STATE["signature"] = signature
        _STATE.pop("client", None)  # the service read the set before
    found: tuple[Policy, list[Policy]] = _STATE["set"]
    return found


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """``mkdocs serve`` rebuilds when a policy file changes, not only a page."""
    server.watch(str(_folder()))
    return server


def _version_nav(policy: Policy, prefix: str = "") -> list[Any]:
    standard: list[Any] = []
    seen: set[str] = set()
    for clause in policy.clauses.values():
        page = clause_page(clause.id)
        if page not in seen:
            seen.add(page)
            standard.append(f"{prefix}{page}.md")
    types = list(policy.facts["request.type"].values)
    return [
        {"企业服务标准 · The standard": standard},
        {"决定 · Decisions": [f"{prefix}decisions/{t}.md" for t in types] + [f"{prefix}decisions/derived.md"]},
        {"解释 · Interpretations": f"{prefix}interpretations.md"},
        {"日历 · Calendar": f"{prefix}calendar.md"},
        {"实例 · Worked examples": f"{prefix}examples.md"},
    ]


def on_config(config: Any) -> Any:
    policy, versions = _versions(config)
    standard, decisions, interpretations, calendar, examples = _version_nav(policy)
    others = [
        {f"{p.version} ({p.status})": _version_nav(p, f"versions/{p.version}/")} for p in versions if p is not policy
    ]
    config["nav"] = [
        {"入门 · Getting started": "index.md"},
        {"判定案例 · Evaluating cases": "evaluating.md"},
        {"案例与结果格式 · The contract": "contract.md"},
        standard,
        decisions,
        interpretations,
        calendar,
        examples,
        {"编辑与测试规范 · Editing a policy": "editing.md"},
        {"版本 · Versions": ["versions.md", *others] if others else "versions.md"},
        {"决定服务 · The decision service (API)": "api.md"},
    ]
    return config


def on_files(files: Files, config: Any) -> Files:
    from policykit.docsite.pages import version_pages

    policy, versions = _versions(config)
    examples = sorted((ROOT / "examples").glob("*.json"))
    from policykit.policy.contract_ext import contract_of

    result_schema = result_format()
    contract = contract_of(policy.raw)  # the contract of the version, with what it added
    tests = _folder() / "tests"
    failures: list[str] = []
    generated = pages(
        policy, examples, tests, _as_of(config), versions, policy.case_schema, result_schema, contract, failures
    )
    for other in versions:
        if other is not policy:
            for path, content in version_pages(other, examples, tests, _as_of(config), failures).items():
                generated[f"versions/{other.version}/{path}"] = content
    for failure in failures:  # a warning: `mkdocs build --strict` fails on it
        _LOG.warning("policykit: failing example or test: %s", failure)
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    return files


def _output(command: str, config: Any) -> str:
    argv = shlex.split(command)
    if argv and argv[0] == "evaluate" and "--as-of" not in argv:
        argv += ["--as-of", _as_of(config).isoformat()]
    if argv and argv[0] == "evaluate" and "--policy" not in argv and "--policy-set" not in argv:
        argv += ["--policy-set", str(_folder())]  # the set the site renders, not the checkout's
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = run(argv, out, err)
    finally:
        os.chdir(cwd)
    text = out.getvalue() + err.getvalue()
    return f"```text\n$ policykit {command}\n{text.rstrip()}\n```\n(exit status {code})"


def _client() -> Any:
    """The decision service in-process, with a scratch decision log."""
    if "client" not in _STATE:
        import tempfile

        from starlette.testclient import TestClient

        from policykit.server.app import create_app
        from policykit.server.config import ServerConfig

        log = Path(tempfile.mkdtemp(prefix="policykit-docs-")) / "decisions.sqlite3"
        config = ServerConfig(policy_set=str(_folder()), log_db=str(log))
        # as a browser or curl on this machine asks it: the service answers loopback hosts alone
        _STATE["client"] = TestClient(create_app(config), base_url="http://127.0.0.1:8080")
    return _STATE["client"]


def _api(method: str, target: str, body_file: str | None, expect: str | None = None) -> str:
    """A request to the service and its real answer, as curl and JSON; the build fails
    where the answer's status is not the ``expect`` the page says."""
    import json

    body = (ROOT / body_file).read_bytes() if body_file else None
    response = _client().request(method, target, content=body)
    if expect is not None and response.status_code != int(expect):
        raise ValueError(f"{method} {target}: HTTP {response.status_code}, where the page expects {expect}")
    curl = f"curl -X {method} 'http://127.0.0.1:8080{target}'" + (f" --data-binary @{body_file}" if body_file else "")
    text = json.dumps(response.json(), ensure_ascii=False, indent=2)
    return f"```text\n$ {curl}\n```\n\n```json\n{text}\n```\n(HTTP {response.status_code})"


def _api_table() -> str:
    from policykit.server.openapi import build_openapi
    from policykit.tools.versions import load_policy_set

    document = build_openapi(load_policy_set(_folder()))
    rows = ["| method | path | what | scopes |", "|---|---|---|---|"]
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            secured = "key" if op.get("security") else "none"
            rows.append(f"| {method.upper()} | `{path}` | {op['summary']} | {secured} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    markdown = _API.sub(lambda m: _api(m.group(1), m.group(2), m.group(3), m.group(4)), markdown)
    if _API_TABLE in markdown:
        markdown = markdown.replace(_API_TABLE, _api_table())
    return _OUTPUT.sub(lambda m: _output(m.group(1), config), markdown)
