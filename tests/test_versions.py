"""Versions of the standard: which is in force, what changed, the impact on cases, and
replay of a stored result (for arbitration, notes.3)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.casegen import generate
from policykit.policy.compiler import load_policy
from policykit.tools.diff import diff_policies
from policykit.tools.versions import PolicySet, load_policy_set

from .conftest import POLICY_FILE, amended_policy_text, cli

CASE: dict[str, Any] = {
    "case_id": "V-1",
    "request": {"type": "fault", "date": "2027-03-01"},
    "customer": {"name": "n", "address": "a", "phone": "p"},
    "product": {"model": "m", "serial_number": "s"},
    "sale": {"ship_date": "2026-01-05", "shipping_method": "express"},
    "fault": {"code": "x"},
    "received_on": "2027-03-02",
}


def _write(tmp_path: Path, case: dict[str, Any], name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def _evaluate(path: Path, *extra: str) -> dict[str, Any]:
    code, out, err = cli("evaluate", str(path), "--format", "json", "--as-of", "2027-06-01", *extra)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_the_set_and_its_chain_validate(policy_set: Path) -> None:
    versions = load_policy_set(policy_set).versions
    assert [(p.version, p.status) for p in versions] == [("1.0.0", "draft"), ("1.1.0", "approved")]
    code, out, _ = cli("validate", str(policy_set))
    assert code == 0 and "a set of 2 versions: 1.0.0 (draft), 1.1.0 (approved)" in out


def test_a_policy_set_is_made_by_its_directory_as_the_dataclass_was(policy_set: Path) -> None:
    """``PolicySet(directory=..., versions=...)`` as before; a record of two fields, not a pair."""
    loaded = load_policy_set(policy_set)
    assert loaded.directory == policy_set and loaded.folder == str(policy_set)
    made = PolicySet(directory=policy_set, versions=loaded.versions)
    assert made == loaded == PolicySet(str(policy_set), loaded.versions)
    assert made != (str(policy_set), loaded.versions) and not isinstance(made, tuple)
    assert PolicySet._fields == PolicySet.__match_args__ == ("directory", "versions")
    assert made._replace(versions=loaded.versions[:1]).latest.version == "1.0.0"
    assert made._asdict() == {"directory": policy_set, "versions": loaded.versions}
    assert repr(PolicySet(directory="x", versions=())) == f"PolicySet(directory={Path('x')!r}, versions=())"


def test_a_broken_chain_is_an_error(policy_set: Path) -> None:
    amended = policy_set / "standard_v1_1.yaml"
    amended.write_text(
        amended.read_text(encoding="utf-8").replace("  supersedes: 1.0.0\n", "  supersedes: 0.9.0\n"), encoding="utf-8"
    )
    code, _, err = cli("validate", str(policy_set))
    assert code == 2
    assert "set-chain" in err and "supersedes 0.9.0, which is not in the set" in err


def test_evaluate_picks_the_version_in_force_on_the_request_day(policy_set: Path, tmp_path: Path) -> None:
    after = _evaluate(_write(tmp_path, CASE), "--policy-set", str(policy_set))
    assert after["policy"]["version"] == "1.1.0" and after["policy"]["status"] == "approved"
    assert after["decisions"]["warranty.end_date"]["value"] == "2027-07-08"  # 18 months
    assert after["decisions"]["warranty.status"]["value"] == "in_warranty"
    assert not any("草案" in w or "draft" in w for w in after["warnings"])
    before_case = dict(CASE, request={"type": "fault", "date": "2026-12-31"}, received_on="2027-01-04")
    before = _evaluate(_write(tmp_path, before_case), "--policy-set", str(policy_set))
    assert before["policy"]["version"] == "1.0.0"
    assert before["decisions"]["warranty.end_date"]["value"] == "2027-01-08"  # 12 months
    assert any("草案" in w or "draft" in w for w in before["warnings"])
    drafted = _evaluate(_write(tmp_path, CASE), "--policy-set", str(policy_set), "--allow-draft")
    assert drafted["policy"]["version"] == "1.1.0"  # the newest version, approved, wins over the older draft
    forced = _evaluate(_write(tmp_path, CASE), "--policy", str(POLICY_FILE))
    assert (
        forced["policy"]["version"] == "1.0.0" and forced["decisions"]["warranty.status"]["value"] == "out_of_warranty"
    )


def test_batch_picks_a_version_per_case(policy_set: Path, tmp_path: Path) -> None:
    early = dict(CASE, case_id="early", request={"type": "fault", "date": "2026-12-31"})
    lines = "\n".join(json.dumps(c, ensure_ascii=False) for c in (early, CASE)) + "\n"
    batch = tmp_path / "b.jsonl"
    batch.write_text(lines, encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(batch), "--policy-set", str(policy_set), "--as-of", "2027-06-01")
    assert code == 0, err
    assert [json.loads(line)["policy"]["version"] for line in out.splitlines()] == ["1.0.0", "1.1.0"]


def test_diff_lists_exactly_the_changed_parameters_and_rules(policy_set: Path) -> None:
    old, _ = load_policy(policy_set / "standard_v1.yaml")
    new, _ = load_policy(policy_set / "standard_v1_1.yaml")
    changes = diff_policies(old, new)
    params = {(c.key, c.kind) for c in changes if c.section == "parameters"}
    assert params == {
        ("standard_warranty_months.value", "changed"),
        ("return_window_months", "removed"),
        ("return_window_days", "added"),
    }
    rules = {c.key for c in changes if c.section == "rules"}
    assert rules == {
        "return.standard_window_end row 1 compute",
        "return.window_end row 1 because",
        "return.window_end row 2 because",
    }
    assert {c.section for c in changes} == {"metadata", "parameters", "rules"}
    code, out, _ = cli("diff", str(policy_set / "standard_v1.yaml"), str(policy_set / "standard_v1_1.yaml"))
    assert code == 0
    assert "standard_warranty_months.value: 12 -> 18" in out
    # a rule row before and after, whole, with the changed words marked
    assert (
        "  ~ return.standard_window_end row 1:\n"
        "      - → [-add_months-](delivery.date, [-params.return_window_months-])" in out
    )
    assert "      + → {+add_days+}(delivery.date, {+params.return_window_days+})" in out
    code, out, _ = cli(
        "diff", str(policy_set / "standard_v1.yaml"), str(policy_set / "standard_v1_1.yaml"), "--format", "json"
    )
    assert {c["section"] for c in json.loads(out)["changes"]} == {"metadata", "parameters", "rules"}


def test_diff_takes_versions_of_the_set_as_show_does(policy_set: Path) -> None:
    """``diff 1.0.0 1.1.0 --policy-set DIR`` is ``diff`` of their files, in either format and
    with ``--cases``; a version the set lacks is refused naming those it has (exit 2, nothing
    on stdout), as ``show`` refuses it."""
    files = [str(policy_set / POLICY_FILE.name), str(policy_set / amended_policy_text()[0])]
    for extra in ((), ("--format", "json")):
        by_file = cli("diff", *files, *extra)
        by_version = cli("diff", "1.0.0", "1.1.0", "--policy-set", str(policy_set), *extra)
        assert by_file[0] == 0 and by_version == by_file
    by_file_text = cli("diff", *files)
    case = _write(policy_set.parent, CASE)
    by_version = cli(
        "diff", "1.0.0", "1.1.0", "--policy-set", str(policy_set), "--cases", str(case), "--as-of", "2027-06-01"
    )
    assert by_version == cli("diff", *files, "--cases", str(case), "--as-of", "2027-06-01")
    assert "on 1 case:" in by_version[1]
    code, out, err = cli("diff", "1.0.0", "1.2.0", "--policy-set", str(policy_set))
    assert (code, out) == (2, "")
    assert "unknown-version: no version 1.2.0 here (its versions: 1.0.0, 1.1.0; did you mean '1.1.0'?)" in err
    assert cli("show", "1.2.0", "--policy-set", str(policy_set))[2] == err
    # a version cut short names the version it begins ("1.0" was answered with 1.1.0, spelled as close)
    code, out, err = cli("show", "1.0", "--policy-set", str(policy_set))
    assert (code, out) == (2, "") and "(its versions: 1.0.0, 1.1.0; did you mean '1.0.0'?)" in err
    # a path is a path: a mistyped one is no such file (not an unknown version), a name no
    # file can have is bad input (not a crash); with --policy-set a version comes first
    code, out, err = cli("diff", str(policy_set / "nosuch.yaml"), files[0])
    assert (code, out) == (2, "") and err.startswith(f"{policy_set / 'nosuch.yaml'}: not-found: no such file"), err
    code, out, err = cli("diff", "x" * 5000, files[0])
    assert (code, out) == (2, "") and "internal error" not in err, err
    # two files of one version: refused as evaluate --policy-set refuses the set, not one picked
    (policy_set / "copy.yaml").write_text(Path(files[0]).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = cli("diff", "1.0.0", "1.1.0", "--policy-set", str(policy_set))
    assert (code, out) == (2, "") and "set-duplicate-version: version 1.0.0 is also" in err, err
    # an amendment of 1.0.0 among them: its base not resolved from one of the two, silently
    amendment = policy_set / "amend.yaml"
    amendment.write_text("policykit: 1\namends: 1.0.0\nmetadata: {version: 2.0.0}\nchanges: []\n", "utf-8")
    code, out, err = cli("show", "2.0.0", "--policy-set", str(policy_set))
    assert (code, out) == (2, "") and "set-duplicate-version: version 1.0.0 is both" in err, err
    assert err.startswith(f"{amendment}:2:"), err  # at its amends:
    amendment.unlink()
    (policy_set / "copy.yaml").unlink()
    (policy_set.parent / "1.0.0").write_text("junk: [\n", encoding="utf-8")
    here = os.getcwd()
    os.chdir(policy_set.parent)
    try:
        code, out, _ = cli("diff", "1.0.0", "1.1.0", "--policy-set", str(policy_set))
        assert code == 0 and out.splitlines()[2:] == by_file_text[1].splitlines()[2:]  # (the files named from here)
    finally:
        os.chdir(here)


def test_a_reworded_clause_shows_an_inline_diff(tmp_path: Path) -> None:
    text = POLICY_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        text.replace("自收到产品之日起4日内维修完成", "自收到产品之日起3日内维修完成", 1), encoding="utf-8"
    )
    code, out, _ = cli("diff", str(POLICY_FILE), str(edited))
    assert code == 0
    assert "repair-time.2 zh: " in out and "[-4-]{+3+}" in out


def test_impact_over_ten_thousand_generated_cases(policy_set: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    with open(cases, "w", encoding="utf-8") as handle:
        for case in generate(10_000):
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    code, out, err = cli(
        "diff",
        str(policy_set / "standard_v1.yaml"),
        str(policy_set / "standard_v1_1.yaml"),
        "--cases",
        str(cases),
        "--as-of",
        "2026-11-27",
        "--format",
        "json",
    )
    print(f"impact over 10 000 cases: {time.perf_counter() - started:.1f} s")  # a figure, not a test of speed
    assert code == 0, err
    impact = json.loads(out)["impact"]
    assert impact["cases"] + impact["rejected"] == 10_000 and impact["rejected"] == 0
    moves = {(t["decision"], t["from"], t["to"]): t for t in impact["transitions"]}
    longer = moves[("warranty.status", "out_of_warranty", "in_warranty")]
    assert longer["cases"] > 100 and len(longer["examples"]) == 3
    assert ("service.type", "paid_repair", "free_replacement") in moves
    assert ("warranty.status", "in_warranty", "out_of_warranty") not in moves  # 18 months only extends
    assert impact["changed"] + impact["unchanged"] == impact["cases"]


def test_replay_identical_then_names_what_an_edit_changed(policy_set: Path, tmp_path: Path) -> None:
    case = _write(tmp_path, CASE)
    result = _evaluate(case, "--policy-set", str(policy_set))
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("replay", str(stored), str(case), "--policy-set", str(policy_set))
    assert code == 0 and out.startswith("identical")
    amended = policy_set / "standard_v1_1.yaml"
    amended.write_text(
        amended.read_text(encoding="utf-8").replace(
            "  standard_warranty_months:\n    value: 18\n", "  standard_warranty_months:\n    value: 12\n"
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("replay", str(stored), str(case), "--policy-set", str(policy_set))
    assert code == 1
    assert "is not the file the result was made with" in out
    assert "warranty.status: 'in_warranty' -> 'out_of_warranty'" in out
    assert "service.type: 'free_replacement' -> 'paid_repair'" in out


def test_replay_refuses_another_case(policy_set: Path, tmp_path: Path) -> None:
    case = _write(tmp_path, CASE)
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(_evaluate(case, "--policy-set", str(policy_set))), encoding="utf-8")
    other = _write(tmp_path, dict(CASE, case_id="other"), "other.json")
    code, out, err = cli("replay", str(stored), str(other), "--policy-set", str(policy_set))
    assert code == 2 and out == "" and "case-changed" in err


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=3), st.sampled_from(["。", "；", "\n"]))
def test_a_long_text_is_compared_by_sentence_and_still_reads_back(changed: int, stop: str) -> None:
    """Past text_diff_chars the diff works by sentence (its time no longer grows with the
    square of the length); keeping the old side of the marks still gives the old text."""
    from policykit.tools.diff import _TEXT_LIMIT, inline_diff

    sentences = [f"第{i}条规定甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉{i}" for i in range(200)]
    old = stop.join(sentences)
    new_sentences = list(sentences)
    for i in range(changed):
        new_sentences[i * 67] = new_sentences[i * 67] + "新"
    new = stop.join(new_sentences)
    assert len(old) + len(new) > _TEXT_LIMIT.get()
    marked = inline_diff(old, new)
    assert re.sub(r"\{\+.*?\+\}", "", marked, flags=re.S).replace("[-", "").replace("-]", "") == old
    assert re.sub(r"\[-.*?-\]", "", marked, flags=re.S).replace("{+", "").replace("+}", "") == new
    assert (marked == old) is (changed == 0)
    if changed:
        assert marked.count("{+") == changed  # one mark a changed sentence, not one for the whole text


def test_a_text_of_very_many_sentences_shows_the_changed_middle_replaced_whole() -> None:
    from policykit.tools.diff import inline_diff

    old = "。".join(f"甲{i}" for i in range(3000))
    new = old.replace("甲1500。", "乙1500。").replace("甲1700。", "乙1700。")
    marked = inline_diff(old, new)
    assert marked.startswith("甲0。甲1。") and marked.endswith("甲2999")
    assert marked.count("[-") == 1 and marked.count("{+") == 1
    assert marked.index("[-") == old.index("甲1500。") and "甲1600" in marked.split("{+")[1]
    assert inline_diff(old, old) == old


def test_replay_decides_under_its_limits(policy_set: Path, tmp_path: Path) -> None:
    """``replay --limit`` loads the set and decides the case again under the limits given,
    as ``evaluate --limit`` does (a policy they refuse is an error, exit 2)."""
    case = _write(tmp_path, CASE)
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(_evaluate(case, "--policy-set", str(policy_set))), encoding="utf-8")
    replay = ("replay", str(stored), str(case), "--policy-set", str(policy_set))
    code, out, err = cli(*replay, "--limit", "value_depth=3")
    assert (code, out) == (2, "") and "too-deep" in err and "value_depth = 3" in err
    assert cli("evaluate", str(case), "--policy-set", str(policy_set), "--limit", "value_depth=3")[2] == err
    code, out, err = cli(*replay, "--limit", "value_depth=40")
    assert code == 0 and out.startswith("identical"), err


def _long_parameter(path: Path, chars: int, months: int) -> Path:
    """The standard with an (unused) parameter of ``chars`` characters and a warranty of ``months``."""
    from .conftest import edited_text, long_parameter

    months_now = "  standard_warranty_months:\n    value: 12\n"
    months_then = months_now.replace("12", str(months))
    path.write_text(edited_text(long_parameter(chars), (months_now, months_then)), encoding="utf-8")
    return path


def test_impact_in_worker_processes_loads_the_versions_under_the_limits(tmp_path: Path) -> None:
    """Versions only a larger string_chars allows: ``diff --cases --jobs 2`` under it, whose
    workers load the two files again, counts what one process counts."""
    from policykit.limits import DEFAULT

    chars = DEFAULT.string_chars + 1
    old = _long_parameter(tmp_path / "old.yaml", chars, 12)
    new = _long_parameter(tmp_path / "new.yaml", chars, 18)
    cases = tmp_path / "cases"
    cases.mkdir()
    for i, case in enumerate(generate(40)):
        _write(cases, case, f"{i}.json")
    argv = ("diff", str(old), str(new), "--cases", str(cases), "--format", "json", "--as-of", "2026-11-27")
    assert cli(*argv)[0] == 2  # refused under the default limits
    one = cli(*argv, "--limit", f"string_chars={chars}")
    assert one[0] == 0 and json.loads(one[1])["impact"]["cases"] == 40
    assert cli(*argv, "--limit", f"string_chars={chars}", "--jobs", "2") == one


def test_replay_takes_the_decision_services_answer(policy_set: Path, tmp_path: Path) -> None:
    """The service answers the result with the id it logged it under: that answer, kept by
    a ticket system, replays like the result itself; anything else stays refused."""
    case = _write(tmp_path, CASE)
    answer = {**_evaluate(case, "--policy-set", str(policy_set)), "decision_id": "d-0001"}
    stored = tmp_path / "answer.json"
    stored.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("replay", str(stored), str(case), "--policy-set", str(policy_set))
    assert code == 0 and out.startswith("identical"), err
    stored.write_text(json.dumps({**answer, "decision_id": 1, "extra": True}), encoding="utf-8")
    code, out, err = cli("replay", str(stored), str(case), "--policy-set", str(policy_set))
    assert (code, out) == (2, "") and "not-a-result" in err and "(at (result))" in err and "(case)" not in err


def test_a_file_over_the_size_limit_is_no_second_base(tmp_path: Path) -> None:
    """The check for two files of an amendment's base version counted a file over the size
    limit whose first bytes looked like it (``version: 1.0.0-rc1`` matches ``1.0.0\\b``):
    such a file is not read, so it is no second base (review)."""
    base = tmp_path / "a_v1.yaml"
    base.write_text(POLICY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    limit = base.stat().st_size + 10
    (tmp_path / "big.yaml").write_text("metadata:\n  version: 1.0.0-rc1\n" + "#" * limit + "\n", encoding="utf-8")
    amendment = tmp_path / "z_amend.yaml"
    amendment.write_text("policykit: 1\namends: 1.0.0\nmetadata: {version: 2.0.0}\nchanges: []\n", "utf-8")
    code, _, err = cli("validate", str(amendment), "--limit", f"policy_bytes={limit}")
    assert code == 0 and "set-duplicate-version" not in err, err
