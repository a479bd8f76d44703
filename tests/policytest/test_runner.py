"""``policykit test``: a line per test, expected beside actual on failure, filters, formats,
coverage, and the pytest plugin collecting the same files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from ..conftest import POLICY_FILE, ROOT, cli

TESTS_DIR = ROOT / "policies" / "tests"

SMALL = """\
# yaml-language-server: $schema=../schemas/policytest.schema.json
policykit_tests: 1
policy: {policy}
as_of: "2026-11-27"
base:
  request: {{type: fault, date: "2026-02-10"}}
  customer: {{name: n, address: a, phone: p}}
  product: {{model: m, serial_number: s}}
  sale: {{ship_date: "2025-06-01", shipping_method: express}}
  fault: {{code: no-video}}
  received_on: "2026-02-13"
tests:
  - title: free replacement ships on the working Saturday
    expect:
      decisions: {{service.type: free_replacement, deadlines.ship_by: "2026-02-14"}}
      cites: {{deadlines.ship_by: [repair-time.1]}}
      actions: [ship-unit]
      due: {{ship-unit: "2026-02-14"}}
  - title: a fault before the ship date is refused
    case:
      request: {{date: "2025-05-01"}}
    expect:
      error: request.date
"""


def _write(tmp_path: Path, policy: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.format(policy=policy), encoding="utf-8")
    return path


def _broken_policy(tmp_path: Path) -> Path:
    text = POLICY_FILE.read_text(encoding="utf-8")
    old = "  replacement_ship_working_days:\n    value: 1\n"
    assert text.count(old) == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(old, "  replacement_ship_working_days:\n    value: 2\n"), encoding="utf-8")
    return broken


def test_passing_tests_print_a_line_each(tmp_path: Path) -> None:
    code, out, _ = cli("test", str(_write(tmp_path, POLICY_FILE)))
    assert code == 0
    assert out.count("PASS ") == 2 and "2 passed, 0 failed" in out


def test_a_broken_policy_fails_with_expected_beside_actual(tmp_path: Path) -> None:
    tests = _write(tmp_path, POLICY_FILE)
    code, out, _ = cli("test", str(tests), "--policy", str(_broken_policy(tmp_path)))
    assert code == 1
    assert f"FAIL {tests}:13: free replacement ships on the working Saturday" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("deadlines.ship_by"))
    assert row.split() == ["deadlines.ship_by", '"2026-02-14"', '"2026-02-24"'] or (
        "2026-02-14" in row and "2026-02-24" in row and row.index("2026-02-14") < row.index("2026-02-24")
    )
    assert "due of ship-unit" in out
    assert "1 passed, 1 failed" in out


def test_keyword_filter_and_json_and_junit(tmp_path: Path) -> None:
    tests = _write(tmp_path, POLICY_FILE)
    code, out, _ = cli("test", str(tests), "-k", "refused", "--format", "json")
    data = json.loads(out)
    assert (
        code == 0
        and data["passed"] == 1
        and [t["title"] for t in data["tests"]] == ["a fault before the ship date is refused"]
    )
    code, out, _ = cli("test", str(tests), "--format", "junit", "--policy", str(_broken_policy(tmp_path)))
    suite = ET.fromstring(out)
    assert code == 1 and suite.get("tests") == "2" and suite.get("failures") == "1"
    assert suite.find("testcase/failure") is not None


def test_a_bad_test_file_exits_2_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("policykit_tests: 1\ntests:\n  - title: x\n    expekt: {}\n", encoding="utf-8")
    code, out, err = cli("test", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:4:" in err and "expekt" in err


def test_a_bad_file_level_as_of_is_placed_on_its_own_line(tmp_path: Path) -> None:
    bad = tmp_path / "asof.yaml"
    bad.write_text(
        f"policy: {POLICY_FILE}\npolicykit_tests: 1\nas_of: '2026-13-45'\ntests:\n  - title: x\n"
        "    case: {request: {type: fault, date: '2026-05-20'}}\n    expect: {decisions: {}}\n",
        encoding="utf-8",
    )
    code, out, err = cli("test", str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:3:") and "bad-date" in err and "(at as_of)" in err, err


def test_a_keyword_that_selects_no_test_is_refused_not_passed(tmp_path: Path) -> None:
    tests = _write(tmp_path, POLICY_FILE)
    code, out, err = cli("test", str(tests), "-k", "no such test")
    assert code == 2 and out == ""
    assert err.startswith("-k: no-tests: no test matches 'no such test' (of ")


def test_coverage_names_rows_never_fired_and_fail_under(tmp_path: Path) -> None:
    tests = _write(tmp_path, POLICY_FILE)
    code, out, err = cli("test", str(tests), "--coverage", "--fail-under", "100")
    assert code == 1 and "under 100%" in err
    assert "not fired: row 1 (line" in out and "TOTAL rules covered:" in out
    code, out, _ = cli("test", str(tests), "--coverage", "--format", "json")
    cov = next(iter(json.loads(out)["coverage"].values()))
    assert cov["values"]["service.type"]["fired"] == [
        {"row": "4", "line": cov["values"]["service.type"]["fired"][0]["line"]}
    ]
    assert cov["clauses"]["repair-time.1"] is True and cov["clauses"]["returns.1"] is False


def test_the_projects_policy_tests_cover_every_rule() -> None:
    code, out, err = cli("test", str(TESTS_DIR), "--coverage", "--fail-under", "100")
    assert code == 0, out[-3000:] + err
    assert "TOTAL rules covered:" in out and "= 100.0%" in out


def _pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest (with the policykit plugin) run on ``args`` in ``where``."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=where,
        timeout=300,
        check=False,
    )


def test_pytest_collects_policy_test_files(tmp_path: Path) -> None:
    tests = _write(tmp_path, POLICY_FILE)
    run = _pytest(tmp_path, "--collect-only", str(tests))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "free replacement ships on the working Saturday" in run.stdout
    broken = _broken_policy(tmp_path)
    tests.write_text(SMALL.format(policy=broken), encoding="utf-8")
    run = _pytest(tmp_path, str(tests))
    assert run.returncode == 1
    assert "deadlines.ship_by" in run.stdout and "2026-02-24" in run.stdout and "1 failed, 1 passed" in run.stdout


def test_pytest_reports_a_bad_test_file_by_its_line_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("policykit_tests: 1\ntests:\n  - title: x\n    expekt: {}\n", encoding="utf-8")
    run = _pytest(tmp_path, str(bad))
    assert run.returncode == 2, run.stdout + run.stderr  # a collection error, as pytest reports one
    assert f"{bad}:4:" in run.stdout and "expekt" in run.stdout
    assert "Traceback" not in run.stdout and "policykit/tools" not in run.stdout, run.stdout


def _with_test(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "typo.yaml"
    path.write_text(SMALL.format(policy=POLICY_FILE) + extra, encoding="utf-8")
    return path


def test_a_misspelt_field_of_a_tests_case_fails_it_naming_the_field(tmp_path: Path) -> None:
    """A typo in a test's case would run it silently on the base case's value."""
    tests = _with_test(
        tmp_path,
        '  - title: the last day of warranty\n    case:\n      requst: {date: "2026-06-04"}\n'
        "    expect:\n      decisions: {service.type: free_replacement}\n",
    )
    code, out, _ = cli("test", str(tests))
    assert code == 1
    assert "FAIL" in out and "the last day of warranty" in out
    assert "unknown field requst (did you mean request?)" in out
    assert "2 passed, 1 failed" in out


def test_a_field_the_test_expects_a_warning_about_is_allowed(tmp_path: Path) -> None:
    tests = _with_test(
        tmp_path,
        "  - title: an extra field from the CRM is ignored with a warning\n    case:\n"
        "      crm_ticket: T-1\n    expect:\n      decisions: {service.type: free_replacement}\n"
        "      warnings: [crm_ticket]\n",
    )
    code, out, _ = cli("test", str(tests))
    assert code == 0, out
    assert "3 passed, 0 failed" in out


def test_a_misspelt_decision_is_answered_with_the_closest(tmp_path: Path) -> None:
    tests = _with_test(
        tmp_path,
        '  - title: misspelt\n    expect:\n      decisions: {warranty.end_dat: "2026-06-04"}\n',
    )
    code, out, _ = cli("test", str(tests))
    assert code == 1
    assert "did you mean 'warranty.end_date'?" in out


def test_a_value_or_clause_the_policy_does_not_have_is_named_as_such(tmp_path: Path) -> None:
    """An expectation that could hold for no case (a misspelt value of a decision, a clause
    id the policy lacks) fails with what was meant, not only expected beside actual."""
    tests = _with_test(
        tmp_path,
        "  - title: misspelt value\n    expect:\n      decisions: {service.type: free_replacment}\n"
        "  - title: unknown clause\n    expect:\n      cites: {deadlines.ship_by: [repair-time.9, repair-time.1]}\n",
    )
    code, out, _ = cli("test", str(tests))
    assert code == 1 and "2 passed, 2 failed" in out
    assert "('free_replacment' is not a value of service.type; did you mean 'free_replacement'?)" in out
    assert "(no clause 'repair-time.9'; did you mean" in out and "(no clause 'repair-time.1'" not in out
    assert '["repair-time.1"' in out  # the clauses cited, as a list is shown


def test_a_folder_with_no_test_file_is_refused(tmp_path: Path) -> None:
    """A CI hook pointed at an empty folder must not pass having run nothing."""
    empty = tmp_path / "tests"
    empty.mkdir()
    code, out, err = cli("test", str(empty))
    assert (code, out) == (2, "")
    assert err.strip() == f"{empty}: no-tests: no policy test file (.yaml) here"


SETTLED = """\
policykit_tests: 1
policy: {policy}
as_of: "2026-11-27"
tests:
  - title: out of warranty by either shipping method
    case:
      request: {{type: fault, date: "2028-09-21"}}
      customer: {{name: n, address: a, phone: p}}
      product: {{model: m, serial_number: s}}
      sale: {{ship_date: "2026-04-23"}}
      fault: {{code: no-video}}
      received_on: "2028-09-22"
    expect:
      decisions: {{warranty.status: out_of_warranty}}
"""


def test_coverage_counts_the_row_that_decided_a_value_settled_over_an_unknown(tmp_path: Path) -> None:
    """The shipping method unknown, the warranty is out either way (CONTRACT 1.1): the row
    that says so decided the test's value, and coverage counts it fired."""
    tests = tmp_path / "settled.yaml"
    tests.write_text(SETTLED.format(policy=POLICY_FILE), encoding="utf-8")
    code, out, err = cli("test", str(tests), "--coverage", "--format", "json")
    assert code == 0, out + err
    cov = next(iter(json.loads(out)["coverage"].values()))
    status = cov["values"]["warranty.status"]
    assert [row["row"] for row in status["fired"]] == ["2"], status
    assert cov["clauses"]["warranty.period"] is True


def test_a_refused_case_is_reported_whole_and_without_its_place_again(tmp_path: Path) -> None:
    """The field a bad input names ends the line, however long the file's path (it was cut
    off, the path said twice); the test's file and line head the report."""
    folder = tmp_path / "a" / "rather" / "long" / "folder" / "of" / "policy" / "tests"
    folder.mkdir(parents=True)
    tests = folder / "received_day_tests.yaml"
    text = SMALL.format(policy=POLICY_FILE).replace('received_on: "2026-02-13"', 'received_on: "2026-02-30"')
    tests.write_text(text, encoding="utf-8")
    code, out, _ = cli("test", str(tests))
    assert code == 1
    (line,) = [x for x in out.splitlines() if x.strip().startswith("input")]
    assert line.endswith("is not a day of the calendar (expected a real day, YYYY-MM-DD) (at received_on)"), line
    assert str(tests) not in line and "bad-value: " in line


def _amended_project(tmp_path: Path, base_tests: list[str]) -> Path:
    """A project with the standard, the docs' first amendment (1.1.0) and its tests, and
    the base version's test files ``base_tests``."""
    policies = tmp_path / "policies"
    (policies / "tests").mkdir(parents=True)
    (policies / "standard_v1.yaml").write_bytes(POLICY_FILE.read_bytes())
    revisions = ROOT / "tests" / "fixtures" / "revisions"
    (policies / "freight_warranty.yaml").write_bytes((revisions / "freight_warranty.yaml").read_bytes())
    (policies / "tests" / "amendment.yaml").write_bytes((revisions / "tests" / "freight_warranty.yaml").read_bytes())
    for name in base_tests:
        (policies / "tests" / name).write_bytes((TESTS_DIR / name).read_bytes())
    return policies / "tests"


def test_an_amendment_is_credited_with_the_rows_it_takes_over_that_the_base_tests_fired(tmp_path: Path) -> None:
    """The docs' amendment passes the pre-commit hook's --fail-under 100 with the base's
    tests beside it: a row taken over unchanged counts where the base's tests fired it
    (18 % of its rows were counted before, the rest listed at its amends: line)."""
    tests = _amended_project(tmp_path, [p.name for p in TESTS_DIR.glob("*.yaml")])
    code, out, err = cli("test", str(tests), "--coverage", "--fail-under", "100")
    assert code == 0, err + out[-2000:]
    assert out.count("= 100.0%") == 2


def test_a_row_taken_over_and_fired_by_no_test_is_placed_in_the_base_file(tmp_path: Path) -> None:
    tests = _amended_project(tmp_path, ["warranty.yaml"])
    _, out, _ = cli("test", str(tests), "--coverage", "--format", "json")
    coverage = json.loads(out)["coverage"]
    amended = next(v for k, v in coverage.items() if k.endswith("freight_warranty.yaml"))
    base = next(v for k, v in coverage.items() if k.endswith("standard_v1.yaml"))
    ship_by = amended["values"]["deadlines.ship_by"]["not_fired"]
    assert ship_by and all(row["file"].endswith("standard_v1.yaml") for row in ship_by)
    assert ship_by == [{**row, "file": ship_by[0]["file"]} for row in base["values"]["deadlines.ship_by"]["not_fired"]]
    # the row the amendment put first, and the rows behind it (which it may shadow), are
    # its own: none is credited to the base's tests
    end = amended["values"]["warranty.end_date"]
    assert all("file" not in row for row in end["fired"] + end["not_fired"])


def test_no_credit_for_a_row_behind_one_the_amendment_added(tmp_path: Path) -> None:
    """A row that always holds put first: the base's rows behind it never decide there, and
    are not credited (they were, as unchanged text, while check called them shadowed)."""
    tests = _amended_project(tmp_path, [p.name for p in TESTS_DIR.glob("*.yaml")])
    amendment = tests.parent / "freight_warranty.yaml"
    text = amendment.read_text(encoding="utf-8")
    first = "changes:\n"
    shadowing = (
        "changes:\n  - add: decisions[warranty.status].rules\n    at: 0\n    with:\n      when: true\n"
        "      value: in_warranty\n      cites: [warranty.period]\n"
        "      because: {zh: 在保修期内, en: In warranty}\n"
    )
    assert text.count(first) == 1
    amendment.write_text(text.replace(first, shadowing), encoding="utf-8")
    _, out, _ = cli("test", str(tests), "--coverage", "--format", "json")
    amended = next(v for k, v in json.loads(out)["coverage"].items() if k.endswith("freight_warranty.yaml"))
    status = amended["values"]["warranty.status"]
    assert [row["row"] for row in status["not_fired"]] == ["2", "3"]
    assert all("file" not in row for row in status["not_fired"])


def test_credit_follows_a_chain_of_amendments(tmp_path: Path) -> None:
    """1.2.0 amends 1.1.0, which amends 1.0.0: a row 1.2.0 takes over from 1.1.0, which took
    it over from 1.0.0, counts where 1.0.0's tests fired it, and is placed in 1.0.0's file."""
    tests = _amended_project(tmp_path, [p.name for p in TESTS_DIR.glob("*.yaml")])
    policies = tests.parent
    (policies / "later.yaml").write_text(
        "policykit: 1\namends: 1.1.0\nmetadata:\n  version: 1.2.0\n  supersedes: 1.1.0\n"
        "changes:\n  - replace: parameters.repair_ship_days.value\n    with: 5\n",
        encoding="utf-8",
    )
    (tests / "later.yaml").write_text(
        'policykit_tests: 1\npolicy: ../later.yaml\nas_of: "2026-11-27"\ntests:\n'
        "  - title: a transport damage case still decides\n"
        '    case: {request: {type: transport_damage, date: "2026-03-05"}, transport: {damage: none}}\n'
        "    expect: {decisions: {transport.claim: none}}\n",
        encoding="utf-8",
    )
    code, out, err = cli("test", str(tests), "--coverage", "--fail-under", "100")
    assert code == 0, err + out[-1500:]
    _, out, _ = cli("test", str(tests), "--coverage", "--format", "json")
    later = next(v for k, v in json.loads(out)["coverage"].items() if k.endswith("later.yaml"))
    start = later["values"]["warranty.start_date"]["fired"]
    assert start and all(row["file"].endswith("standard_v1.yaml") for row in start)
