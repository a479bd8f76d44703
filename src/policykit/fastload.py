"""The command's own modules loaded straight from their byte code.

A cold ``policykit evaluate`` imports some seventy of its modules.  For each, Python's
path finder and source loader run a few hundred lines of ``importlib`` written in Python
(the path entry's finder, the suffixes tried, the cache path worked out, the pyc header
taken apart): about a fifteenth of the instructions of a cold start.  :func:`install`
puts a finder on ``sys.meta_path``, just before Python's own finders, that serves the
submodules of one package: it finds the file as Python's finder would (a package's
``__init__.py`` before a module's ``name.py``), and its loader (a
:class:`~importlib.machinery.SourceFileLoader`, so ``get_source``, resources and ``runpy``
work as ever) execs the byte code Python cached for it when the cached file is one Python
itself would accept (the header it writes for that source: magic number, timestamp mode,
the source's modification time and size).  Anything else (no such file, a namespace
package, a stale or hash-based pyc, another cache layout or optimisation level) goes to
Python's own machinery, which compiles and caches as usual.

Installed by the command (``policykit.__main__``) only: a program that imports
policykit keeps the import system it had.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType
    from typing import Any

try:  # what importlib.machinery re-exports, without importing importlib's package
    from _frozen_importlib import BuiltinImporter, FrozenImporter, ModuleSpec
    from _frozen_importlib_external import MAGIC_NUMBER, PathFinder, SourceFileLoader
    from _imp import _fix_co_filename  # type: ignore[attr-defined]
    from _io import FileIO
    from _stat import S_ISREG
    from marshal import loads
    from posix import F_OK, access, stat

    _AVAILABLE = True
except ImportError:  # pragma: no cover - another interpreter, or not POSIX: Python's own import
    from importlib.machinery import SourceFileLoader

    _AVAILABLE = False

_CODE = type((lambda: 0).__code__)  # types.CodeType, without importing types
_Module = type(sys)  # types.ModuleType
_PYTHONS = (BuiltinImporter, FrozenImporter, PathFinder) if _AVAILABLE else ()


class _Loader(SourceFileLoader):
    """A source module's loader that execs its cached byte code when the cached file's
    header is the one Python writes for the source as it is now."""

    header: bytes  # what the cached file starts with when it is current
    cached: str

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        """The module Python would make, with ``__file__``, ``__cached__`` (and a package's
        ``__path__``) there already, as None: the import system asks a new module for each
        (``getattr`` with a default) before it sets it from the spec, and a module that
        lacks one words an AttributeError for it (some 1.4 M instructions of a cold
        ``policykit evaluate``).  Each is then set from the spec, as for any module: the
        module is the same, its attributes in the same order (``tests/test_fastload.py``)."""
        module = _Module(spec.name)
        kept = module.__dict__
        if spec.submodule_search_locations is not None:
            kept["__path__"] = None
        kept["__file__"] = kept["__cached__"] = None
        return module

    def exec_module(self, module: ModuleType) -> None:
        try:
            with FileIO(self.cached, "r") as handle:
                data = handle.readall()
        except OSError:
            data = b""
        if data[:16] != self.header:  # absent, stale, hash-based, another Python's
            super().exec_module(module)  # compiled from the source (and cached) as ever
            return
        code = loads(memoryview(data)[16:])
        if code.__class__ is not _CODE:  # as Python's loader words it
            raise ImportError(f"Non-code object in {self.cached!r}", name=self.name, path=self.cached)
        _fix_co_filename(code, self.path)  # as Python's loader does (a moved install)
        exec(code, module.__dict__)


class Finder:
    """A meta path finder for the submodules of the package ``prefix`` names (``"policykit."``).

    It finds what Python's path finder would, for a package without extension modules (as
    policykit is): a folder of the name with an ``__init__.py`` before a module's
    ``name.py``, each a regular file; a name that is not an identifier is left to Python.
    (On a file system that ignores case, a name written in another case would be served
    where Python refuses it: only policykit's own code imports these, by their names.)"""

    def __init__(self, prefix: str, tag: str) -> None:
        self.prefix, self.tag = prefix, tag

    def find_spec(self, name: str, path: Sequence[str] | None = None, target: Any = None) -> Any:
        if path is None or len(path) != 1 or not name.startswith(self.prefix):
            return None
        folder = path[0]
        tail = name.rpartition(".")[2]
        if not tail.isidentifier():
            return None
        inside: str | None = f"{folder}/{tail}"  # a package first, as Python's finder
        source = f"{inside}/__init__.py"
        try:
            if not access(source, F_OK):  # (no exception made for each module that is no package)
                inside, source = None, f"{folder}/{tail}.py"
            found = stat(source)
        except (OSError, ValueError):
            return None  # an extension, a namespace package, absent: Python's machinery decides
        if not S_ISREG(found.st_mode):
            return None
        if inside is not None:
            cached = f"{inside}/__pycache__/__init__.{self.tag}.pyc"
        else:
            cached = f"{folder}/__pycache__/{tail}.{self.tag}.pyc"
        loader = _Loader(name, source)
        loader.cached = cached
        loader.header = (
            MAGIC_NUMBER
            + b"\0\0\0\0"
            + (int(found.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
            + (found.st_size & 0xFFFFFFFF).to_bytes(4, "little")
        )
        spec = ModuleSpec(name, loader, origin=source, is_package=inside is not None)
        if inside is not None:
            spec.submodule_search_locations = [inside]
        spec.has_location = True
        spec.cached = cached
        # (what the import system sets while the module runs, there from the start: the
        # module's lookups of an attribute it lacks ask the spec for it, and find it)
        spec._initializing = False  # type: ignore[attr-defined]
        return spec


def install(package: str) -> bool:
    """Put a :class:`Finder` for ``package``'s submodules on ``sys.meta_path`` (once), just
    before Python's own finders, so that one put in front of them before (an import hook
    of a ``sitecustomize``) still comes first; False, and nothing done, where the byte
    code is not where or what it assumes."""
    tag = sys.implementation.cache_tag
    if not _AVAILABLE or tag is None or sys.pycache_prefix is not None or sys.flags.optimize or sys.platform == "win32":
        return False
    prefix = package + "."
    finders = sys.meta_path
    if any(isinstance(f, Finder) and f.prefix == prefix for f in finders):
        return True
    # before Python's own finders (no built-in or frozen module is one of the package's),
    # after any put in front of them before
    at = next((i for i, f in enumerate(finders) if f in _PYTHONS), len(finders))
    finders.insert(at, Finder(prefix, tag))
    return True


def preload(names: Sequence[str]) -> None:
    """Load the modules ``names`` (submodules of a package :func:`install` serves, each
    listed after the package's modules it imports) as the import system would load each
    on its first import, without the import system's work around it (``_find_and_load``:
    the module's lock made, taken and let go, every finder on ``sys.meta_path`` asked under
    the import lock; some 35 000 instructions a module, and a cold ``policykit evaluate``
    loads fifty).  Each module is found by the finders before this package's (as Python
    asks them) and by its :class:`Finder`, made and run by the import system's own
    ``_load_unlocked``, and set on its parent, as ``importlib._bootstrap`` does it.

    For one thread only (a command starting, before any other runs).  It stops, and
    leaves the rest to the import system, at the first module it is not sure of: one whose
    parent is not loaded, one another finder claims, one none finds, one that fails to
    load (removed from ``sys.modules`` again: its import raises where it is imported, as
    ever).  A module already loaded is skipped: the order only saves work (a module whose
    imports are not loaded yet imports them itself)."""
    if not _AVAILABLE:  # pragma: no cover - Python's own import
        return
    try:
        from _frozen_importlib import _load_unlocked  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - an interpreter whose import system differs
        return
    finders = sys.meta_path
    ours = next((f for f in finders if isinstance(f, Finder)), None)
    if ours is None:
        return
    before = finders[: finders.index(ours)]
    modules = sys.modules
    for name in names:
        if name in modules:
            continue
        parent_name, _, child = name.rpartition(".")
        parent = modules.get(parent_name)
        path = getattr(parent, "__path__", None)
        if parent is None or not (isinstance(path, list) and len(path) == 1) or not name.startswith(ours.prefix):
            return
        for finder in before:
            find = getattr(finder, "find_spec", None)
            if find is not None and find(name, path, None) is not None:
                return
        spec = ours.find_spec(name, path)
        if spec is None:
            return
        waiting = getattr(parent.__spec__, "_uninitialized_submodules", None)
        if waiting is not None:
            waiting.append(child)
        try:
            module = _load_unlocked(spec)
        except Exception:
            return
        finally:
            if waiting is not None:
                waiting.pop()
        setattr(parent, child, module)
