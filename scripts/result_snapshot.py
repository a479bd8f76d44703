"""Snapshot every output policykit gives for the acceptance cases and the examples, to
prove a refactoring changed nothing a user sees.

    python scripts/result_snapshot.py write  OUT.json   # before the change
    python scripts/result_snapshot.py compare OUT.json  # after: exit 1 and the differing keys

Each case is evaluated through the CLI's in-process ``run()``, in JSON and text, in zh and
en, with and without ``--explain``, and the batch form over all of them.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

from policykit.cli.app import run

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "acceptance"
VARIANTS = [
    ["--format", "json"],
    ["--format", "json", "--lang", "en"],
    ["--format", "text"],
    ["--format", "text", "--lang", "en"],
    ["--format", "text", "--explain"],
    ["--format", "json", "--explain"],
    ["--format", "json", "--docs-url", "https://example.invalid/docs"],
]


def _run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return f"exit={code}\n--stdout--\n{out.getvalue()}--stderr--\n{err.getvalue()}"


def snapshot() -> dict[str, str]:
    cases: list[tuple[str, dict[str, object], str]] = []
    for path in sorted((SHARED / "cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append((f"cases/{path.name}", data["case"], data["as_of"]))
    for path in sorted((SHARED / "invalid").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        cases.append((f"invalid/{path.name}", data["case"], "2026-11-27"))
    for path in sorted((ROOT / "examples").glob("*.json")):
        cases.append((f"examples/{path.name}", json.loads(path.read_text(encoding="utf-8")), "2026-11-27"))
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch, "snapshot")  # a fixed name: diagnostics print the file's path
        tmp.mkdir()
        batch = Path(tmp, "batch.jsonl")
        batch.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for _, c, _ in cases), encoding="utf-8")
        for name, case, as_of in cases:
            file = Path(tmp, "case.json")
            file.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
            for variant in VARIANTS:
                key = f"{name} {' '.join(variant)}"
                found[key] = _run(["evaluate", str(file), "--as-of", as_of, *variant])
        found["batch"] = _run(["evaluate", "--batch", str(batch), "--as-of", "2026-11-27"])
        return {key: text.replace(str(tmp), "<tmp>") for key, text in found.items()}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "compare"):
        print(__doc__, file=sys.stderr)
        return 2
    now = snapshot()
    target = Path(argv[1])
    if argv[0] == "write":
        target.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"wrote {len(now)} outputs to {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(before)} outputs compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
