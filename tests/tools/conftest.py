"""A corpus of JSON Lines for the batch tools: the acceptance cases, the invalid ones,
generated cases with many facts unknown, a blank line and a line over the size limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.casegen import generate, generate_edges

from ..conftest import SHARED


def corpus_lines() -> list[bytes]:
    lines = []
    for folder in ("cases", "invalid"):
        for path in sorted((SHARED / "acceptance" / folder).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            lines.append(json.dumps(data.get("case", data), ensure_ascii=False).encode("utf-8"))
    lines += [json.dumps(c, ensure_ascii=False).encode("utf-8") for c in generate(300)]
    lines += [json.dumps(c, ensure_ascii=False).encode("utf-8") for c in generate_edges(300)]
    lines.insert(5, b"")
    lines.insert(9, b"{not json")
    lines.insert(40, b'{"case_id": "' + b"x" * (1024 * 1024 + 10) + b'"}')
    return lines


@pytest.fixture(scope="session")
def jsonl_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """(one file with every line, the same lines split into three files)."""
    folder = tmp_path_factory.mktemp("batch")
    lines = corpus_lines()
    whole = folder / "all.jsonl"
    whole.write_bytes(b"\n".join(lines) + b"\n")
    parts = []
    for index, start in enumerate(range(0, len(lines), 250)):
        part = folder / "parts" / f"cases-{index}.jsonl"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(b"\n".join(lines[start : start + 250]) + b"\n")
        parts.append(part)
    return whole, parts


@pytest.fixture()
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every process started during the test, counted as each starts (not timed)."""
    import multiprocessing.process

    names: list[str] = []
    start = multiprocessing.process.BaseProcess.start

    def counted(process: multiprocessing.process.BaseProcess) -> None:
        names.append(process.name)
        start(process)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", counted)
    return names
