"""Hardening: fuzzed and hostile input never crashes, hangs or prints a traceback; the
invariants of the interpretations hold for all cases; the CLI survives pipes, signals and
odd terminals.  POLICYKIT_LONG_FUZZ=1 runs the fuzzers long: POLICYKIT_LONG_FUZZ_EXAMPLES
examples for each case fuzzer (default 100 000), POLICYKIT_LONG_FUZZ_POLICIES for the policy
fuzzer (default 1 500)."""

from __future__ import annotations

import copy
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from policykit.cli.app import run
from policykit.engine.case import read_case
from policykit.evaluator import evaluate
from policykit.limits import DEFAULT, LimitError
from policykit.policy.model import Policy
from policykit.policy.resources import schema

from .conftest import POLICY_FILE, ROOT, SHARED, cli

LONG = bool(os.environ.get("POLICYKIT_LONG_FUZZ"))
LONG_EXAMPLES = int(os.environ.get("POLICYKIT_LONG_FUZZ_EXAMPLES", "100000"))  # per case fuzzer
LONG_POLICIES = int(os.environ.get("POLICYKIT_LONG_FUZZ_POLICIES", "1500"))  # per policy fuzzer (each compiles one)
FUZZ = settings(
    max_examples=LONG_EXAMPLES if LONG else 150,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)
RESULT = Draft202012Validator(schema("result.schema.json"))
SEEDS = [
    json.loads(p.read_text(encoding="utf-8"))["case"] for p in sorted((SHARED / "acceptance" / "cases").glob("*.json"))
]
SEEDS += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=50)
    | st.sampled_from(
        [
            "9999-12-28",
            "9999-12-31",
            "0001-01-01",
            "2024-02-29",
            "2026-02-30",
            "express",
            "freight",
            "fault",
            "return",
            "",
            "x" * 5000,
        ]
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(_paths(value, prefix + (key,)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(_paths(value, prefix + (i,)))
    return out


@st.composite
def mutated_cases(draw: st.DrawFn) -> Any:
    case = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(case) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = case
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["set", "delete", "extra"]))
        if action == "delete" and isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif action == "extra" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
    return case


def _check_outcome(code: int, out: str, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        result = json.loads(out)
        errors = sorted(e.message for e in RESULT.iter_errors(result))
        assert errors == []
    else:
        assert out == ""
        lines = err.strip().splitlines()
        assert lines and all(": " in line for line in lines)


def _evaluate_text(text: bytes | str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    inp = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    code = run(["evaluate", "-", "--format", "json", "--as-of", "2026-11-27"], out, err, inp)
    return code, out.getvalue(), err.getvalue()


@FUZZ
@given(mutated_cases())
def test_mutated_cases_give_a_result_or_named_errors(case: Any) -> None:
    _check_outcome(*_evaluate_text(json.dumps(case, ensure_ascii=False)))


@FUZZ
@given(json_values)
def test_any_json_gives_a_result_or_named_errors(value: Any) -> None:
    _check_outcome(*_evaluate_text(json.dumps(value)))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_give_a_result_or_named_errors(raw: bytes) -> None:
    _check_outcome(*_evaluate_text(raw))


@pytest.mark.parametrize(
    "text",
    [
        b"\xff\xfe{}",
        b'{"request": {"type": "fault", "date": "2026-01-01"}, "x": "\xc3\x28"}',
        ("[" * 100_000 + "]" * 100_000).encode(),
        b'{"request": ' * 5000,
        b"",
    ],
)
def test_bad_bytes_and_deep_nesting(text: bytes) -> None:
    code, out, err = _evaluate_text(text)
    assert code == 2 and out == "" and "Traceback" not in err


def test_dates_at_the_edge_of_the_calendar() -> None:
    case = {
        "request": {"type": "fault", "date": "9999-12-30"},
        "received_on": "9999-12-31",
        "sale": {"ship_date": "9999-12-28", "shipping_method": "freight"},
    }
    code, out, err = _evaluate_text(json.dumps(case))
    assert code == 2 and out == "" and "cannot evaluate this case" in err and "Traceback" not in err
    case = {"request": {"type": "follow_up", "date": "0001-01-01"}, "follow_up": {"last_on": "0001-01-01"}}
    code, out, _ = _evaluate_text(json.dumps(case))
    assert code == 0 and json.loads(out)["decisions"]["follow_up.next_due"]["value"] == "0001-02-01"


@pytest.mark.parametrize(
    ("case", "mention"),
    [
        (
            {
                "request": {"type": "fault", "date": "2026-01-01"},
                "history": [{"date": "2025-01-01", "kind": "repair"}] * 1001,
            },
            "history",
        ),
        ({"request": {"type": "fault", "date": "2026-01-01"}, "customer": {"name": "x" * 501}}, "customer.name"),
        (
            {"request": {"type": "fault", "date": "2026-01-01"}, "sale": {"warranty_months": 10**20}},
            "sale.warranty_months",
        ),
        (
            {
                "request": {"type": "shipment", "date": "2026-01-01"},
                "shipment": {"options": [{"method": "express", "carrier": "x", "cost": -1, "transit_days": 1}]},
            },
            "shipment.options[0].cost",
        ),
    ],
)
def test_documented_limits_name_the_field(case: dict[str, Any], mention: str) -> None:
    code, out, err = _evaluate_text(json.dumps(case))
    assert code == 2 and out == "" and mention in err


def test_a_case_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps({"request": {"type": "fault", "date": "2026-01-01"}, "pad": "x" * (1024 * 1024)}), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(["evaluate", str(big)], out, err) == 2
    assert out.getvalue() == "" and "too-large" in err.getvalue()


def test_a_batch_line_over_the_limit_fails_alone(tmp_path: Path) -> None:
    good = json.dumps(SEEDS[0], ensure_ascii=False)
    batch = tmp_path / "b.jsonl"
    batch.write_text(good + "\n" + '{"x": "' + "y" * (1024 * 1024 + 10) + '"}\n' + good + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run(["evaluate", "--batch", str(batch), "--as-of", "2026-11-27"], out, err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 2 and len(lines) == 3
    assert "decisions" in lines[0] and "decisions" in lines[2]
    assert lines[1]["line"] == 2 and lines[1]["errors"][0]["code"] == "too-large"


# -- hostile policies that pass validation: a bounded evaluation -------------------------------


@pytest.mark.parametrize("name", ["operations", "seconds"])
def test_evaluation_has_a_work_limit(policy: Policy, name: str) -> None:
    case = read_case(policy, copy.deepcopy(SEEDS[1]))
    tight = DEFAULT.replace(**{name: 5 if name == "operations" else 0.0})
    with pytest.raises(LimitError, match=f"over the limit {name} = "):
        evaluate(policy, case, date(2026, 11, 27), limits=tight)
    assert evaluate(policy, case, date(2026, 11, 27)).to_dict()["decisions"]  # the defaults leave room


@settings(
    max_examples=LONG_POLICIES if LONG else 25,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)
@given(st.data())
def test_mutated_policies_validate_or_fail_with_codes(data: st.DataObject) -> None:
    lines = POLICY_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "garble", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "garble":
            cut = data.draw(st.integers(min_value=0, max_value=max(0, len(lines[i]) - 1)))
            lines[i] = (
                lines[i][:cut]
                + data.draw(st.sampled_from(["", ":", "- ", "&a ", "*a", "{", "'", "]"]))
                + lines[i][cut:]
            )
        else:
            j = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    from policykit.policy.compiler import load_policy_text

    policy, diags = load_policy_text("".join(lines).encode("utf-8"), "mutated.yaml")
    if policy is None:
        errors = [d for d in diags if d.severity == "error"]
        assert errors and all(d.code and d.message for d in errors)
    else:
        for seed in SEEDS[:3]:
            try:
                evaluate(policy, read_case(policy, copy.deepcopy(seed)), date(2026, 11, 27))
            except Exception as exc:
                from policykit.errors import PolicykitError

                assert isinstance(exc, PolicykitError), repr(exc)


# -- invariants -------------------------------------------------------------------------------


@st.composite
def fault_cases(draw: st.DrawFn) -> dict[str, Any]:
    ship = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
    request = ship + timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    received = request + timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    return {
        "request": {"type": "fault", "date": request.isoformat()},
        "customer": {"name": "n", "address": "a", "phone": "p"},
        "product": {"model": "m", "serial_number": "s"},
        "sale": {
            "ship_date": ship.isoformat(),
            "shipping_method": draw(st.sampled_from(["express", "freight"])),
            "warranty_months": draw(st.sampled_from([None, 6, 12, 18, 24])),
        },
        "fault": {
            "code": "x",
            "misuse": draw(st.booleans()),
            "disassembled": draw(st.booleans()),
            "severe_exterior_damage": draw(st.booleans()),
            "critical_site": draw(st.booleans()),
        },
        "received_on": received.isoformat(),
    }


@settings(max_examples=LONG_EXAMPLES if LONG else 150, deadline=None, derandomize=not LONG)
@given(fault_cases())
def test_deadlines_are_after_receipt_and_on_working_days(policy: Policy, case: dict[str, Any]) -> None:
    result = evaluate(policy, read_case(policy, case), date(2026, 11, 27))
    received = date.fromisoformat(case["received_on"])
    for name in ("deadlines.ship_by", "deadlines.quote_by"):
        value = result.decision(name).value
        if value is not None:
            assert value > received
    if result.decision("service.type").value == "free_replacement":
        ship_by = result.decision("deadlines.ship_by").value
        assert policy.calendar.is_working_day(ship_by)
        between = [received + timedelta(days=k) for k in range(1, (ship_by - received).days)]
        assert not any(policy.calendar.is_working_day(d) for d in between)
    quote_by = result.decision("deadlines.quote_by").value
    if quote_by is not None:
        assert policy.calendar.is_working_day(quote_by)


@settings(max_examples=LONG_EXAMPLES if LONG else 80, deadline=None, derandomize=not LONG)
@given(fault_cases(), st.integers(min_value=1, max_value=400))
def test_warranty_status_is_monotone_in_the_request_day(policy: Policy, case: dict[str, Any], later: int) -> None:
    def status(day: date) -> Any:
        c = copy.deepcopy(case)
        c["request"]["date"] = day.isoformat()
        c["received_on"] = (day + timedelta(days=1)).isoformat()
        return evaluate(policy, read_case(policy, c), date(2026, 11, 27)).decision("warranty.status").value

    first = date.fromisoformat(case["request"]["date"])
    if status(first) == "out_of_warranty":
        assert status(first + timedelta(days=later)) == "out_of_warranty"


def test_batch_results_equal_single_results(tmp_path: Path) -> None:
    cases = SEEDS[:8]
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run(["evaluate", "--batch", str(batch), "--as-of", "2026-11-27"], out, err) == 0
    batched = [json.loads(line) for line in out.getvalue().splitlines()]
    for case, from_batch in zip(cases, batched, strict=True):
        single = tmp_path / "one.json"
        single.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
        out = io.StringIO()
        assert run(["evaluate", str(single), "--format", "json", "--as-of", "2026-11-27"], out, io.StringIO()) == 0
        alone = json.loads(out.getvalue())
        alone.pop("case_sha256", None)
        from_batch.pop("case_sha256", None)
        assert alone == from_batch


def _process(
    args: list[str], env_extra: dict[str, str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL", "PYTHONIOENCODING")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "policykit", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_results_are_identical_across_time_zones_and_locales() -> None:
    args = ["evaluate", "--batch", "-", "--as-of", "2026-11-27"]
    stdin = ("\n".join(json.dumps(c, ensure_ascii=False) for c in SEEDS) + "\n").encode("utf-8")
    envs = [
        {"TZ": "UTC"},
        {"TZ": "America/Los_Angeles", "LANG": "C"},
        {"TZ": "Asia/Kolkata", "LC_ALL": "C.UTF-8"},
        {"TZ": "Pacific/Kiritimati", "PYTHONIOENCODING": "latin-1"},
    ]
    outputs = [_process(args, env, stdin) for env in envs]
    assert all(o.returncode == 0 for o in outputs), [o.stderr[-500:] for o in outputs]
    assert len({o.stdout for o in outputs}) == 1
    outputs[0].stdout.decode("utf-8")  # valid UTF-8


def test_text_on_a_non_utf8_terminal_encoding() -> None:
    run_ = _process(
        ["evaluate", "examples/fault.json", "--format", "text", "--as-of", "2026-11-27"],
        {"PYTHONIOENCODING": "latin-1"},
    )
    assert run_.returncode == 0 and b"Traceback" not in run_.stderr
    assert "保修期定义" in run_.stdout.decode("utf-8")


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text((json.dumps(SEEDS[0], ensure_ascii=False) + "\n") * 3000, encoding="utf-8")
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykit", "evaluate", "--batch", str(batch), "--as-of", "2026-11-27"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    code = proc.wait(timeout=300)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err[-2000:]
    assert code == 0


def test_ctrl_c_ends_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykit", "evaluate", "--batch", "-", "--as-of", "2026-11-27"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdin is not None
    proc.stdin.write((json.dumps(SEEDS[0], ensure_ascii=False) + "\n").encode("utf-8"))
    proc.stdin.flush()
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


def test_a_number_of_thousands_of_digits_is_named_in_our_words(tmp_path: Path) -> None:
    """Python refuses to read an integer of over 4300 digits, telling the reader to call
    sys.set_int_max_str_digits(): a user is told what is wrong with the case instead."""
    path = tmp_path / "digits.json"
    path.write_text('{"request": {"type": "fault", "date": "2026-02-10"}, "x": ' + "9" * 5001 + "}", encoding="utf-8")
    code, out, err = cli("evaluate", str(path))
    assert (code, out) == (2, "")
    assert err.strip() == f"{path}:1:59: json: a number of more digits than a case may give (4300) (at x)"
    assert "sys." not in err
    batch = tmp_path / "digits.jsonl"
    batch.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, out, err = cli("evaluate", "--batch", str(batch), "--format", "json")
    assert "sys." not in out + err and "4300" in out + err
