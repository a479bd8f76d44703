"""policykit benchmarks: prints a table and writes benchmarks/results/latest.json.

    python benchmarks/run.py            # everything (the 1 000 000-line run takes minutes)
    python benchmarks/run.py --quick    # smaller corpora, for a first look

a. in-process µs per case over a generated corpus (mostly fault cases, every request type):
   read + decide (values only), read + evaluate (the full result), medians of several runs;
b. batch CLI throughput end to end over a 100 000-line JSONL file, and peak RSS at
   10 000 versus 1 000 000 lines;
c. cold single-case CLI wall time against `python -c pass`, median of 10;
d. a small decision three ways (policykit, hand-written Python, GoRules zen-engine), same
   cases, checked to agree, µs per case.
Never run by the tests: nothing fails on wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.casegen import generate  # noqa: E402
from policykit.engine.case import read_case  # noqa: E402
from policykit.evaluator import decide, evaluate  # noqa: E402
from policykit.policy.compiler import load_policy  # noqa: E402

AS_OF = date(2026, 11, 27)


def per_case(cases: list[Any], fn: Callable[[Any], Any], runs: int = 5) -> float:
    """Median over ``runs`` of the mean µs per case."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        for case in cases:
            fn(case)
        timings.append((time.perf_counter() - start) / len(cases) * 1e6)
    return statistics.median(timings)


def in_process(count: int) -> dict[str, Any]:
    policy, _ = load_policy(ROOT / "policies" / "standard_v1.yaml")
    corpus = list(generate(count))
    faults = [c for c in corpus if c["request"]["type"] == "fault"]
    read = [read_case(policy, c) for c in faults]
    return {
        "corpus": len(corpus),
        "fault_cases": len(faults),
        "all_types_read_evaluate_us": per_case(corpus, lambda c: evaluate(policy, read_case(policy, c), AS_OF, "en")),
        "fault_read_evaluate_us": per_case(faults, lambda c: evaluate(policy, read_case(policy, c), AS_OF, "en")),
        "fault_read_decide_us": per_case(faults, lambda c: decide(policy, read_case(policy, c), AS_OF)),
        "fault_decide_only_us": per_case(read, lambda c: decide(policy, c, AS_OF)),
        "fault_read_only_us": per_case(faults, lambda c: read_case(policy, c)),
    }


def _policykit() -> list[str]:
    return [sys.executable, "-m", "policykit"]


def _child_run(argv: list[str], stdin: Any = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 2):
        raise RuntimeError(proc.stderr.decode()[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def _rss_of(argv: list[str]) -> int:
    """Peak RSS (KiB) of one command, measured by a fresh helper process."""
    code = (
        "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def write_jsonl(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for case in generate(count):
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def batch(lines: int, rss_small: int, rss_large: int, folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    path = folder / f"cases-{lines}.jsonl"
    write_jsonl(path, lines)
    argv = [*_policykit(), "evaluate", "--batch", str(path), "--as-of", AS_OF.isoformat()]
    elapsed, _ = _child_run(argv)
    out["batch_lines"] = lines
    out["batch_seconds"] = elapsed
    out["batch_cases_per_s"] = lines / elapsed
    for label, count in (("small", rss_small), ("large", rss_large)):
        rss_path = folder / f"rss-{count}.jsonl"
        write_jsonl(rss_path, count)
        out[f"rss_{label}_lines"] = count
        out[f"rss_{label}_kib"] = _rss_of(
            [*_policykit(), "evaluate", "--batch", str(rss_path), "--as-of", AS_OF.isoformat()]
        )
        rss_path.unlink()
    out["rss_growth"] = out["rss_large_kib"] / out["rss_small_kib"] - 1
    return out


def cold(runs: int = 10) -> dict[str, Any]:
    case = ROOT / "examples" / "fault.json"
    argv = [*_policykit(), "evaluate", str(case), "--as-of", AS_OF.isoformat()]
    _child_run(argv)  # fills the compile cache, as any first run does
    tool = statistics.median(_child_run(argv)[0] for _ in range(runs))
    bare = statistics.median(_child_run([sys.executable, "-c", "pass"])[0] for _ in range(runs))
    return {"cold_cli_s": tool, "python_pass_s": bare, "cold_ratio": tool / bare}


# -- d. the small decision three ways ------------------------------------------------


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


def peers(count: int) -> dict[str, Any]:
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

        content = (ROOT / "benchmarks" / "peer" / "small.jdm.json").read_text(encoding="utf-8")
        engine = zen.ZenEngine({"loader": lambda key: content})

        def with_zen(case: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = engine.evaluate("small", case)["result"]
            return result

        encodings["zen-engine"] = with_zen
    except ImportError:
        pass
    answers = {name: [fn(c) for c in cases] for name, fn in encodings.items()}
    reference = answers["python"]
    disagreements = {name: sum(a != b for a, b in zip(got, reference, strict=True)) for name, got in answers.items()}
    timings = {name: per_case(cases, fn, runs=3) for name, fn in encodings.items()}
    out: dict[str, Any] = {"small_cases": count, "small_disagreements": disagreements}
    for name, value in timings.items():
        out[f"small_{name}_us"] = value
    if "zen-engine" in timings:
        out["small_policykit_vs_zen"] = timings["policykit"] / timings["zen-engine"]
    out["small_policykit_vs_python"] = timings["policykit"] / timings["python"]
    return out


def table(rows: Iterable[tuple[str, str, str]]) -> str:
    rows = list(rows)
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a.ljust(width[0])}  {b.rjust(width[1])}  {c}" for a, b, c in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora")
    parser.add_argument("--skip-batch", action="store_true", help="skip the batch and RSS runs")
    args = parser.parse_args()
    quick = args.quick
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }
    print("a. in-process ...", flush=True)
    results.update(in_process(2000 if quick else 10_000))
    print("d. peers ...", flush=True)
    results.update(peers(2000 if quick else 10_000))
    print("c. cold CLI ...", flush=True)
    results.update(cold())
    if not args.skip_batch:
        print("b. batch CLI ...", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            results.update(batch(10_000 if quick else 100_000, 10_000, 100_000 if quick else 1_000_000, Path(folder)))
    rows = [
        ("figure", "value", "target"),
        ("a. fault case, read + evaluate (full result)", f"{results['fault_read_evaluate_us']:.1f} µs", "<= 50"),
        ("a. fault case, read + decide (values)", f"{results['fault_read_decide_us']:.1f} µs", ""),
        ("a. fault case, decide only", f"{results['fault_decide_only_us']:.1f} µs", ""),
        ("a. any case, read + evaluate", f"{results['all_types_read_evaluate_us']:.1f} µs", ""),
    ]
    if "batch_cases_per_s" in results:
        rows += [
            ("b. batch CLI throughput", f"{results['batch_cases_per_s']:.0f} cases/s", ">= 10 000"),
            (f"b. peak RSS at {results['rss_small_lines']} lines", f"{results['rss_small_kib'] / 1024:.1f} MiB", ""),
            (
                f"b. peak RSS at {results['rss_large_lines']} lines",
                f"{results['rss_large_kib'] / 1024:.1f} MiB",
                "within 10 %",
            ),
            ("b. RSS growth", f"{results['rss_growth'] * 100:.1f} %", "<= 10 %"),
        ]
    rows += [
        ("c. cold CLI / python -c pass", f"{results['cold_ratio']:.1f} x", "<= 5"),
        ("c. cold CLI", f"{results['cold_cli_s'] * 1000:.0f} ms", ""),
        ("d. small decision, policykit", f"{results['small_policykit_us']:.1f} µs", "<= zen-engine"),
        ("d. small decision, hand-written Python", f"{results['small_python_us']:.1f} µs", ""),
    ]
    if "small_zen-engine_us" in results:
        rows.append(("d. small decision, zen-engine", f"{results['small_zen-engine_us']:.1f} µs", ""))
        rows.append(("d. policykit / zen-engine", f"{results['small_policykit_vs_zen']:.2f} x", "<= 1"))
    rows.append(("d. disagreements with the hand-written function", json.dumps(results["small_disagreements"]), "0"))
    print()
    print(table(rows))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {out / 'latest.json'}")
    os.environ.pop("POLICYKIT_CACHE_DIR", None)


if __name__ == "__main__":
    main()
