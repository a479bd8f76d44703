"""How every output names the policy file it used: a working copy's file by its path from
the project root (``policies/standard_v1.yaml``), the standard bundled with policykit as
``bundled:standard_v1.yaml``, any other file by its path as a person reads it."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from policykit.policy.resources import data_dir, shown, working_copy

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
    path = Path(file)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return str(file)
    folder = working_copy()
    root = folder.parent if folder is not None else None
    bundled = data_dir("policies").resolve()
    # the project's own policies/ first (an editable install's bundled set is that folder);
    # then the bundled set, even where it lies inside the project (a .venv in the checkout)
    if folder is not None and root is not None and resolved.is_relative_to(folder.resolve()):
        return resolved.relative_to(root).as_posix()
    if resolved.is_relative_to(bundled):
        return BUNDLED + resolved.relative_to(bundled).as_posix()
    if root is not None and resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return shown(path)


def is_bundled(name: str) -> bool:
    return name.startswith(BUNDLED)
