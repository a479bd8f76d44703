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


def _attributes(module: Any) -> list[tuple[str, Any]]:
    """A module's attributes as the import system set them, in their order (the loader's
    and the spec's by type: one loader is this finder's, the other Python's)."""
    return [
        (k, type(v).__name__ if k in ("__loader__", "__spec__", "__builtins__") else v) for k, v in vars(module).items()
    ]


def test_a_module_it_makes_is_the_one_python_makes(finder: tuple[fastload.Finder, Path]) -> None:
    """The same attributes, in the same order, for a module and a package, as Python's own
    loader gives them (create_module gives the module the attributes the import system sets
    from the spec before it sets them)."""
    made, folder = finder
    for name in (f"{PACKAGE}.plain", f"{PACKAGE}.sub"):
        if name.endswith("sub"):
            (folder / "sub").mkdir()
            (folder / "sub" / "__init__.py").write_text("X = 'sub'\n")
        py_compile.compile(str(folder / ("sub/__init__.py" if name.endswith("sub") else "plain.py")), doraise=True)
        ours = _fresh(name)
        assert type(ours.__loader__) is fastload._Loader
        sys.meta_path.remove(made)
        try:
            theirs = _fresh(name)
        finally:
            sys.meta_path.insert(0, made)
        assert type(theirs.__loader__) is not fastload._Loader
        assert _attributes(ours) == [(k, "_Loader" if k == "__loader__" else v) for k, v in _attributes(theirs)]
        assert ours.__spec__._initializing is False and theirs.__spec__._initializing is False


def test_preload_loads_each_module_as_its_import_would(finder: tuple[fastload.Finder, Path]) -> None:
    """Each module found by the finder, run, in sys.modules and set on its parent, as an
    import would leave it; one loaded already is skipped; a name not of the package, or
    whose parent is not loaded, stops it (the import system does the rest)."""
    _, folder = finder
    (folder / "first.py").write_text("ORDER = []\n")
    (folder / "second.py").write_text(f"from {PACKAGE} import first\nfirst.ORDER.append('second')\n")
    for source in ("first.py", "second.py", "__init__.py"):
        py_compile.compile(str(folder / source), doraise=True)
    package = _fresh(PACKAGE)
    fastload.preload([f"{PACKAGE}.first", f"{PACKAGE}.second", f"{PACKAGE}.second"])
    first, second = sys.modules[f"{PACKAGE}.first"], sys.modules[f"{PACKAGE}.second"]
    assert package.first is first and package.second is second and first.ORDER == ["second"]
    assert type(second.__loader__) is fastload._Loader and second.__spec__._initializing is False
    assert importlib.import_module(f"{PACKAGE}.second") is second  # loaded once
    fastload.preload(["importlib.not_a_module", f"{PACKAGE}.plain"])  # not ours: nothing more
    assert f"{PACKAGE}.plain" not in sys.modules
    fastload.preload([f"{PACKAGE}.absent.inner", f"{PACKAGE}.plain"])  # no parent: nothing more
    assert f"{PACKAGE}.plain" not in sys.modules


def test_preload_leaves_to_the_import_system_what_it_is_not_sure_of(finder: tuple[fastload.Finder, Path]) -> None:
    """A module another finder before this one claims, and one that fails to load, end it:
    the one that failed is not left in sys.modules, and its import raises as ever."""
    _, folder = finder
    (folder / "broken.py").write_text("raise ValueError('broken on purpose')\n")
    py_compile.compile(str(folder / "broken.py"), doraise=True)
    _fresh(PACKAGE)
    fastload.preload([f"{PACKAGE}.broken", f"{PACKAGE}.plain"])
    assert f"{PACKAGE}.broken" not in sys.modules and f"{PACKAGE}.plain" not in sys.modules
    with pytest.raises(ValueError, match="broken on purpose"):
        importlib.import_module(f"{PACKAGE}.broken")

    class Claims:
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
            return PathFinder.find_spec(name, path) if name == f"{PACKAGE}.plain" else None

    claims = Claims()
    sys.meta_path.insert(0, claims)
    try:
        fastload.preload([f"{PACKAGE}.plain"])
        assert f"{PACKAGE}.plain" not in sys.modules
        assert type(importlib.import_module(f"{PACKAGE}.plain").__loader__) is not fastload._Loader  # its finder's
    finally:
        sys.meta_path.remove(claims)
