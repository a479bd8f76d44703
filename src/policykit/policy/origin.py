"""How every output names the policy file it used: a working copy's file by its path from
the project root (``policies/standard_v1.yaml``), the standard bundled with policykit as
``bundled:standard_v1.yaml``, any other file by its path as a person reads it."""

from __future__ import annotations

import os

from policykit.memo import lru_cache
from policykit.policy.resources import data_folder, shown, working_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

BUNDLED = "bundled:"


def origin(file: str | Path) -> str:
    """The name of a policy file for an output (see the module's docstring); worked out
    once per file and current folder (a batch names its policy on every line)."""
    try:
        here = os.getcwd()
    except OSError:
        here = ""
    return _origin(str(file), here)


@lru_cache(maxsize=64)
def _origin(file: str, here: str) -> str:
    """:func:`origin` of ``file`` run in the folder ``here``.

    Inside a project (a folder with ``policies/``, found as git finds its root), a file
    of the project is named from its root; a file of the bundled set is ``bundled:NAME``
    (an editable install's bundled set is the checkout's ``policies/``: named from the
    root when the command runs in that checkout)."""
    try:
        resolved = os.path.realpath(file)
    except (OSError, ValueError):
        return str(file)
    folder = working_folder()
    root = os.path.dirname(folder) if folder is not None else None
    bundled = os.path.realpath(data_folder("policies"))
    # the project's own policies/ first (an editable install's bundled set is that folder);
    # then the bundled set, even where it lies inside the project (a .venv in the checkout)
    if folder is not None and root is not None and _below(resolved, os.path.realpath(folder)):
        return _relative(resolved, root)
    if _below(resolved, bundled):
        return BUNDLED + _relative(resolved, bundled)
    if root is not None and _below(resolved, root):
        return _relative(resolved, root)
    from pathlib import Path  # a file outside the project and the bundled set: rare

    return shown(Path(file))


def _below(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies in it (both absolute and resolved)."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def _relative(path: str, folder: str) -> str:
    """``path`` from ``folder`` (which holds it), with forward slashes."""
    return os.path.relpath(path, folder).replace(os.sep, "/")


def is_bundled(name: str) -> bool:
    return name.startswith(BUNDLED)
