"""``evaluate --batch`` in bytes end to end: results written by orjson straight into the
binary output in big writes, error records as before, the same bytes whether the output
is a binary stream or text, and a stream from standard input answered line by line."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from datetime import date
from pathlib import Path
from typing import Any

from policykit.cli.app import run
from policykit.cli.evaluate import FLUSH_BYTES
from policykit.engine.case import parse_json, read_case
from policykit.errors import CaseError
from policykit.evaluator import evaluate
from policykit.policy.compiler import load_policy
from policykit.tools import document
from policykit.tools.batch import BatchSettings, Chunk, evaluate_lines, named

from ..conftest import POLICY_FILE, cli
from .conftest import corpus_lines

ARGS = ["--as-of", "2026-11-27", "--format", "json"]


class Recorder(io.RawIOBase):
    """A binary output that keeps each write apart."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.writes.append(bytes(data))
        return len(data)


def _run_binary(argv: list[str], stdin: bytes = b"", buffered: bool = False) -> tuple[int, Recorder, str]:
    """``buffered``: a buffer between the text stream and the bytes, as a real stdout has."""
    raw = Recorder()
    binary: Any = io.BufferedWriter(raw, buffer_size=1 << 16) if buffered else raw
    out = io.TextIOWrapper(binary, encoding="utf-8", write_through=True)
    err = io.StringIO()
    inp = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    code = run(argv, out, err, inp)
    out.flush()
    return code, raw, err.getvalue()


def test_a_binary_output_gets_the_bytes_a_text_output_gets(jsonl_parts: tuple[Path, list[Path]]) -> None:
    whole, _ = jsonl_parts
    argv = ["evaluate", "--batch", str(whole), *ARGS]
    code, raw, err = _run_binary(argv)
    assert (code, b"".join(raw.writes).decode("utf-8"), err) == cli(*argv)


def test_the_output_goes_out_in_big_writes(jsonl_parts: tuple[Path, list[Path]]) -> None:
    whole, _ = jsonl_parts
    _, raw, _ = _run_binary(["evaluate", "--batch", str(whole), *ARGS])
    assert len(raw.writes) > 2
    assert all(len(w) >= FLUSH_BYTES for w in raw.writes[:-1])


def test_a_stream_on_standard_input_is_answered_line_by_line() -> None:
    lines = corpus_lines()[:12]
    lines = [line for line in lines if len(line) < 10_000]
    _, raw, _ = _run_binary(["evaluate", "--batch", "-", *ARGS], stdin=b"\n".join(lines) + b"\n", buffered=True)
    answered = [line for line in lines if line.strip()]
    assert len(raw.writes) == len(answered)  # each line's answer as soon as it is decided
    assert all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in raw.writes)


def test_each_record_is_the_result_or_the_errors_of_its_line() -> None:
    lines = [line for line in corpus_lines()[:30] if len(line) < 10_000]
    settings = BatchSettings(policy=str(POLICY_FILE), as_of=date(2026, 11, 27), lang="en")
    chunk = evaluate_lines(settings, "in.jsonl", list(enumerate(lines, 1)))
    assert isinstance(chunk.data, bytes)
    records = iter(chunk.data.splitlines())
    policy, _ = load_policy(POLICY_FILE)
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        record = next(records)
        name = f"in.jsonl:{number}"
        try:
            case = read_case(policy, parse_json(raw, name), name, raw, "en")
        except CaseError as exc:
            found = [{"path": d.path, "code": d.code, "message": d.message} for d in exc.diagnostics]
            assert record == json.dumps({"line": number, "errors": found}, ensure_ascii=False).encode("utf-8")
            continue
        result = evaluate(policy, case, date(2026, 11, 27), "en", case_sha256=hashlib.sha256(raw).hexdigest())
        assert json.loads(record) == json.loads(json.dumps(named(result, policy).to_dict()))  # names its file
        assert b": " not in record.split(b'"', 1)[0]  # written compactly by orjson
    assert next(records, None) is None


def test_a_stream_of_another_encoding_gets_text_it_encodes_itself() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-16", errors="strict")
    lines = [line for line in corpus_lines()[:3] if line.strip()]
    code = run(["evaluate", "--batch", "-", *ARGS], out, io.StringIO(), io.TextIOWrapper(io.BytesIO(b"\n".join(lines))))
    out.flush()
    assert code == 0
    assert (
        raw.getvalue().decode("utf-16") == cli("evaluate", "--batch", "-", *ARGS, stdin=b"\n".join(lines).decode())[1]
    )


def test_lines_handed_over_one_at_a_time_give_what_one_run_gives() -> None:
    """A caller handing lines over a few at a time (a stream, a worker's chunks) gets the
    bytes, errors and counts of one run over them all, with the reader of its settings
    made once; settings that name no policy file or folder keep none."""
    lines = [line for line in corpus_lines()[:60] if len(line) < 10_000]
    numbered = list(enumerate(lines, 1))
    settings = BatchSettings(policy=str(POLICY_FILE), as_of=date(2026, 11, 27), lang="zh")
    whole = evaluate_lines(settings, "in.jsonl", numbered)
    parts = [evaluate_lines(settings, "in.jsonl", [item]) for item in numbered]
    assert b"".join(p.data for p in parts) == whole.data
    assert tuple(e for p in parts for e in p.errors) == whole.errors
    assert (sum(p.bad for p in parts), sum(p.internal for p in parts)) == (whole.bad, whole.internal)
    assert whole.bad > 0 and whole.data.count(b"\n") == len([line for line in lines if line.strip()])
    assert document._reader(settings) is document._reader(settings)
    assert document._reader(BatchSettings(as_of=date(2026, 11, 27))) is not document._reader(BatchSettings())


def test_a_run_of_lines_comes_back_whole_from_a_worker() -> None:
    """What a worker process returns survives pickling as it was."""
    chunk = Chunk(b'{"a":1}\n', ("in.jsonl:2:0: bad-json: x",), 1, 0)
    assert pickle.loads(pickle.dumps(chunk)) == chunk
    assert chunk.internal == 0 and Chunk(b"", (), 0).internal == 0
