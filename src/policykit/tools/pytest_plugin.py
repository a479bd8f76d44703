"""pytest plugin: collect policy test files (YAML with ``policykit_tests: 1``) as tests.

Each test is named by its file and title; a failure shows the test's file:line and the
expected and actual values side by side, as ``policykit test`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import policykit
from policykit.errors import PolicykitError
from policykit.policy.model import Policy
from policykit.tools.policytest import Outcome, PolicyTest, load_test_file, run_test
from policykit.tools.testcmd import failure_report

_MARKER = "policykit_tests:"
_POLICIES: dict[Path, Policy] = {}


def _is_policy_test(path: Path) -> bool:
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(line.startswith(_MARKER) for line in head.splitlines())


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_policy_test(file_path):
        return PolicyTestFile.from_parent(parent, path=file_path)
    return None


class PolicyTestFailure(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.test.title)
        self.outcome = outcome


class PolicyTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        test_file = load_test_file(self.path)
        key = test_file.policy.resolve()
        if key not in _POLICIES:
            _POLICIES[key] = policykit.load_policy(test_file.policy, use_cache=False)
        for test in test_file.tests:
            yield PolicyTestItem.from_parent(self, name=test.title, test=test, policy=_POLICIES[key])

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """A bad test file or policy: its problems as ``file:line:col: code: message``
        lines, as ``policykit test`` prints them (no traceback of policykit's)."""
        if isinstance(excinfo.value, PolicykitError):
            return "\n".join(d.format() for d in sorted(excinfo.value.diagnostics)) or str(excinfo.value)
        return super().repr_failure(excinfo)


class PolicyTestItem(pytest.Item):
    def __init__(self, *, test: PolicyTest, policy: Policy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test
        self.policy = policy

    def runtest(self) -> None:
        outcome = run_test(self.policy, self.test)
        if not outcome.passed:
            raise PolicyTestFailure(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, PolicyTestFailure):
            return failure_report(excinfo.value.outcome)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.test.line - 1, f"{self.test.where}: {self.test.title}"
