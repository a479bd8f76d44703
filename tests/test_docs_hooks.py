"""The docs hook: a policy set that cannot be read fails ``mkdocs build`` with its problems,
one line each and no traceback; ``mkdocs serve`` watches the set and renders an edit."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import POLICY_FILE, ROOT
from .test_docs import build


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("policykit_docs_hooks_under_test", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["broken", "empty", "missing"])
def test_a_set_that_cannot_be_read_fails_the_build_with_its_problems(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "policies"
    if kind != "missing":
        folder.mkdir()
    if kind == "broken":
        text = POLICY_FILE.read_text(encoding="utf-8")
        text = text.replace("[fault, return, complaint]", "[fault, retrun, complaint]")
        (folder / POLICY_FILE.name).write_text(text, encoding="utf-8")
    run = build(tmp_path / "site", folder)
    log = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Traceback" not in log and f"the policy set {folder} cannot be rendered:" in log
    expected = {
        "broken": "unknown request type 'retrun'; did you mean 'return'? (at registration.applies_to[1])",
        "empty": f"{folder}: empty-set: no policy file in this folder",
        "missing": f"{folder}: not-found: no such policy folder",
    }[kind]
    assert expected in log


def test_serve_watches_the_set_and_a_build_renders_its_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    policy_file = folder / POLICY_FILE.name
    shutil.copyfile(POLICY_FILE, policy_file)
    monkeypatch.setenv("POLICYKIT_DOCS_POLICIES", str(folder))
    hooks = _hooks()

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    assert hooks.on_serve(server, {}, None) is server and server.watched == [str(folder)]
    config: dict[str, Any] = {"extra": {"policykit_as_of": "2026-06-01"}}
    first, _ = hooks._versions(config)
    assert hooks._versions(config)[0] is first  # unchanged: not loaded again
    policy_file.write_text(policy_file.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    edited, _ = hooks._versions(config)
    assert edited is not first
    assert edited.sha256 == hashlib.sha256(policy_file.read_bytes()).hexdigest() != first.sha256


def test_the_cli_output_on_a_page_comes_from_the_set_the_site_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``<!-- policykit: evaluate ... -->`` is run against POLICYKIT_DOCS_POLICIES, as every
    other page is rendered from it: not against the checkout's ``policies/``."""
    folder = tmp_path / "policies"
    folder.mkdir()
    text = POLICY_FILE.read_text(encoding="utf-8")
    assert "  version: 1.0.0\n" in text
    (folder / POLICY_FILE.name).write_text(
        text.replace("  version: 1.0.0\n", "  version: 9.8.7\n", 1), encoding="utf-8"
    )
    monkeypatch.setenv("POLICYKIT_DOCS_POLICIES", str(folder))
    config: dict[str, Any] = {"extra": {"policykit_as_of": "2026-06-01"}}
    shown = _hooks()._output("evaluate examples/fault.json --format json", config)
    assert '"version": "9.8.7"' in shown and "(exit status 0)" in shown


def test_the_api_pages_requests_are_answered_as_the_page_says() -> None:
    """The API page's live examples: the service's real answers, each with the status the
    page expects (a 400 of the service's own, as when it refused the test client's host,
    fails the build instead of being shown)."""
    hooks = _hooks()
    text = hooks._API.sub(
        lambda m: hooks._api(m.group(1), m.group(2), m.group(3), m.group(4)),
        (ROOT / "docs" / "api.md").read_text(encoding="utf-8"),
    )
    assert "(HTTP 200)" in text and "(HTTP 422)" in text and "not served" not in text
    with pytest.raises(ValueError, match="HTTP 200, where the page expects 201"):
        hooks._api("POST", "/v1/evaluate?as_of=2026-11-27", "examples/complaint.json", "201")
