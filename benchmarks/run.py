"""policykit benchmarks: prints every figure beside its target and the machine's load, and
writes benchmarks/results/latest.json.

    python benchmarks/run.py            # everything (the 1 000 000-line RSS run takes minutes)
    python benchmarks/run.py --quick    # smaller corpora, for a first look

Every comparison is measured in interleaved rounds (each contender in turn, the order
rotating), as medians, with the one-minute load average recorded beside it: on a shared
machine a figure without its load means little, and a ratio measured in one run is worth
more than two absolute figures measured apart.

a. the full standard in-process over a generated corpus (every request type, about a
   quarter of the cases with a fact unknown): JSON in -> JSON out (the batch's own
   function), read + decide, decide only;
b. the batch CLI end to end: 1 process and --jobs 2, interleaved; peak RSS at 10 000
   versus 1 000 000 lines;
c. cold `policykit evaluate examples/fault.json` against `python -c pass`, interleaved;
d. a small decision four ways: policykit, plain Python (the floor), GoRules zen-engine
   preloaded (its fastest documented API: a loader handing it a parsed
   ZenDecisionContent), and zen-engine given the graph as a string (re-parsed each call);
   checked to agree;
e. Dask: the same batch on a LocalCluster of 1 and of 2 workers, interleaved.
Never run by the tests: nothing fails on wall time.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.casegen import generate  # noqa: E402
from benchmarks.timing import interleaved, load, per_item  # noqa: E402
from policykit.engine.case import parse_json, read_case  # noqa: E402
from policykit.engine.decide import decide_case  # noqa: E402
from policykit.errors import PolicykitError  # noqa: E402
from policykit.evaluator import decide, evaluate  # noqa: E402
from policykit.limits import DEFAULT  # noqa: E402
from policykit.policy.compiler import load_policy  # noqa: E402
from policykit.present.assemble import build_result  # noqa: E402
from policykit.tools.batch import BatchSettings, evaluate_lines  # noqa: E402

AS_OF = date(2026, 11, 27)
POLICY = ROOT / "policies" / "standard_v1.yaml"


def in_process(count: int, rounds: int) -> dict[str, Any]:
    policy, _ = load_policy(POLICY)
    raws = [json.dumps(c, ensure_ascii=False).encode("utf-8") for c in generate(count)]
    settings = BatchSettings(policy=str(POLICY), as_of=AS_OF, lang="en")
    read, read_raws = [], []
    for raw in raws:
        try:
            read.append(read_case(policy, parse_json(raw, "bench"), "bench"))
            read_raws.append(raw)
        except PolicykitError:
            pass
    open_ = [case for case in read if decide(policy, case, AS_OF).missing]
    known = [case for case in read if not decide(policy, case, AS_OF).missing]
    records = [decide_case(policy, case, AS_OF) for case in read]
    results = [build_result(record, "en") for record in records]
    # the floor under JSON in -> JSON out with results this size: the JSON alone, in C
    # (parse the case; make the result's objects as orjson.loads makes them; write them)
    floor = list(zip(read_raws, (orjson.dumps(result.to_dict()) for result in results), strict=True))
    # the corpus and its records, held for the whole run, out of the collector's sight: a
    # batch holds none of them, and walking them at every collection would be timed too
    gc.collect()
    gc.freeze()
    before = load()
    numbered = list(enumerate(raws, 1))
    runs = [numbered[i : i + BATCH_RUN] for i in range(0, len(numbered), BATCH_RUN)]
    medians = interleaved(
        {
            "json_in_json_out": per_item(raws, lambda raw: evaluate_lines(settings, "bench", [(1, raw)])),
            # as the CLI hands lines over (runs of 8), and the same steps called by hand:
            # the batch's own work per line is the difference
            "json_in_json_out_runs": per_item(runs, lambda run: evaluate_lines(settings, "bench", run)),
            "by_hand": per_item(raws, partial(_by_hand, policy)),
            "read_decide": per_item(raws, partial(_read_decide, policy)),
            "decide_only": per_item(read, lambda case: decide(policy, case, AS_OF)),
            # the stages of JSON in -> JSON out, each over the whole corpus
            "stage_read": per_item(raws, partial(_read, policy)),
            "stage_record": per_item(read, lambda case: decide_case(policy, case, AS_OF)),
            "stage_result": per_item(records, lambda record: build_result(record, "en")),
            "stage_json": per_item(results, lambda result: orjson.dumps(result.to_dict(fresh=False))),
            "json_floor": per_item(floor, _json_alone),
            # the full record of a case with every decision known, and with one left undecided
            "record_known": per_item(known, lambda case: decide_case(policy, case, AS_OF)),
            "record_undecided": per_item(open_, lambda case: decide_case(policy, case, AS_OF)),
        },
        rounds,
    )
    gc.unfreeze()
    sizes = {"decide_only": len(read), "stage_record": len(read), "stage_result": len(read), "stage_json": len(read)}
    sizes.update(json_floor=len(floor))
    sizes.update(record_known=len(known), record_undecided=len(open_))
    out: dict[str, Any] = {f"full_{k}_us": v / sizes.get(k, len(raws)) * 1e6 for k, v in medians.items()}
    out.update(corpus=len(raws), corpus_with_undecided=len(open_) / len(read), load_a=(before, load()))
    out["result_bytes"] = sum(len(result) for _, result in floor) / len(floor)
    return out


def _json_alone(pair: tuple[bytes, bytes]) -> bytes:
    """A case parsed, and a result of the size policykit gives made and written, by orjson alone."""
    orjson.loads(pair[0])
    return orjson.dumps(orjson.loads(pair[1]))


BATCH_RUN = 8  # lines handed to evaluate_lines at a time by the batch CLI (one process)


def _by_hand(policy: Any, raw: bytes) -> bytes | None:
    """What the batch does for a line, each step called directly."""
    try:
        case = read_case(policy, parse_json(raw, "bench:1"), "bench:1", raw, "en")
    except PolicykitError:
        return None
    sha = hashlib.sha256(raw).hexdigest()
    result = evaluate(policy, case, AS_OF, "en", None, False, sha, False, DEFAULT, str(POLICY))
    return orjson.dumps(result.to_dict(fresh=False), option=orjson.OPT_APPEND_NEWLINE)


def _read(policy: Any, raw: bytes) -> Any:
    try:
        return read_case(policy, parse_json(raw, "bench"), "bench")
    except PolicykitError:
        return None


def _read_decide(policy: Any, raw: bytes) -> Any:
    try:
        return decide(policy, read_case(policy, parse_json(raw, "bench"), "bench"), AS_OF)
    except PolicykitError:
        return None


def _policykit() -> list[str]:
    return [sys.executable, "-m", "policykit"]


# An installed package has its byte code compiled; a checkout run with
# PYTHONDONTWRITEBYTECODE set would compile every module on every cold run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _child(argv: list[str]) -> Callable[[], None]:
    def run() -> None:
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=CHILD_ENV)
        if proc.returncode not in (0, 2):
            raise RuntimeError(proc.stderr.decode()[-2000:])

    return run


def _rss_of(argv: list[str]) -> int:
    """Peak RSS (KiB) of one command, measured by a fresh helper process."""
    code = (
        "import resource,subprocess,sys;p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
        "assert p.returncode in (0, 2), p.returncode;"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def write_jsonl(path: Path, count: int, seed: int = 20261127) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for case in generate(count, seed):
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def batch(lines: int, rss_small: int, rss_large: int, rounds: int, folder: Path) -> dict[str, Any]:
    path = folder / f"cases-{lines}.jsonl"
    write_jsonl(path, lines)
    argv = [*_policykit(), "evaluate", "--batch", str(path), "--as-of", AS_OF.isoformat()]
    _child(argv)()  # fills the compile cache, as any first run does
    before = load()
    medians = interleaved({"jobs1": _child(argv), "jobs2": _child([*argv, "--jobs", "2"])}, rounds)
    out: dict[str, Any] = {"batch_lines": lines, "load_b": (before, load())}
    for name, seconds in medians.items():
        out[f"batch_{name}_cases_per_s"] = lines / seconds
    out["batch_jobs2_speedup"] = medians["jobs1"] / medians["jobs2"]
    out.update(rss(rss_small, rss_large, folder))
    return out


def rss(small: int, large: int, folder: Path) -> dict[str, Any]:
    """Peak RSS of the batch CLI at ``small`` and at ``large`` lines (the run must succeed),
    with the load before and after."""
    out: dict[str, Any] = {}
    before = load()
    for label, count in (("warm", 10), ("small", small), ("large", large)):
        path = folder / f"rss-{count}.jsonl"
        write_jsonl(path, count)
        argv = [*_policykit(), "evaluate", "--batch", str(path), "--as-of", AS_OF.isoformat()]
        out[f"rss_{label}_lines"] = count
        out[f"rss_{label}_kib"] = _rss_of(argv)
        path.unlink()
    out["rss_growth"] = out["rss_large_kib"] / out["rss_small_kib"] - 1
    out["load_rss"] = (before, load())
    return out


def rss_rows(r: dict[str, Any]) -> list[tuple[str, ...]]:
    """The RSS figures of ``r`` as rows of the table."""
    loads = f"{r['load_rss'][0]:.2f}-{r['load_rss'][1]:.2f}" if "load_rss" in r else ""
    return [
        (
            f"b. peak RSS, {r['rss_small_lines']:,} vs {r['rss_large_lines']:,} lines",
            f"{r['rss_small_kib'] / 1024:.1f} vs {r['rss_large_kib'] / 1024:.1f} MiB",
            "flat",
            loads,
        ),
        ("b. RSS growth", f"{r['rss_growth'] * 100:+.1f} %", "<= 10 %", loads),
    ]


# the `policykit` command as a recent pip writes it (pypa/pip#13166): sys and policykit alone
_MODERN_SCRIPT = "import sys\nfrom policykit.__main__ import main\nsys.exit(main())"


def _command() -> tuple[list[str], str]:
    """The ``policykit`` command of this interpreter's environment (what the target names),
    and what was timed.  Where an older pip wrote it (it imports ``re`` in the script, which
    loads enum, functools and collections too: some 3 ms no policykit code asks for), the
    script as a recent pip writes it is run by ``python -c`` instead; where there is none,
    ``python -m policykit`` (runpy then loads importlib, contextlib, functools and
    collections)."""
    script = Path(sys.executable).parent / "policykit"
    if not script.is_file():
        return _policykit(), "python -m policykit (no policykit command here)"
    if "import re" in script.read_text(encoding="utf-8", errors="replace"):
        return [sys.executable, "-c", _MODERN_SCRIPT], "policykit as a recent pip writes it (this one imports re)"
    return [str(script)], "policykit"


def cold(rounds: int) -> dict[str, Any]:
    tail = ["evaluate", str(ROOT / "examples" / "fault.json"), "--as-of", AS_OF.isoformat()]
    command, timed = _command()
    argv = [*command, *tail]
    _child(argv)()  # fills the compile cache, as any first run does
    before = load()
    medians = interleaved(
        {
            "tool": _child(argv),
            "module": _child([*_policykit(), *tail]),
            "bare": _child([sys.executable, "-c", "pass"]),
        },
        rounds,
    )
    return {
        "cold_cli_s": medians["tool"],
        "cold_module_s": medians["module"],
        "cold_command": timed,
        "python_pass_s": medians["bare"],
        "cold_ratio": medians["tool"] / medians["bare"],
        "load_c": (before, load()),
    }


# -- d. the small decision four ways ---------------------------------------------------


def small_cases(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        ship = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
        out.append(
            {
                "ship_date": ship.isoformat(),
                "shipping_method": rng.choice(["express", "freight"]),
                "reported_on": (ship + timedelta(days=rng.randrange(1, 800))).isoformat(),
                "contract_warranty_months": rng.choice([None, None, None, 6, 24]),
                "misuse": rng.random() < 0.1,
                "third_party_repair": rng.random() < 0.05,
                "no_proof_of_origin": rng.random() < 0.05,
                "disassembled": rng.random() < 0.05,
                "severe_exterior_damage": rng.random() < 0.05,
                "powers_on": rng.random() < 0.05,
            }
        )
    return out


def hand_written(case: dict[str, Any]) -> dict[str, Any]:
    """The small decision as a plain Python function."""
    import calendar

    ship = date.fromisoformat(case["ship_date"])
    start = ship + timedelta(days=3 if case["shipping_method"] == "express" else 5)
    months = case["contract_warranty_months"] or 12
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    end = date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))
    reported = date.fromisoformat(case["reported_on"])
    in_warranty = start <= reported <= end
    excluded = case["misuse"] or case["third_party_repair"] or case["no_proof_of_origin"]
    if case["powers_on"]:
        remedy = "no_fault_found"
    elif in_warranty and not excluded and not case["disassembled"] and not case["severe_exterior_damage"]:
        remedy = "free_replacement"
    elif not in_warranty or case["disassembled"] or excluded:
        remedy = "paid_repair"
    else:
        remedy = "review"
    shipping = "company_outbound_only" if remedy == "free_replacement" else "customer_both_ways"
    return {
        "warranty_start": start.isoformat(),
        "warranty_end": end.isoformat(),
        "in_warranty": in_warranty,
        "remedy": remedy,
        "shipping_paid_by": shipping,
    }


def peers(count: int, rounds: int) -> dict[str, Any]:
    cases = small_cases(count)
    policy, _ = load_policy(ROOT / "benchmarks" / "peer" / "small_policy.yaml")

    def with_policykit(case: dict[str, Any]) -> dict[str, Any]:
        values = decide(policy, read_case(policy, case), AS_OF).values
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}

    encodings: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "policykit": with_policykit,
        "python": hand_written,
    }
    try:
        import zen

        text = (ROOT / "benchmarks" / "peer" / "small.jdm.json").read_text(encoding="utf-8")
        content = zen.ZenDecisionContent(text)  # parsed once: zen's preloaded form
        preloaded = zen.ZenEngine({"loader": lambda key: content})
        reparsed = zen.ZenEngine({"loader": lambda key: text})

        def with_zen(case: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = preloaded.evaluate("small", case)["result"]
            return result

        def with_zen_string(case: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = reparsed.evaluate("small", case)["result"]
            return result

        encodings["zen-engine"] = with_zen
        encodings["zen-engine-string"] = with_zen_string
    except ImportError:
        pass
    answers = {name: [fn(c) for c in cases] for name, fn in encodings.items()}
    reference = answers["python"]
    disagreements = {name: sum(a != b for a, b in zip(got, reference, strict=True)) for name, got in answers.items()}
    timed = {name: per_item(cases, fn) for name, fn in encodings.items()}
    # where policykit's time goes: reading the case, deciding it (the rest: the dates as text)
    read = [read_case(policy, case) for case in cases]
    timed["policykit-read"] = per_item(cases, lambda case: read_case(policy, case))
    timed["policykit-decide"] = per_item(read, lambda case: decide(policy, case, AS_OF))
    before = load()
    medians = interleaved(timed, rounds)
    out: dict[str, Any] = {"small_cases": count, "small_disagreements": disagreements, "load_d": (before, load())}
    for name, seconds in medians.items():
        out[f"small_{name}_us"] = seconds / count * 1e6
    if "zen-engine" in medians:
        out["small_policykit_vs_zen"] = medians["policykit"] / medians["zen-engine"]
    out["small_policykit_vs_python"] = medians["policykit"] / medians["python"]
    return out


def dask_scaling(files: int, lines: int, rounds: int, folder: Path) -> dict[str, Any]:
    """The batch on a LocalCluster of 1 and of 2 workers (started beforehand), interleaved."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return {}
    from policykit.tools.distributed import evaluate_on_cluster

    for index in range(files):
        write_jsonl(folder / f"dask-{index}.jsonl", lines, seed=index)
    pattern = str(folder / "dask-*.jsonl")
    settings = BatchSettings(as_of=AS_OF)
    quiet = {"threads_per_worker": 1, "dashboard_address": ":0", "silence_logs": logging.ERROR}
    one = LocalCluster(n_workers=1, **quiet)
    two = LocalCluster(n_workers=2, **quiet)
    try:

        def on(cluster: Any, name: str) -> Callable[[], object]:
            return lambda: evaluate_on_cluster(settings, pattern, str(folder / name), cluster.scheduler_address, 0)

        on(one, "warm1")()
        on(two, "warm2")()
        before = load()
        medians = interleaved({"workers1": on(one, "out1"), "workers2": on(two, "out2")}, rounds)
    finally:
        one.close()
        two.close()
    total = files * lines
    return {
        "dask_cases": total,
        "dask_1_worker_cases_per_s": total / medians["workers1"],
        "dask_2_workers_cases_per_s": total / medians["workers2"],
        "dask_speedup": medians["workers1"] / medians["workers2"],
        "load_e": (before, load()),
    }


def table(rows: list[tuple[str, ...]]) -> str:
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)).rstrip() for r in rows)


def rows_of(r: dict[str, Any]) -> list[tuple[str, ...]]:
    def ld(key: str) -> str:
        a, b = r[key]
        return f"{a:.2f}-{b:.2f}"

    rows: list[tuple[str, ...]] = [("figure", "measured", "target", "load")]
    rows += [
        (
            "a. full standard, JSON in -> JSON out",
            f"{r['full_json_in_json_out_us']:.1f} µs/case",
            "<= 30",
            ld("load_a"),
        ),
        ("a. full standard, read + decide", f"{r['full_read_decide_us']:.1f} µs/case", "", ld("load_a")),
        ("a. full standard, decide only", f"{r['full_decide_only_us']:.1f} µs/case", "<= 10", ld("load_a")),
        ("a. cases with a value undecided", f"{r['corpus_with_undecided'] * 100:.0f} %", "", ""),
    ]
    if "full_json_floor_us" in r:
        rows.append(
            (
                f"a. the JSON alone (orjson: case in, a {r['result_bytes'] / 1000:.0f} KB result made and out)",
                f"{r['full_json_floor_us']:.1f} µs/case",
                "(a floor)",
                ld("load_a"),
            )
        )
    if "full_by_hand_us" in r:
        hand = r["full_by_hand_us"]
        own = (r["full_json_in_json_out_us"] - hand, r["full_json_in_json_out_runs_us"] - hand)
        rows.append(
            (
                "a. the batch's own work per line: a line a call / runs of 8",
                " / ".join(f"{v:.1f}" for v in own) + " µs",
                "",
                ld("load_a"),
            )
        )
    if "full_stage_record_us" in r:
        stages = ("read", "record", "result", "json")
        rows.append(
            (
                "a. stages: read / record / result / words + JSON bytes",
                " / ".join(f"{r[f'full_stage_{k}_us']:.1f}" for k in stages) + " µs",
                "",
                ld("load_a"),
            )
        )
        rows.append(
            (
                "a. record: every value known / one undecided",
                f"{r['full_record_known_us']:.1f} / {r['full_record_undecided_us']:.1f} µs",
                "",
                ld("load_a"),
            )
        )
    if "batch_jobs1_cases_per_s" in r:
        rows += [
            ("b. batch CLI, 1 process", f"{r['batch_jobs1_cases_per_s']:,.0f} cases/s", ">= 25 000", ld("load_b")),
            ("b. batch CLI, --jobs 2", f"{r['batch_jobs2_cases_per_s']:,.0f} cases/s", "", ld("load_b")),
            ("b. --jobs 2 / 1 process", f"{r['batch_jobs2_speedup']:.2f} x", ">= 1.7 (quiet machine)", ld("load_b")),
            *rss_rows(r),
        ]
    rows += [
        (
            f"c. cold `policykit evaluate` / python -c pass ({r.get('cold_command', 'policykit')})",
            f"{r['cold_ratio']:.2f} x",
            "<= 2.5",
            ld("load_c"),
        ),
        ("c. cold CLI, python -c pass", f"{r['cold_cli_s'] * 1000:.0f} / {r['python_pass_s'] * 1000:.0f} ms", "", ""),
        (
            "c. ... python -m policykit (runpy's imports)",
            f"{r['cold_module_s'] * 1000:.0f} ms = {r['cold_module_s'] / r['python_pass_s']:.1f} x",
            "",
            "",
        ),
        ("d. small decision, policykit", f"{r['small_policykit_us']:.1f} µs", "< zen-engine", ld("load_d")),
        ("d. small decision, plain Python", f"{r['small_python_us']:.1f} µs", "(the floor)", ld("load_d")),
        ("d. policykit / plain Python", f"{r['small_policykit_vs_python']:.2f} x", "<= 2", ld("load_d")),
    ]
    if "small_policykit-read_us" in r:
        split = (r["small_policykit-read_us"], r["small_policykit-decide_us"])
        rest = r["small_policykit_us"] - sum(split)
        rows.append(
            (
                "d. policykit: read / decide / dates as text",
                f"{split[0]:.1f} / {split[1]:.1f} / {rest:.1f} µs",
                "",
                ld("load_d"),
            )
        )
    if "small_zen-engine_us" in r:
        rows += [
            ("d. small decision, zen-engine preloaded", f"{r['small_zen-engine_us']:.1f} µs", "", ld("load_d")),
            ("d. zen-engine, graph as a string", f"{r['small_zen-engine-string_us']:.1f} µs", "", ld("load_d")),
            ("d. policykit / zen-engine preloaded", f"{r['small_policykit_vs_zen']:.2f} x", "< 1", ld("load_d")),
        ]
    rows.append(("d. disagreements with plain Python", json.dumps(r["small_disagreements"]), "0", ""))
    if "dask_speedup" in r:
        rows += [
            ("e. Dask, 1 worker", f"{r['dask_1_worker_cases_per_s']:,.0f} cases/s", "", ld("load_e")),
            ("e. Dask, 2 workers", f"{r['dask_2_workers_cases_per_s']:,.0f} cases/s", "", ld("load_e")),
            ("e. Dask, 2 workers / 1", f"{r['dask_speedup']:.2f} x", "measured", ld("load_e")),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora")
    parser.add_argument("--skip-batch", action="store_true", help="skip the batch, RSS and Dask runs")
    parser.add_argument("--rss-only", action="store_true", help="only the RSS runs, merged into latest.json")
    args = parser.parse_args()
    if args.rss_only:
        latest = ROOT / "benchmarks" / "results" / "latest.json"
        with tempfile.TemporaryDirectory() as name:
            found = rss(10_000, 100_000 if args.quick else 1_000_000, Path(name))
        found["rss_date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(table([("figure", "measured", "target", "load"), *rss_rows(found)]))
        # merged into the last full run's figures (results/ is not in git: a first run makes it)
        merged = {**(json.loads(latest.read_text(encoding="utf-8")) if latest.is_file() else {}), **found}
        latest.parent.mkdir(exist_ok=True)
        latest.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nmerged into {latest}")
        return
    quick = args.quick
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print("a. in-process ...", flush=True)
    results.update(in_process(2000 if quick else 10_000, 3 if quick else 5))
    print("d. peers ...", flush=True)
    results.update(peers(2000 if quick else 10_000, 3 if quick else 5))
    print("c. cold CLI ...", flush=True)
    results.update(cold(7 if quick else 15))
    if not args.skip_batch:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            print("b. batch CLI ...", flush=True)
            results.update(
                batch(10_000 if quick else 100_000, 10_000, 100_000 if quick else 1_000_000, 2 if quick else 3, folder)
            )
            print("e. Dask ...", flush=True)
            results.update(dask_scaling(4, 2_500 if quick else 10_000, 2 if quick else 3, folder))
    print()
    print(table(rows_of(results)))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {out / 'latest.json'}; load is the one-minute load average before-after each part")


if __name__ == "__main__":
    main()
