"""What a cold ``policykit evaluate FILE`` imports: only what deciding one case needs.

Each test runs the command in a fresh interpreter, as ``python -m policykit`` does, and
reads ``sys.modules`` as it exits.  These are tests of what is imported, never of time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

FAULT = ROOT / "examples" / "fault.json"

# Never on the path of a cached `evaluate FILE`: the policy's YAML and schema checks, the
# official calendar, the other commands and what they need, and what only writing needs.
HEAVY = (
    "yaml",
    "jsonschema",
    "holidays",
    "tempfile",
    "shutil",
    "secrets",
    "re2",  # the bundled case format's one pattern (a date) has no part of varying width: re matches it
    "orjson",  # one case is parsed by the standard library (orjson loads uuid and platform)
    "uuid",
    "platform",
    "difflib",
    "zlib",
    "bz2",
    "lzma",
    "policykit.policy.yamlload",
    "policykit.policy.schema_check",
    "policykit.policy.amend",
    "policykit.policy.references",
    "policykit.policy.bounds",
    "policykit.policy.status",
    "policykit.policy.contract",
    "policykit.cli.policy",
    "policykit.cli.serve",
    "policykit.cli.interview",
    "policykit.cli.distributed",
    "policykit.tools.testcmd",
    "policykit.tools.parallel",
    "policykit.server",
    "policykit.interview",
    "policykit.docsite",
    "policykit.cli.parser",  # a plain evaluate line is read without argparse (cli/quick.py)
    # one case is decided on the interpreter: the code generator is never made, nor
    # imported (codegen's names are imported when first asked for), nor the seeding of a
    # full result by the generated functions
    "policykit.engine.codegen",
    "policykit.engine.codegen.generate",
    "policykit.engine.codegen.tristate",
    "policykit.engine.codegen.request",
    "policykit.engine.codegen.inline",
    "policykit.engine.lean",
    # the expressions' exact forms are compiled from the parsed forms the cache keeps: no
    # text is parsed (nor a fast form's text made or checked)
    "ast",
    "_ast",
    "policykit.lang.fastcode",
    "policykit.engine.seed",
    # one case is read by walking the case format (engine/case_reader/walk.py): its reader
    # is neither generated nor compiled
    "policykit.engine.case_reader.generate",
    "policykit.engine.case_reader.parts",
    # the case format (the contract's JSON Schema) comes with the policy's entry
    "policykit.policy.contract_ext",
    # a good case needs neither the exact reader (which words problems) nor its words
    "policykit.engine.case_exact",
    "policykit.engine.case_words",
    # one document is decided without the batch's machinery (tools/document.py)
    "policykit.tools.batch",
    "policykit.tools.batch_memory",
    # what only an expression compiled from its text (its kinds, its problems' words), the
    # case format's writer and a link to the docs need: a policy read from the cache and a
    # good case need none of them
    "policykit.lang.hints",
    "policykit.lang.kinds",
    "policykit.policy.contract_schema",
    "policykit.present.links",
    # nor the keyword list (the named tuples' field names are checked without it) or the
    # error codes of a failed write
    "keyword",
    "errno",
    # a condition in words is for --explain and the docs; a name's title is in present/catalogue
    "policykit.present.sentence",
    "policykit.present.explain",
    # a byte order mark is dropped without the utf-8-sig codec
    "encodings.utf_8_sig",
    # the C date types are taken from _datetime (policykit.lang.dates): on 3.11 the datetime
    # module defines every type in Python before it takes the C ones
    "datetime",
    # standard modules that cost a cold start milliseconds and that deciding one case does
    # without: the parser, typing, dataclasses (and inspect, dis, tokenize), pathlib (and
    # urllib.parse, ipaddress, fnmatch), OpenSSL's hashlib and hmac, calendar (and locale)
    "argparse",
    "gettext",
    "typing",
    "dataclasses",
    "inspect",
    "dis",
    "tokenize",
    "pathlib",
    "urllib",
    "ipaddress",
    "fnmatch",
    "hashlib",
    "_hashlib",
    "hmac",
    "calendar",
    "locale",
)

# and those the `policykit` command as a recent pip writes it (pypa/pip#13166: no `re` in the
# script) needs none of either, for JSON or the text view: JSON is read and written by the
# interpreter's C accelerator (policykit.json_accel), placeholders, the case format's date
# pattern and the text view's words and sentences are read with str methods, and what
# functools would give is made from its C part (policykit.memo)
STANDARD = (
    "re",
    "enum",
    "json",
    "functools",
    "collections",
    "contextlib",
    "operator",
    "copyreg",
    "reprlib",
    "warnings",
    "importlib",
    "string",
    "types",
    "math",  # (a shared library to load: finiteness is tested without it)
)

# The `policykit` command as pip writes it (`import sys; from policykit.__main__ import
# main`: nothing else), with the modules loaded at exit written to stderr (after its
# output); the at-exit hooks import json only once the modules are listed.
_RUN = (
    "import atexit, sys\n"
    "import gc\n"
    "def _modules():\n"
    "    loaded = sorted(sys.modules)\n"
    "    sys.stderr.write('MODULES ' + __import__('json').dumps(loaded) + '\\n')\n"
    "atexit.register(_modules)\n"
    "atexit.register(lambda: sys.stderr.write(f'COLLECTING {gc.isenabled()}\\n'))\n"
    "sys.argv = ['policykit', *sys.argv[1:]]\n"
    "from policykit.__main__ import main\n"
    "main()\n"
)


def _child(cache: Path, *args: str, cached: bool = False, script: str = _RUN) -> subprocess.CompletedProcess[str]:
    """``policykit evaluate ARGS`` in a fresh interpreter under the cache ``cache`` (with
    ``cached``, whatever POLICYKIT_NO_CACHE says), run by ``script``."""
    env = {**os.environ, "POLICYKIT_CACHE_DIR": str(cache)}
    if cached:
        env.pop("POLICYKIT_NO_CACHE", None)
    return subprocess.run(
        [sys.executable, "-c", script, "evaluate", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _collecting(cache: Path, *args: str) -> bool:
    """Whether the cycle collector was on at the end of ``policykit evaluate ARGS``."""
    run = _child(cache, *args)
    found = re.search(r"^COLLECTING (True|False)$", run.stderr, re.MULTILINE)
    assert found and run.returncode == 0, run.stderr
    return found.group(1) == "True"


def test_one_case_is_decided_without_the_cycle_collector_a_batch_with_it(warm: Path, tmp_path: Path) -> None:
    """A cold start pauses the collector (the loading makes no garbage worth walking);
    a batch, which runs on, turns it back on."""
    assert not _collecting(warm, str(FAULT), "--as-of", "2026-11-27")
    lines = tmp_path / "cases.jsonl"
    lines.write_text(json.dumps(json.loads(FAULT.read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
    assert _collecting(warm, "--batch", str(lines), "--as-of", "2026-11-27")
    assert _collecting(warm, str(FAULT), "--as-of", "2026-11-27", "--explain")


def _evaluate(cache: Path, *args: str) -> tuple[int, str, set[str]]:
    run = _child(cache, *args, cached=True)
    found = re.search(r"^MODULES (.*)$", run.stderr, re.MULTILINE)
    assert found, run.stderr
    return run.returncode, run.stdout, set(json.loads(found.group(1)))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compile cache filled by a first run, as any first run fills it."""
    cache = tmp_path_factory.mktemp("cache")
    code, _, modules = _evaluate(cache, str(FAULT), "--as-of", "2026-11-27")
    assert code == 0
    assert "yaml" in modules  # the first run compiled the policy: the test can see a difference
    return cache


def test_a_cached_evaluate_imports_nothing_heavy(warm: Path) -> None:
    code, out, modules = _evaluate(warm, str(FAULT), "--as-of", "2026-11-27", "--format", "json")
    assert code == 0 and json.loads(out)["request_type"] == "fault"
    assert sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY) == []
    assert sorted(m for m in modules if m.split(".")[0] in STANDARD) == []


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.json")))
def test_no_example_loads_what_the_cold_road_does_without(warm: Path, example: str) -> None:
    """Every bundled example, in JSON and in the text view: a return past the 28th moved to
    February, say, once loaded the calendar module (and with it re, enum, functools...)."""
    for view in (("--format", "json"), ("--format", "text", "--lang", "zh")):
        code, out, modules = _evaluate(warm, str(ROOT / "examples" / example), "--as-of", "2026-11-27", *view)
        assert code == 0 and out
        assert sorted(m for m in modules if m.split(".")[0] in HEAVY or m.split(".")[0] in STANDARD) == []


def test_a_text_with_an_unprintable_character_it_keeps_is_shown_without_re(warm: Path, tmp_path: Path) -> None:
    """A format character (a zero-width joiner, a soft hyphen) is not printable, and needs no
    escaping: the text view tells so without loading re.  (A wide or no-break space is laid
    out as a plain one before.)"""
    case = json.loads(FAULT.read_text(encoding="utf-8"))
    case["customer"]["name"] = "西安\u3000某安防\u200d工程\xad公司"
    path = tmp_path / "spaces.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, out, modules = _evaluate(warm, str(path), "--as-of", "2026-11-27", "--format", "text", "--lang", "zh")
    assert code == 0 and "某安防\u200d工程\xad公司" in out
    assert sorted(m for m in modules if m.split(".")[0] in STANDARD) == []


def test_the_text_view_imports_nothing_heavy_either(warm: Path) -> None:
    for lang in ("en", "zh"):
        code, out, modules = _evaluate(warm, str(FAULT), "--as-of", "2026-11-27", "--format", "text", "--lang", lang)
        assert code == 0 and out
        assert sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY) == []
        assert sorted(m for m in modules if m.split(".")[0] in STANDARD) == []


@pytest.mark.parametrize("shift", [-80, -40, -10, 9, 30, 75, 200, 7970])
def test_no_year_needs_the_holidays_package(warm: Path, tmp_path: Path, shift: int) -> None:
    """A case from any year, far from today (1946, 2035, 2101, 9996...), is decided from the
    cache without importing ``holidays``, and exactly as without the cache."""
    text = re.sub(
        r'"(\d{4})-(\d\d-\d\d)"',
        lambda m: f'"{int(m.group(1)) + shift:04d}-{m.group(2)}"',
        FAULT.read_text(encoding="utf-8"),
    )
    case = tmp_path / "shifted.json"
    case.write_text(text, encoding="utf-8")
    as_of = f"{2026 + shift:04d}-03-01"
    code, out, modules = _evaluate(warm, str(case), "--as-of", as_of, "--format", "json")
    assert code == 0
    assert "holidays" not in modules
    fresh = subprocess.run(
        [sys.executable, "-m", "policykit", "evaluate", str(case), "--as-of", as_of, "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "POLICYKIT_NO_CACHE": "1"},
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert out == fresh.stdout  # the table in the cache is the calendar the package gives


def test_a_bad_case_still_fails_as_before(warm: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"request": {"type": "fault", "date": "2026-02-30"}}', encoding="utf-8")
    code, out, modules = _evaluate(warm, str(bad), "--as-of", "2026-11-27")
    assert code == 2 and out == ""
    assert "holidays" not in modules  # (the line of a bad field is found by the YAML parser: JSON is YAML)


def test_without_the_c_date_types_a_case_is_decided_alike(warm: Path) -> None:
    """An interpreter without ``_datetime`` (policykit.lang.dates then takes the types of
    ``datetime``, its pure-Python ones there) decides a case byte for byte as with them."""
    blocked = (
        "import sys\n"
        "sys.modules['_datetime'] = None\n"  # (an import of it raises ImportError)
        "import datetime, runpy\n"
        "from policykit.lang import dates\n"
        "assert dates.date is datetime.date and hasattr(dates.date(2000, 1, 1), '_year')  # the Python type\n"
        "sys.argv = ['policykit', *sys.argv[1:]]\n"
        "runpy.run_module('policykit', run_name='__main__', alter_sys=True)\n"
    )
    env = {**os.environ, "POLICYKIT_CACHE_DIR": str(warm)}
    env.pop("POLICYKIT_NO_CACHE", None)
    args = ["evaluate", str(FAULT), "--as-of", "2026-11-27", "--format", "json"]
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
        )
        for code in (blocked, _RUN)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and json.loads(runs[0].stdout)["request_type"] == "fault"


# The command as pip writes it, with the preloading of its modules turned off, writing the
# policykit modules its finder loaded, in the order each finished loading.
_NATURAL = (
    "import atexit, sys\n"
    "import policykit.fastload as fastload\n"
    "finished = []\n"
    "run = fastload._Loader.exec_module\n"
    "def exec_module(self, module):\n"
    "    run(self, module)\n"
    "    finished.append(module.__name__)\n"
    "fastload._Loader.exec_module = exec_module\n"
    "fastload.preload = lambda names: None\n"
    "atexit.register(lambda: sys.stderr.write('FINISHED ' + ' '.join(finished) + '\\n'))\n"
    "sys.argv = ['policykit', *sys.argv[1:]]\n"
    "from policykit.__main__ import main\n"
    "main()\n"
)


def _loaded_after_evaluate(code: str, warm: Path) -> list[str]:
    """What the script ``code`` (a variant of :data:`_NATURAL`) writes of the modules loaded
    by a cold ``evaluate FILE`` after the evaluate command's module."""
    run = _child(warm, str(FAULT), "--as-of", "2026-11-27", "--format", "json", cached=True, script=code)
    found = re.search(r"^FINISHED (.*)$", run.stderr, re.MULTILINE)
    assert found and run.returncode == 0, run.stderr
    events = found.group(1).split()
    return events[events.index("policykit.cli.evaluate") + 1 :]


def test_the_modules_one_case_preloads_are_those_it_imports_in_their_order(warm: Path) -> None:
    """``COLD_MODULES`` (what a process started for one case loads at once) is what a cold
    ``evaluate FILE`` imports after the evaluate command's module, each after the modules
    it imports (the order they finish loading in): none loaded for nothing, none left to
    the import system.  (Where this fails, the list it prints is the one to keep.)"""
    from policykit.cli.evaluate import COLD_MODULES

    natural = tuple(_loaded_after_evaluate(_NATURAL, warm))
    assert natural == COLD_MODULES, natural


def test_a_preloaded_run_loads_no_module_twice_nor_through_the_import_system(warm: Path) -> None:
    """With the preloading on, every module of ``COLD_MODULES`` is loaded by it, none of
    them from inside another's loading (each finds what it imports loaded), and nothing of
    the package is loaded after it for a JSON result."""
    from policykit.cli.evaluate import COLD_MODULES

    code = _NATURAL.replace("fastload.preload = lambda names: None\n", "").replace(
        "    run(self, module)\n", "    finished.append('<' + module.__name__)\n    run(self, module)\n"
    )
    assert code != _NATURAL and "fastload.preload" not in code
    after = _loaded_after_evaluate(code, warm)
    assert after == [e for name in COLD_MODULES for e in ("<" + name, name)]
