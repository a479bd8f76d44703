"""A file that holds its case under ``case`` (an acceptance case: a name, a note, the case,
what to expect) given where a case is read: the refusal "is missing (required) (at
request)" says so, in ``diff --cases``, ``evaluate`` and ``evaluate --batch``."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import POLICY_FILE, ROOT, cli

HINT = " (this JSON holds its case under 'case': give the case itself)"


def _case() -> dict[str, object]:
    data: dict[str, object] = json.loads((ROOT / "examples" / "fault.json").read_text(encoding="utf-8"))
    return data


def _wrapped(name: str) -> dict[str, object]:
    return {"name": name, "note": "a note", "as_of": "2026-11-27", "case": _case(), "expect": {"decisions": {}}}


def test_diff_says_a_folder_of_wrapped_cases_holds_each_under_case(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.json").write_text(json.dumps(_wrapped(name), indent=2), encoding="utf-8")
    policy = str(POLICY_FILE)
    code, out, err = cli("diff", policy, policy, "--cases", str(folder), "--as-of", "2026-11-27")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{folder / name}.json:1:1: required: is missing (required){HINT} (at request)" for name in ("a", "b")
    ]


def test_evaluate_says_it_of_a_file_and_of_a_line(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps(_wrapped("a"), indent=2), encoding="utf-8")
    code, out, err = cli("evaluate", str(path), "--lang", "en")
    assert (code, out) == (2, "")
    assert err == f"{path}:1:1: required: is missing (required){HINT} (at request)\n"
    code, _, err = cli("evaluate", str(path), "--lang", "zh")
    assert code == 2 and "（此 JSON 把案例放在 'case' 之下：请给出案例本身） (at request)" in err
    lines = tmp_path / "wrapped.jsonl"
    lines.write_text(json.dumps(_wrapped("a")) + "\n" + json.dumps(_case()) + "\n", encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(lines), "--lang", "en", "--as-of", "2026-11-27")
    assert code == 2
    assert err.startswith(f"{lines}:1:1: required: is missing (required){HINT} (at request)\n")
    assert json.loads(out.splitlines()[0])["errors"][0]["message"] == f"is missing (required){HINT}"


def test_no_hint_where_the_file_is_no_such_wrapper(tmp_path: Path) -> None:
    """A missing request with no ``case`` object beside it, or a ``case`` that is no object,
    or a request given (whatever else is wrong): the refusal as it was."""
    for data in ({"case": "x"}, {"name": "a"}, {"case": _case(), "request": {"type": "fault"}}):
        path = tmp_path / "case.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        code, out, err = cli("evaluate", str(path), "--lang", "en")
        assert (code, out) == (2, "") and "holds its case" not in err, err
