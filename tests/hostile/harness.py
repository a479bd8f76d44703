"""Runs one hostile attack (a YAML file of ``attacks/``) in a subprocess under a 2 GiB
address-space limit and a 20 s CPU limit (``resource.setrlimit``, not a wall clock),
and reports what it did.

An attack names the command line, the files it builds (the bundled policy with
changes, a case, a folder, a symlink...), what it feeds on standard input, and what is
expected: an exit status and a diagnostic code.  ``{name}`` in the command line is the
path of the file ``name`` the attack built.  Repetition keeps the files small:
``{repeat: X, times: N}`` is X (a string, an item, or the items of a list) N times; an item with
``for: [a, b]`` is copied for i = a..b with ``{i}`` and ``{p}`` (= i - 1) filled in.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "standard_v1.yaml"
ADDRESS_SPACE = 2 * 1024**3
CPU_SECONDS = 20
HANG_GUARD = 300  # a stuck child is killed after this; the bound itself is CPU_SECONDS


def _limits(close: int | None) -> Any:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
        if close is not None:
            os.close(close)  # the command starts with this stream closed, like `>&-`

    return limit


def expand(node: Any) -> Any:
    """``repeat``/``times`` and ``for`` expanded, recursively."""
    if isinstance(node, dict):
        if set(node) == {"repeat", "times"}:
            unit = expand(node["repeat"])
            if isinstance(unit, str):
                return unit * int(node["times"])
            items = unit if isinstance(unit, list) else [unit]
            return [copy.deepcopy(item) for _ in range(int(node["times"])) for item in items]
        if set(node) == {"concat"}:
            return "".join(str(expand(part)) for part in node["concat"])
        if set(node) == {"nest", "depth", "inner"}:
            value = expand(node["inner"])
            for _ in range(int(node["depth"])):
                value = [value] if node["nest"] == "list" else {"a": value}
            return value
        return {k: expand(v) for k, v in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            if isinstance(item, dict) and "for" in item:
                low, high = item["for"]
                body = {k: v for k, v in item.items() if k != "for"}
                out.extend(_fill(expand(body), i) for i in range(int(low), int(high) + 1))
            else:
                out.append(expand(item))
        return out
    return node


def _fill(node: Any, i: int) -> Any:
    if isinstance(node, str):
        return node.replace("{i}", str(i)).replace("{p}", str(i - 1))
    if isinstance(node, dict):
        return {_fill(k, i): _fill(v, i) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, i) for v in node]
    return node


def _set(data: Any, dotted: str, value: Any) -> None:
    parts = dotted.split("/")
    for part in parts[:-1]:
        data = data[int(part)] if isinstance(data, list) else data[part]
    last = parts[-1]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def build_policy(spec: dict[str, Any]) -> str:
    if "text" in spec:
        return str(expand(spec["text"]))
    data = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    for section, items in (spec.get("append") or {}).items():
        target = data
        for part in section.split("/"):
            target = target.setdefault(part, {} if part in ("parameters", "facts") else [])
        if isinstance(target, dict):
            target.update(expand(items))
        else:
            target.extend(expand(items))
    for path, value in (spec.get("set") or {}).items():
        _set(data, path, expand(value))
    for path in spec.get("unset") or []:
        parts = path.split("/")
        target = data
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[parts[-1]]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: a 2 MiB policy in well under a second
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**9)
    return text + str(expand(spec.get("tail", "")))


def build_case(spec: Any) -> str:
    if isinstance(spec, dict) and "raw" in spec:
        return str(expand(spec["raw"]))
    if isinstance(spec, dict) and "example" in spec:
        data = json.loads((ROOT / "examples" / f"{spec['example']}.json").read_text(encoding="utf-8"))
        for path, value in (spec.get("set") or {}).items():
            _set(data, path, expand(value))
        return json.dumps(data, ensure_ascii=False)
    return json.dumps(expand(spec), ensure_ascii=False)


def _placed(text: str, paths: dict[str, str]) -> str:
    for known, where in paths.items():
        text = text.replace("{" + known + "}", where)
    return text


@dataclass
class Outcome:
    code: int
    stdout: bytes
    stderr: bytes


def _feed(pipe: Any, spec: dict[str, Any]) -> None:
    """Write ``spec['repeat']`` ``times`` times, in chunks, then close (a reader that stops is fine)."""
    try:
        unit = str(spec.get("head", "")).encode("utf-8")
        if unit:
            pipe.write(unit)
        chunk = (str(spec["repeat"]) * max(1, 65536 // max(1, len(str(spec["repeat"]))))).encode("utf-8")
        total = int(float(spec["times"])) * len(str(spec["repeat"]).encode("utf-8"))
        while total > 0:
            piece = chunk[: min(total, len(chunk))]
            pipe.write(piece)
            total -= len(piece)
        pipe.write(str(spec.get("tail", "")).encode("utf-8"))
    except (BrokenPipeError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def run_attack(attack: dict[str, Any], folder: Path, cache: Path) -> Outcome:
    import hashlib

    paths: dict[str, str] = {"policy_sha": hashlib.sha256(POLICY.read_bytes()).hexdigest()}
    for name, spec in (attack.get("policies") or {}).items():
        path = folder / f"{name}.yaml"
        path.write_text(build_policy(spec or {}), encoding="utf-8")
        paths[name] = str(path)
    for name, spec in (attack.get("cases") or {}).items():
        path = folder / f"{name}.json"
        path.write_text(build_case(spec), encoding="utf-8")
        paths[name] = str(path)
    for name, text in (attack.get("files") or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = expand(text)
        content = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        content = _placed(content, paths)
        path.write_text(content, encoding="utf-8")
        paths[name] = str(path)
    for name, target in (attack.get("symlinks") or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(_placed(target, paths), path)
    for name in attack.get("folders") or []:
        paths[name] = str(folder / name)
    argv = [_placed(part, paths) for part in attack["command"]]
    env = {**os.environ, "POLICYKIT_CACHE_DIR": str(cache), **(attack.get("env") or {})}
    stdin_spec = attack.get("stdin")
    streams = attack.get("streams") or {}
    stdin: Any = subprocess.DEVNULL
    stdin_bytes: bytes | None = None
    if isinstance(stdin_spec, dict) and "concat" in stdin_spec:
        stdin_spec = expand(stdin_spec)
    if isinstance(stdin_spec, dict) and "repeat" in stdin_spec:
        stdin = subprocess.PIPE
    elif isinstance(stdin_spec, str):
        stdin = subprocess.PIPE
        stdin_bytes = stdin_spec.encode("utf-8")
    stdout: Any = subprocess.PIPE
    stderr: Any = subprocess.PIPE
    opened: list[Any] = []
    if streams.get("stdout") == "full":
        stdout = open("/dev/full", "wb")  # noqa: SIM115 - closed below
        opened.append(stdout)
    closed = {"stdin": 0, "stdout": 1, "stderr": 2}.get(streams.get("closed", ""))
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykit", *argv],
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        cwd=folder,
        env=env,
        preexec_fn=_limits(closed),
    )
    feeder = None
    if stdin == subprocess.PIPE:
        assert proc.stdin is not None
        if stdin_bytes is not None:
            feeder = threading.Thread(target=_feed, args=(proc.stdin, {"repeat": stdin_bytes.decode(), "times": 1}))
        else:
            feeder = threading.Thread(target=_feed, args=(proc.stdin, stdin_spec))
        proc.stdin = None  # the feeder owns it now
        feeder.start()
    try:
        out, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        for handle in opened:
            handle.close()
        if feeder is not None:
            feeder.join()
    return Outcome(proc.returncode, out or b"", err or b"")
