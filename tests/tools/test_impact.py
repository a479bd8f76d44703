"""``diff --cases``: the summary per decision (how many cases changed; dates by how many
days they shifted, other values per old -> new value) comes first, in text and JSON, and
the detail and the JSON keys there were stay as they were."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.casegen import generate
from policykit.policy.compiler import load_policy
from policykit.policy.model import Policy
from policykit.tools.impact import SHOWN, Impact, summarize

from ..conftest import POLICY_FILE, amended_policy_text, cli, edited_text

AS_OF = "2030-01-01"  # after every generated request
# (the edit, the decision it moves, by how many days each case it changes may move)
EDITS = {
    "a day offset": (
        ("  warranty_start_express_days:\n    value: 3\n", "  warranty_start_express_days:\n    value: 2\n"),
        "warranty.start_date",
        {-1},
    ),
    "a working-day period": (
        ("  replacement_ship_working_days:\n    value: 1\n", "  replacement_ship_working_days:\n    value: 2\n"),
        "deadlines.ship_by",
        {1, 2, 3, 4},  # a working day later: over a weekend, or a holiday
    ),
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("impact") / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in generate(400)), encoding="utf-8")
    return path


def _diff(cases: Path, new: Path, fmt: str) -> str:
    code, out, err = cli("diff", str(POLICY_FILE), str(new), "--cases", str(cases), "--as-of", AS_OF, "--format", fmt)
    assert (code, err) == (0, "")
    return out


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_moved_deadline_is_summed_up_by_days(edit: str, cases: Path, tmp_path: Path) -> None:
    change, decision, moves = EDITS[edit]
    new = tmp_path / "new.yaml"
    new.write_text(edited_text(change), encoding="utf-8")
    impact = json.loads(_diff(cases, new, "json"))["impact"]
    (entry,) = [e for e in impact["summary"] if e["decision"] == decision]
    changed = sum(t["cases"] for t in impact["transitions"] if t["decision"] == decision)
    assert entry["cases"] == changed > 20
    assert {s["days"] for s in entry["shifts"]} <= moves
    assert sum(s["cases"] for s in entry["shifts"]) + sum(c["cases"] for c in entry["changes"]) == changed
    assert all({c["from"], c["to"]} <= {"date", "null"} for c in entry["changes"])  # a date comes or goes
    assert [s["cases"] for s in entry["shifts"]] == sorted((s["cases"] for s in entry["shifts"]), reverse=True)

    text = _diff(cases, new, "text")
    head, detail = text.split("\nDecisions that change:\n")
    first = entry["shifts"][0]
    unit = "day" if abs(first["days"]) == 1 else "days"
    alike = len(entry["shifts"]) + len(entry["changes"]) == 1
    count = "all" if alike else first["cases"]
    said = f"{entry['cases']} cases: {count} shifted by {first['days']:+d} {unit}"
    assert re.search(rf"^  {re.escape(decision)}  +{re.escape(said)}", head, re.M), head
    if edit == "a day offset":  # every case a day earlier
        assert alike and first["days"] == -1
    assert head.index("Summary by decision:") > head.index("Impact of ")
    assert detail.count(f"  {decision}  ") == sum(t["decision"] == decision for t in impact["transitions"])


def test_other_values_are_counted_per_old_and_new_value(cases: Path, tmp_path: Path) -> None:
    name, text = amended_policy_text()
    (tmp_path / name).write_text(text, encoding="utf-8")
    impact = json.loads(_diff(cases, tmp_path / name, "json"))["impact"]
    moves = {(t["decision"], t["from"], t["to"]): t["cases"] for t in impact["transitions"]}
    plain = [e for e in impact["summary"] if _bundled().values[e["decision"]].type != "date"]
    assert plain, "the amendment changes a value that is no date"
    for entry in plain:
        mine = {(entry["decision"], c["from"], c["to"]): c["cases"] for c in entry["changes"]}
        assert mine == {k: n for k, n in moves.items() if k[0] == entry["decision"]}
    assert [e["decision"] for e in impact["summary"]] == sorted({t["decision"] for t in impact["transitions"]})


def test_the_keys_there_were_stay_as_they_were(cases: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(edited_text(EDITS["a day offset"][0]), encoding="utf-8")
    data = json.loads(_diff(cases, new, "json"))
    # (note, added after them: the edited copy still says 1.0.0)
    assert list(data) == ["old", "new", "changes", "impact", "note"]
    assert list(data["impact"]) == [
        "cases",
        "changed",
        "unchanged",
        "rejected",
        "transitions",
        "became_undecided",
        "rejected_examples",  # (added: a new key comes after the ones there were)
        "summary",
        "decided_on_one_side",  # (added after them too)
    ]


def test_no_change_no_summary(cases: Path) -> None:
    text = _diff(cases, POLICY_FILE, "text")
    assert "Summary by decision" not in text and "Decisions that change" not in text
    assert json.loads(_diff(cases, POLICY_FILE, "json"))["impact"]["summary"] == []


DAY = st.dates(date(2024, 1, 1), date(2030, 12, 31)).map(date.isoformat)
DATED = ["warranty.end_date", "deadlines.ship_by"]
PLAIN = ["service.type", "complaint.recommended"]


@cache
def _bundled() -> Policy:
    return load_policy(POLICY_FILE)[0]


@st.composite
def transitions(draw: st.DrawFn) -> dict[tuple[str, str, str], int]:
    found: dict[tuple[str, str, str], int] = {}
    for _ in range(draw(st.integers(0, 30))):
        did = draw(st.sampled_from(DATED + PLAIN))
        labels = (
            DAY | st.just("null") if did in DATED else st.sampled_from(["paid_repair", "free_repair", "true", "null"])
        )
        a, b = draw(labels), draw(labels)
        if a != b:
            found[did, a, b] = found.get((did, a, b), 0) + draw(st.integers(1, 50))
    return found


@given(transitions())
def test_the_summary_accounts_for_every_changed_case(moves: dict[tuple[str, str, str], int]) -> None:
    impact = Impact()
    impact.transitions.update(moves)
    summary = summarize(impact, _bundled(), _bundled())
    assert [e["decision"] for e in summary] == sorted({did for did, _, _ in moves})
    for entry in summary:
        mine = {k: n for k, n in moves.items() if k[0] == entry["decision"]}
        assert entry["cases"] == sum(mine.values())
        shifts: dict[int, int] = {}
        for (_, a, b), n in mine.items():
            if entry["decision"] in DATED and "null" not in (a, b):
                days = (date.fromisoformat(b) - date.fromisoformat(a)).days
                shifts[days] = shifts.get(days, 0) + n
        assert {s["days"]: s["cases"] for s in entry["shifts"]} == shifts
        if entry["decision"] in PLAIN:
            assert {("x", c["from"], c["to"]): c["cases"] for c in entry["changes"]} == {
                ("x", a, b): n for (_, a, b), n in mine.items()
            }


def test_a_line_names_the_commonest_kinds_and_counts_the_rest(policy: Policy) -> None:
    from policykit.tools.impact import render_impact

    start = date(2026, 3, 2)
    impact = Impact(cases=100, changed=100)
    for days in range(1, SHOWN + 3):  # SHOWN + 2 kinds: days 1.. with 100 - days cases each
        a = start + timedelta(days=days * 10)
        impact.transitions["warranty.end_date", a.isoformat(), (a + timedelta(days=days)).isoformat()] = 100 - days
        impact.examples["warranty.end_date", a.isoformat(), (a + timedelta(days=days)).isoformat()] = ["X"]
    line = next(x for x in render_impact(policy, policy, impact).splitlines() if x.startswith("  warranty.end_date  "))
    assert line.startswith(
        f"  warranty.end_date  {sum(100 - d for d in range(1, SHOWN + 3))} cases: 99 shifted by +1 day, 98 by +2 days"
    )
    assert line.endswith(f", {(100 - SHOWN - 1) + (100 - SHOWN - 2)} otherwise (2 more kinds of change)")


# -- --as-of before the request date (a mistyped day?): one warning line, the rest unchanged --

WARNING = "as-of-before-request: --as-of {as_of} is before the request date of {n} cases, the first {first}: "


def _early(cases: Path, as_of: str) -> tuple[int, int]:
    """(how many cases were requested after ``as_of``, the line of the first)."""
    days = [json.loads(line)["request"]["date"] for line in cases.read_text(encoding="utf-8").splitlines()]
    late = [n for n, day in enumerate(days, 1) if day > as_of]
    return len(late), late[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_day_before_requests_is_said_once(cases: Path, jobs: str) -> None:
    as_of = "2025-06-30"
    n, first = _early(cases, as_of)
    argv = ["diff", str(POLICY_FILE), str(POLICY_FILE), "--cases", str(cases), "--format", "json"]
    code, out, err = cli(*argv, "--as-of", as_of, "--jobs", jobs)
    assert 0 < n < 400 and code == 0
    assert err.startswith(f"{cases}:{first}: " + WARNING.format(as_of=as_of, n=n, first=f"on line {first}"))
    assert err.count("\n") == 1
    assert json.loads(out)["impact"]["cases"] == 400  # decided all the same


def test_a_folder_s_first_case_is_named_by_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for case in generate(3):
        (folder / f"{case['case_id']}.json").write_text(json.dumps(case), encoding="utf-8")
    first = folder / "GEN-0000001.json"
    code, _, err = cli("diff", str(POLICY_FILE), str(POLICY_FILE), "--cases", str(folder), "--as-of", "2020-01-01")
    assert code == 0
    assert err == f"{first}: " + WARNING.format(as_of="2020-01-01", n=3, first=f"in {first}") + (
        "decided as of a day before the request was made (a typo?) (at request.date)\n"
    )


def test_no_as_of_no_warning(cases: Path) -> None:
    """Without --as-of the cases are decided as of today: a case requested later is no mistyped option."""
    assert _early(cases, date.today().isoformat())[0] > 0
    code, _, err = cli("diff", str(POLICY_FILE), str(POLICY_FILE), "--cases", str(cases))
    assert (code, err) == (0, "")


def test_the_rejected_cases_are_named_by_their_lines(tmp_path: Path) -> None:
    """``N cases rejected as bad input`` says where the first few are (it said only how many)."""
    import json as json_module

    from ..conftest import ROOT, cli

    line = json_module.dumps(json_module.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    cases = tmp_path / "b.jsonl"
    cases.write_text(f'{line}\n{{bad\n{line}\n{{"x": 1}}\n', encoding="utf-8")
    argv = ["diff", str(ROOT / "policies" / "standard_v1.yaml"), str(ROOT / "policies" / "standard_v1.yaml")]
    argv += ["--cases", str(cases), "--as-of", "2026-11-27"]
    code, out, err = cli(*argv, "--format", "text")
    assert code == 0, err
    assert f"2 cases rejected as bad input ({cases}:2, {cases}:4: evaluate --batch says why)" in out
    code, out, err = cli(*argv, "--format", "json")
    impact = json_module.loads(out)["impact"]
    assert (impact["rejected"], impact["rejected_examples"]) == (2, [f"{cases}:2", f"{cases}:4"])


def test_an_impact_on_no_case_but_bad_ones_is_bad_input(tmp_path: Path) -> None:
    """Every case rejected: the impact of 0 cases would hide that none could be read.  Exit
    2, nothing on stdout, and each problem placed and worded as ``evaluate --batch`` (a JSON
    Lines file) or ``evaluate`` (a folder's file) gives it, in either format; one good case
    is enough to report."""
    import json as json_module

    from ..conftest import ROOT

    policy = str(ROOT / "policies" / "standard_v1.yaml")
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"x": 1}\n\n{bad\n', encoding="utf-8")
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.json").write_text("{}", encoding="utf-8")
    (folder / "b.json").write_text("[1,", encoding="utf-8")
    batch = cli("evaluate", "--batch", str(lines), "--lang", "en")[2].splitlines()
    files = [
        line
        for name in ("a.json", "b.json")
        for line in cli("evaluate", str(folder / name), "--lang", "en")[2].splitlines()
    ]
    for source, said in ((lines, batch), (folder, files)):
        assert len(said) == 2, said
        for fmt in ("text", "json"):
            code, out, err = cli("diff", policy, policy, "--cases", str(source), "--format", fmt)
            assert (code, out) == (2, ""), err
            assert err.splitlines() == said
    good = json_module.dumps(json_module.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    lines.write_text(f'{{"x": 1}}\n{good}\n', encoding="utf-8")
    code, out, err = cli("diff", policy, policy, "--cases", str(lines), "--as-of", "2026-11-27")
    assert code == 0, err
    assert f"on 1 case: 0 change, 1 do not; 1 case rejected as bad input ({lines}:1: " in out


def test_past_the_cap_the_rejected_cases_not_shown_are_counted() -> None:
    """The problems of the first cases are kept up to the cap of errors shown; a last line
    counts the bad cases left out, so that none is silently dropped."""
    from policykit.errors import MAX_ERRORS, Diagnostic, InputError

    impact = Impact()
    for n in range(1, MAX_ERRORS + 11):
        impact.reject(f"c.jsonl:{n}", InputError([Diagnostic(f"c.jsonl:{n}", 1, 3, "json", "Expecting value")]))
    refused = impact.refused("c.jsonl")
    assert refused is not None
    shown = refused.diagnostics
    assert [(d.file, d.line, d.col) for d in shown[:2]] == [("c.jsonl", 1, 3), ("c.jsonl", 2, 3)]
    assert len(shown) == MAX_ERRORS + 1 and shown[-1].message == "and 10 more bad cases, not shown"
    halves = Impact(), Impact()
    for n in range(1, MAX_ERRORS + 11):
        halves[n > 30].reject(f"c.jsonl:{n}", InputError([Diagnostic(f"c.jsonl:{n}", 1, 3, "json", "bad")]))
    halves[0].merge(halves[1])
    merged = halves[0].refused("c.jsonl")
    assert merged is not None and merged.diagnostics[-1].message == "and 10 more bad cases, not shown"
    assert [d.line for d in merged.diagnostics[:-1]] == list(range(1, MAX_ERRORS + 1))  # the first ones


def test_an_impact_on_no_case_at_all_is_bad_input(tmp_path: Path) -> None:
    """A folder with no *.json file (cases kept as .jsonl, or in a subfolder) or a file of
    blank lines reads no case: the impact said "0 cases: 0 change", which reads as none."""
    from ..conftest import ROOT

    policy = str(ROOT / "policies" / "standard_v1.yaml")
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "cases.jsonl").write_text("{}\n", encoding="utf-8")
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n", encoding="utf-8")
    for source in (folder, blank):
        code, out, err = cli("diff", policy, policy, "--cases", str(source))
        assert (code, out) == (2, ""), out
        assert err == f"{source}: no-cases: no case here: a folder's *.json files, or a JSON Lines file's lines\n"


def test_cases_come_from_standard_input_and_files_named_json_in_any_case(tmp_path: Path) -> None:
    """``--cases -`` reads JSON Lines from standard input, as ``evaluate --batch -`` does
    (it was refused as no such file), its lines named ``<stdin>:N``; a folder's ``.JSON``
    files are cases too (only ``*.json`` were read)."""
    from ..conftest import ROOT

    policy = str(ROOT / "policies" / "standard_v1.yaml")
    good = json.dumps(json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8")))
    argv = ("diff", policy, policy, "--as-of", "2026-11-27", "--cases")
    code, out, err = cli(*argv, "-", stdin=f'{good}\n{{"request": 3}}\n')
    assert code == 0, err
    assert "on 1 case: 0 change, 1 do not; 1 case rejected as bad input (<stdin>:2: " in out
    code, out, err = cli(*argv, "-", stdin='{"request": 3}\n')
    assert (code, out) == (2, "") and err.startswith("<stdin>:1:"), err
    code, out, err = cli(*argv, "-", stdin="\n")
    assert (code, out) == (2, "") and err.startswith("<stdin>: no-cases: "), err
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "A.JSON").write_text(good, encoding="utf-8")
    code, out, err = cli(*argv, str(folder))
    assert code == 0 and "on 1 case: 0 change, 1 do not" in out, err


def test_dask_is_told_it_reads_files_not_standard_input() -> None:
    """``--cases -`` (and ``--batch -``) with ``--engine dask`` said no file matches '-'."""
    from ..conftest import ROOT

    policy = str(ROOT / "policies" / "standard_v1.yaml")
    said = "-: usage: --engine dask reads files (a glob), not standard input: save the lines first\n"
    assert cli("diff", policy, policy, "--cases", "-", "--engine", "dask", stdin="{}\n") == (2, "", said)
    argv = ("evaluate", "--batch", "-", "--engine", "dask", "--output", "out")
    assert cli(*argv, stdin="{}\n") == (2, "", said)
