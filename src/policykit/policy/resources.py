"""Where the bundled policy, schemas and examples live: inside the installed package,
or at the top of a source checkout (editable installs and tests)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # the policykit package
_CHECKOUT = _PACKAGE.parent.parent


def data_dir(name: str) -> Path:
    """``policies``, ``schemas`` or ``examples``: the packaged copy, else the checkout's."""
    packaged = _PACKAGE / "data" / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name


DEFAULT_FILE = "standard_v1.yaml"


def default_policy() -> Path:
    return data_dir("policies") / DEFAULT_FILE


def working_copy(start: Path | None = None) -> Path | None:
    """The ``policies/`` folder of the project around ``start`` (default: the current
    folder), found as git finds its root: the nearest folder, going up, that holds a
    ``policies/`` folder with a policy file in it.  None outside any project."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "policies"
        if candidate.is_dir() and any(p.suffix in (".yaml", ".yml") for p in candidate.iterdir()):
            return candidate
    return None


def policies_dir() -> Path:
    """The policy set the commands use: the working copy's, else the bundled one."""
    return working_copy() or data_dir("policies")


def command_policy() -> Path:
    """The policy file the commands use when given none: the working copy's standard (its
    bundled file name, else its first policy file), else the bundled standard."""
    folder = working_copy()
    if folder is None:
        return default_policy()
    if (folder / DEFAULT_FILE).is_file():
        return folder / DEFAULT_FILE
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())[0]


def shown(path: str | Path) -> str:
    """A path as a person reads it: relative to the current folder when it is below it."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON document from ``schemas/`` (parsed once per process)."""
    with open(data_dir("schemas") / name, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded
