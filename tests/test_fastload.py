"""The command's loader of its own byte code (:mod:`policykit.fastload`): it serves a
submodule from the pyc Python would accept, and leaves everything else to Python's own
machinery, which then compiles and caches as ever."""

from __future__ import annotations

import importlib
import os
import py_compile
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import BuiltinImporter, FrozenImporter, PathFinder
from pathlib import Path
from typing import Any

import pytest

from policykit import fastload

PACKAGE = "fastload_probe"


@pytest.fixture
def finder(tmp_path: Path) -> Iterator[tuple[fastload.Finder, Path]]:
    """A package on sys.path with a Finder for its submodules, first on sys.meta_path;
    everything put back afterwards."""
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("KIND = 'package'\n")
    (folder / "plain.py").write_text("VALUE = 1\n")
    made = fastload.Finder(PACKAGE + ".", sys.implementation.cache_tag)
    sys.path.insert(0, str(tmp_path))
    sys.meta_path.insert(0, made)
    try:
        yield made, folder
    finally:
        sys.meta_path.remove(made)
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        importlib.invalidate_caches()


def _fresh(name: str) -> Any:
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def test_a_current_pyc_is_exec_d_by_its_loader(finder: tuple[fastload.Finder, Path]) -> None:
    _, folder = finder
    py_compile.compile(str(folder / "plain.py"), doraise=True)
    module = _fresh(f"{PACKAGE}.plain")
    assert module.VALUE == 1
    assert type(module.__loader__) is fastload._Loader
    assert module.__file__ == f"{folder}/plain.py"
    assert module.__cached__ == f"{folder}/__pycache__/plain.{sys.implementation.cache_tag}.pyc"
    assert module.__loader__.get_source(f"{PACKAGE}.plain") == "VALUE = 1\n"


def test_the_pyc_read_is_the_cached_one_not_the_source(finder: tuple[fastload.Finder, Path]) -> None:
    # a pyc whose header matches the source is trusted as Python trusts it: its code runs
    _, folder = finder
    source = folder / "plain.py"
    source.write_text("VALUE = 2\n")
    py_compile.compile(str(source), doraise=True)
    stat = source.stat()
    source.write_text("VALUE = 3\n")  # same size, same timestamp: Python would take the pyc too
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _fresh(f"{PACKAGE}.plain").VALUE == 2


def test_a_stale_pyc_is_compiled_again(finder: tuple[fastload.Finder, Path]) -> None:
    _, folder = finder
    source = folder / "plain.py"
    py_compile.compile(str(source), doraise=True)
    source.write_text("VALUE = 'edited'\n")  # another size
    assert _fresh(f"{PACKAGE}.plain").VALUE == "edited"
    # and Python's loader cached the new byte code, which the next import takes
    assert _fresh(f"{PACKAGE}.plain").VALUE == "edited"


def test_no_pyc_and_hash_based_pyc_go_to_python(finder: tuple[fastload.Finder, Path]) -> None:
    _, folder = finder
    assert _fresh(f"{PACKAGE}.plain").VALUE == 1  # no pyc yet
    source = folder / "plain.py"
    source.write_text("VALUE = 'hashed'\n")
    py_compile.compile(str(source), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    assert _fresh(f"{PACKAGE}.plain").VALUE == "hashed"


def test_a_garbled_pyc_is_never_exec_d(finder: tuple[fastload.Finder, Path]) -> None:
    _, folder = finder
    source = folder / "plain.py"
    cached = Path(str(py_compile.compile(str(source), doraise=True)))
    cached.write_bytes(cached.read_bytes()[:8] + b"\0" * 8 + b"garbage")  # header no longer the source's
    assert _fresh(f"{PACKAGE}.plain").VALUE == 1


def test_packages_served_other_names_and_absent_modules_left_alone(
    finder: tuple[fastload.Finder, Path],
) -> None:
    made, folder = finder
    (folder / "sub").mkdir()
    (folder / "sub" / "__init__.py").write_text("X = 'sub'\n")
    spec = made.find_spec(f"{PACKAGE}.sub", [str(folder)])  # a package: its __init__
    assert spec.origin == f"{folder}/sub/__init__.py"
    assert spec.submodule_search_locations == [f"{folder}/sub"]
    (folder / "sub" / "inner.py").write_text("Y = 'inner'\n")
    assert made.find_spec("json.decoder", [str(folder)]) is None  # not ours
    assert made.find_spec(PACKAGE, None) is None  # top level
    assert made.find_spec(f"{PACKAGE}.plain", [str(folder), "/elsewhere"]) is None  # a namespace path
    py_compile.compile(str(folder / "sub" / "__init__.py"), doraise=True)
    assert _fresh(f"{PACKAGE}.sub").X == "sub"
    assert type(sys.modules[f"{PACKAGE}.sub"].__loader__) is fastload._Loader
    assert _fresh(f"{PACKAGE}.sub.inner").Y == "inner"
    (folder / "ns").mkdir()  # a namespace package: Python's
    assert made.find_spec(f"{PACKAGE}.ns", [str(folder)]) is None
    with pytest.raises(ModuleNotFoundError):
        _fresh(f"{PACKAGE}.absent")


def test_install_is_idempotent_and_declines_another_cache_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    before = list(sys.meta_path)
    try:
        assert fastload.install(PACKAGE)
        assert fastload.install(PACKAGE)
        ours = [f for f in sys.meta_path if isinstance(f, fastload.Finder)]
        assert [f.prefix for f in ours].count(PACKAGE + ".") == 1
        # just before Python's own finders: a hook put in front of them before comes first
        first = min(sys.meta_path.index(f) for f in (BuiltinImporter, FrozenImporter, PathFinder))
        assert sys.meta_path[first - 1] is ours[0]
    finally:
        sys.meta_path[:] = before
    monkeypatch.setattr(sys, "pycache_prefix", "/tmp/elsewhere")
    assert not fastload.install(PACKAGE)
    assert sys.meta_path == before


def test_the_command_serves_its_modules_from_byte_code(tmp_path: Path) -> None:
    """Started as the command, policykit's modules (not its packages, nor the two loaded
    before the finder is in place) no longer come through Python's source loader, whose
    ``-v`` message names each pyc it accepts; and the result is the one Python's own
    import gives (the byte code kept elsewhere, where the finder declines)."""
    example = Path(__file__).resolve().parent.parent / "examples" / "fault.json"
    command = [sys.executable, "-m", "policykit", "evaluate", str(example)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=True, cwd=tmp_path, env=env)  # the byte code written
    fast = subprocess.run([sys.executable, "-v", *command[1:]], capture_output=True, text=True, cwd=tmp_path, env=env)
    accepted = [line for line in fast.stderr.splitlines() if " matches " in line and "policykit" in line]
    assert accepted, "python -v names the pyc files its own loader accepts"
    by_python = [
        line
        for line in accepted
        if not line.split(" matches ")[1].endswith(("policykit/__init__.py", "__main__.py", "fastload.py"))
    ]
    assert by_python == []
    # Python's own import alone: byte code elsewhere, where the finder is not installed
    alone = [sys.executable, "-X", f"pycache_prefix={tmp_path / 'pyc'}", *command[1:]]
    plain = subprocess.run(alone, capture_output=True, text=True, cwd=tmp_path, env=env)
    assert fast.returncode == plain.returncode == 0
    assert fast.stdout == plain.stdout


def test_it_finds_what_pythons_finder_finds(finder: tuple[fastload.Finder, Path]) -> None:
    """A package before a module of the same name (a stale module beside it, say); a folder
    named like a source file, and a name that is no identifier, not served."""
    made, folder = finder
    (folder / "both.py").write_text("KIND = 'module'\n")
    (folder / "both").mkdir()
    (folder / "both" / "__init__.py").write_text("KIND = 'package'\n")
    spec = made.find_spec(f"{PACKAGE}.both", [str(folder)])
    assert spec is not None and spec.origin == f"{folder}/both/__init__.py"
    assert _fresh(f"{PACKAGE}.both").KIND == "package"
    (folder / "odd.py").mkdir()  # a folder named like a source file
    assert made.find_spec(f"{PACKAGE}.odd", [str(folder)]) is None
    assert made.find_spec(f"{PACKAGE}.sub/plain", [str(folder)]) is None


def test_the_installed_package_has_no_extension_module() -> None:
    """Python's finder would take one before a source of the same name; the finder assumes
    there is none (policykit is pure Python), here where the tests import it from."""
    root = Path(fastload.__file__).parent
    assert [p for p in root.rglob("*") if p.suffix in (".so", ".pyd")] == []


def test_a_current_header_on_no_code_is_refused_as_python_refuses_it(finder: tuple[fastload.Finder, Path]) -> None:
    import marshal

    _, folder = finder
    source = folder / "plain.py"
    cached = Path(str(py_compile.compile(str(source), doraise=True)))
    cached.write_bytes(cached.read_bytes()[:16] + marshal.dumps(42))
    with pytest.raises(ImportError, match="Non-code object"):
        _fresh(f"{PACKAGE}.plain")
