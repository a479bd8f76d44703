"""The compiler pipeline as a whole: diagnostics sorted, capped and formatted; every
problem of a stage reported at once; ``policykit validate`` on good and broken files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from policykit.cli.app import run
from policykit.errors import MAX_ERRORS, Diagnostic, PolicyError, sort_and_cap
from policykit.policy.compiler import load_policy, load_policy_text

POLICY = Path(__file__).parents[2] / "policies" / "standard_v1.yaml"
LINE = re.compile(
    r"^(?P<file>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<code>[a-z-]+): (?P<message>.+?)"
    r"(?: \(at (?P<path>[A-Za-z_][^ ]*)\))?$"
)


@pytest.fixture(scope="module")
def policy_text() -> str:
    return POLICY.read_text(encoding="utf-8")


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """Apply find/replace pairs, each of whose find text occurs exactly once."""
    for find, replace in pairs:
        assert text.count(find) == 1, f"expected exactly one {find!r} in the policy"
        text = text.replace(find, replace)
    return text


def errors_of(text: str) -> list[Diagnostic]:
    policy, diags = load_policy_text(text.encode("utf-8"), "policy.yaml")
    assert policy is None
    return [d for d in diags if d.severity == "error"]


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


# -- sort_and_cap -------------------------------------------------------------------------


def _diag(line: int, col: int = 1, code: str = "schema", file: str = "p.yaml") -> Diagnostic:
    return Diagnostic(file, line, col, code, f"problem at {line}:{col}", f"x[{line}]")


def test_sort_and_cap_sorts_by_file_then_line_then_column() -> None:
    diags = [_diag(9), _diag(2, 7), _diag(2, 3), _diag(1, file="b.yaml"), _diag(30), _diag(5, file="a.yaml")]
    out = sort_and_cap(diags)
    assert [(d.file, d.line, d.col) for d in out] == [
        ("a.yaml", 5, 1),
        ("b.yaml", 1, 1),
        ("p.yaml", 2, 3),
        ("p.yaml", 2, 7),
        ("p.yaml", 9, 1),
        ("p.yaml", 30, 1),
    ]


def test_sort_and_cap_drops_exact_duplicates() -> None:
    assert sort_and_cap([_diag(3), _diag(1), _diag(3), _diag(1)]) == [_diag(1), _diag(3)]


def test_sort_and_cap_keeps_everything_up_to_the_cap() -> None:
    diags = [_diag(n) for n in range(MAX_ERRORS, 0, -1)]
    out = sort_and_cap(diags)
    assert len(out) == MAX_ERRORS
    assert [d.line for d in out] == list(range(1, MAX_ERRORS + 1))
    assert all(d.code != "too-many-errors" for d in out)


def test_sort_and_cap_caps_and_says_how_many_were_left_out() -> None:
    diags = [_diag(n) for n in range(MAX_ERRORS + 7, 0, -1)]
    out = sort_and_cap(diags)
    assert len(out) == MAX_ERRORS + 1
    assert [d.line for d in out[:-1]] == list(range(1, MAX_ERRORS + 1)), "the first problems by location are kept"
    last = out[-1]
    assert last.code == "too-many-errors"
    assert last.message == "7 more problems not shown"
    assert last.file == "p.yaml"


def test_sort_and_cap_takes_a_smaller_cap() -> None:
    out = sort_and_cap([_diag(n) for n in range(1, 6)], cap=2)
    assert [d.code for d in out] == ["schema", "schema", "too-many-errors"]
    assert out[-1].message == "3 more problems not shown"


def test_policy_error_sorts_and_caps_its_diagnostics() -> None:
    exc = PolicyError([_diag(n) for n in range(MAX_ERRORS + 3, 0, -1)])
    assert exc.diagnostics[0].line == 1
    assert exc.diagnostics[-1].code == "too-many-errors"
    assert str(exc).splitlines()[0] == _diag(1).format()
    assert len(str(exc).splitlines()) == MAX_ERRORS + 1


# -- Diagnostic.format -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diag", "text"),
    [
        (
            Diagnostic("p.yaml", 12, 5, "unknown-clause", "unknown clause 'x'", "metadata.cites[0]"),
            "p.yaml:12:5: unknown-clause: unknown clause 'x' (at metadata.cites[0])",
        ),
        (
            Diagnostic("p.yaml", 12, 0, "cycle", "values depend on each other: a -> b -> a"),
            "p.yaml:12: cycle: values depend on each other: a -> b -> a",
        ),
        (Diagnostic("p.yaml", 0, 0, "not-found", "no such file"), "p.yaml: not-found: no such file"),
        (Diagnostic("", 3, 1, "yaml-syntax", "bad"), "<input>:3:1: yaml-syntax: bad"),
        (
            Diagnostic("p.yaml", 1, 1, "draft", "a draft", "metadata.status", "warning"),
            "p.yaml:1:1: draft: a draft (at metadata.status)",
        ),
    ],
)
def test_diagnostic_format(diag: Diagnostic, text: str) -> None:
    assert diag.format() == text
    match = LINE.match(diag.format())
    assert match is not None
    assert match["code"] == diag.code
    assert (match["path"] or "") == diag.path


def test_compiler_diagnostics_format_as_file_line_col_code_message_path(policy_text: str) -> None:
    text = edit(policy_text, ("  extra_holidays: []\n", '  extra_holidays: ["2026-02-30"]\n'))
    (diag,) = [d for d in errors_of(text) if d.code == "bad-date"]
    line = line_of(text, '  extra_holidays: ["2026-02-30"]')
    assert diag.format() == (
        f"policy.yaml:{line}:20: bad-date: '2026-02-30' is not a calendar date "
        "(day is out of range for month) (at calendar.extra_holidays[0])"
    )


# -- every problem of a stage at once ---------------------------------------------------------


def test_schema_stage_reports_every_problem_at_once(policy_text: str) -> None:
    text = edit(
        policy_text,
        ("  version: 1.0.0\n", "  version: 1.0.0\n  verison: 1.0.1\n"),
        ("  follow_up_interval_months:\n    value: 1\n", "  follow_up_interval_months:\n    value: [1]\n"),
        ("  country: CN\n", "  country: China\n"),
    )
    found = {(d.code, d.path, d.line) for d in errors_of(text)}
    assert found >= {
        ("unknown-key", "metadata.verison", line_of(text, "  verison: 1.0.1")),
        ("schema", "parameters.follow_up_interval_months.value", line_of(text, "    value: [1]\n")),
        ("schema", "calendar.country", line_of(text, "  country: China")),
    }


def test_reference_stage_reports_every_problem_at_once(policy_text: str) -> None:
    text = edit(
        policy_text,
        ("  extra_holidays: []\n", '  extra_holidays: ["2026-02-30"]\n'),
        ("  interpretation: INT-3\n", "  interpretation: INT-99\n"),
        ("    default_param: standard_warranty_months\n", "    default_param: standard_warranty_month\n"),
        ("  facts: [customer.name, ", "  facts: [customer.nme, "),
    )
    errors = errors_of(text)
    assert {d.code for d in errors} == {"bad-date", "unknown-interpretation", "unknown-parameter", "unknown-fact"}
    assert len(errors) == 4


def test_expression_stage_reports_every_problem_at_once(policy_text: str) -> None:
    text = edit(
        policy_text,
        (
            "      - when: fault.works_normally\n        value: no_fault_found\n",
            "      - when: fault.works_normaly\n        value: no_fault_found\n",
        ),
        ("      - when: complaint.serious\n", "      - when: 2 ** 10 > 0\n"),
        (
            "        compute: add_working_days(received_on, params.quote_working_days)\n",
            "        compute: add_working_day(received_on, params.quote_working_days)\n",
        ),
        (
            '      free_repair: {zh: "免费修理", en: free repair}\n',
            '      free_repairs: {zh: "免费修理", en: free repair}\n',
        ),
    )
    codes = sorted(d.code for d in errors_of(text))
    assert codes == ["function-not-allowed", "operator-not-allowed", "unknown-name", "unknown-value"]


def test_status_stage_reports_every_missing_sign_off(policy_text: str) -> None:
    text = edit(policy_text, ("  status: draft\n", "  status: approved\n"))
    errors = errors_of(text)
    assert {d.code for d in errors} == {"approval-missing"}
    assert {d.path for d in errors} == {
        "metadata.approvals.drafted_by",
        "metadata.approvals.reviewed_by",
        "metadata.approvals.approved_by",
        "metadata.approvals.general_manager",
        "metadata.effective_from",
    }


def test_pipeline_stops_after_the_first_stage_with_errors(policy_text: str) -> None:
    """A schema error hides the reference errors: later stages assume a well-formed policy."""
    text = edit(
        policy_text,
        ("  country: CN\n", "  country: China\n"),
        ("  interpretation: INT-3\n", "  interpretation: INT-99\n"),
    )
    assert {d.code for d in errors_of(text)} == {"schema"}


def test_the_stages_after_the_schema_report_together_with_the_expressions(policy_text: str) -> None:
    """Past the schema, each stage reads the document alone: a bad parameter, a signed-off
    version missing its sign-offs and an unknown name in a condition are told in one
    round, sorted by line; an unknown reference still holds back the expressions, whose
    assembly reads what it names."""
    text = edit(
        policy_text,
        ("  warranty_start_express_days:\n    value: 3\n", "  warranty_start_express_days:\n    value: three\n"),
        ("  status: draft\n", "  status: approved\n"),
        (
            "      - when: fault.works_normally\n        value: no_fault_found\n",
            "      - when: fault.works_normaly\n        value: no_fault_found\n",
        ),
    )
    found = errors_of(text)
    codes = [d.code for d in found]
    assert {"bad-parameter", "approval-missing", "unknown-name"} <= set(codes)
    assert [d.line for d in found] == sorted(d.line for d in found)
    held = edit(text, ("    interpretation: INT-7\n", "    interpretation: INT-77\n"))
    held_codes = {d.code for d in errors_of(held)}
    assert {"bad-parameter", "unknown-interpretation"} <= held_codes and "unknown-name" not in held_codes


def test_load_policy_raises_with_errors_sorted_by_line(policy_text: str, tmp_path: Path) -> None:
    text = edit(
        policy_text,
        ("  facts: [customer.name, ", "  facts: [customer.nme, "),
        ("  extra_holidays: []\n", '  extra_holidays: ["2026-02-30"]\n'),
    )
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    diags = info.value.diagnostics
    assert [d.code for d in diags] == ["bad-date", "unknown-fact"]
    assert diags[0].line < diags[1].line
    assert all(d.file == str(path) for d in diags)


# -- policykit validate -------------------------------------------------------------------------


def _validate(*paths: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(["validate", *map(str, paths)], out, err)
    return status, out.getvalue(), err.getvalue()


def test_validate_real_policy_exits_0_with_a_one_line_summary() -> None:
    status, out, err = _validate(POLICY)
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{POLICY}: ok: ouyi-service-standard ")
    assert re.search(r"\d+ clauses, \d+ parameters, \d+ facts, \d+ decisions, \d+ rules, \d+ actions$", lines[0])
    assert all(": warning: " in line for line in err.splitlines()), "only warnings on stderr"


def test_validate_broken_copy_exits_2_with_one_line_per_problem(policy_text: str, tmp_path: Path) -> None:
    text = edit(
        policy_text,
        ("  extra_holidays: []\n", '  extra_holidays: ["2026-02-30"]\n'),
        ("  interpretation: INT-3\n", "  interpretation: INT-99\n"),
        ("  facts: [customer.name, ", "  facts: [customer.nme, "),
    )
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    status, out, err = _validate(path)
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3, err
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), err
    assert [m["file"] for m in parsed if m] == [str(path)] * 3
    found = [(int(m["line"]), m["code"], m["path"]) for m in parsed if m]
    assert found == sorted(found), "sorted by location"
    assert set(found) == {
        (line_of(text, "  interpretation: INT-99"), "unknown-interpretation", "calendar.interpretation"),
        (line_of(text, '  extra_holidays: ["2026-02-30"]'), "bad-date", "calendar.extra_holidays[0]"),
        (line_of(text, "  facts: [customer.nme, "), "unknown-fact", "registration.facts[0]"),
    }


def test_validate_caps_a_flood_of_problems(policy_text: str, tmp_path: Path) -> None:
    bad_days = ", ".join(f'"2026-{month}-01"' for month in range(13, 13 + MAX_ERRORS + 10))
    text = edit(policy_text, ("  extra_holidays: []\n", f"  extra_holidays: [{bad_days}]\n"))
    path = tmp_path / "flood.yaml"
    path.write_text(text, encoding="utf-8")
    status, out, err = _validate(path)
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == MAX_ERRORS + 1
    assert all(": bad-date: " in line for line in lines[:-1])
    assert lines[-1] == f"{path}: too-many-errors: 10 more problems not shown"


def test_validate_reports_each_file(policy_text: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(edit(policy_text, ("  status: draft\n", "  status: final\n")), encoding="utf-8")
    status, out, err = _validate(POLICY, broken)
    assert status == 2
    assert out == "", "a file refused: nothing on stdout, the good one's summary neither"
    assert [line for line in err.splitlines() if ": warning: " not in line] == [
        f"{broken}:{line_of(broken.read_text(encoding='utf-8'), '  status: final')}:3: schema: "
        "'final' is not one of draft, approved, withdrawn (at metadata.status)"
    ]
    status, out, _ = _validate(POLICY, POLICY)
    assert status == 0 and out.count(": ok: ") == 2  # each file summarised when all pass


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    status, out, err = _validate(tmp_path / "nope.yaml")
    assert (status, out) == (2, "")
    assert err == f"{tmp_path / 'nope.yaml'}: not-found: no such file\n"


def test_a_value_left_without_words_among_labelled_ones_is_warned_of(policy_text: str) -> None:
    """A decision's or a choice fact's value with no label, where the others have one
    (a value added and its label forgotten): the policy compiles, with a warning naming it,
    since the results would show its code among words."""
    express = '      express: {zh: "快寄", en: "express"}\n'
    question = '    question: {zh: "当时是快寄还是货运发货？"'
    for find, replace, name in (
        ('      free_replacement: {zh: "免费更换", en: free replacement}\n', "", "service.type"),
        (
            express + '      freight: {zh: "货运", en: "freight"}\n' + question,
            express + question,
            "sale.shipping_method",
        ),
    ):
        text = edit(policy_text, (find, replace))
        policy, diags = load_policy_text(text.encode("utf-8"), "policy.yaml")
        assert policy is not None, [d.format() for d in diags if d.severity == "error"]
        (warned,) = [d for d in diags if d.code == "missing-label"]
        assert warned.severity == "warning" and name in warned.message and "no label for '" in warned.message
    assert not [d for d in load_policy_text(policy_text.encode("utf-8"), "policy.yaml")[1] if d.code == "missing-label"]


def test_validate_counts_the_rows_coverage_counts() -> None:
    """validate's "N rules" is the coverage report's total of rows ('otherwise' rows too)."""
    code, out, _ = cli_run("validate", str(POLICY))
    assert code == 0
    rules = int(re.search(r"(\d+) rules", out).group(1))  # type: ignore[union-attr]
    code, covered, _ = cli_run("test", "--coverage")
    total = re.search(r"TOTAL rules covered: \d+/(\d+)", covered)
    assert total is not None and int(total.group(1)) == rules


def cli_run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()
