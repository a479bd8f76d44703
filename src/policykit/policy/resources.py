"""Where the bundled policy, schemas and examples live: inside the installed package,
or at the top of a source checkout (editable installs and tests).

The ``..._folder`` functions give a path as a string (the path of ``evaluate FILE`` needs no
:mod:`pathlib`); the others give the same path as a :class:`~pathlib.Path`."""

from __future__ import annotations

import os

from policykit.memo import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the policykit package
_CHECKOUT = os.path.dirname(os.path.dirname(_PACKAGE))
POLICY_SUFFIXES = (".yaml", ".yml")


def data_folder(name: str) -> str:
    """``policies``, ``schemas`` or ``examples``: the packaged copy, else the checkout's."""
    packaged = os.path.join(_PACKAGE, "data", name)
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(_CHECKOUT, name)


def data_dir(name: str) -> Path:
    """:func:`data_folder` as a path."""
    from pathlib import Path

    return Path(data_folder(name))


DEFAULT_FILE = "standard_v1.yaml"


def default_policy() -> Path:
    return data_dir("policies") / DEFAULT_FILE


def is_policy_name(name: str) -> bool:
    """Whether a file named ``name`` (no folder) is a policy file: its suffix, as
    ``pathlib`` reads one, is ``.yaml`` or ``.yml`` (``..yaml`` is one, ``.yaml`` alone is
    not; ``os.path.splitext`` sees no extension in either)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in POLICY_SUFFIXES


def working_folder(start: str | None = None) -> str | None:
    """The ``policies/`` folder of the project around ``start`` (default: the current
    folder), found as git finds its root: the nearest folder, going up, that holds a
    ``policies/`` folder with a policy file in it.  None outside any project."""
    folder = os.path.realpath(start if start is not None else os.getcwd())
    while True:
        candidate = os.path.join(folder, "policies")
        if os.path.isdir(candidate) and any(is_policy_name(name) for name in os.listdir(candidate)):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def working_copy(start: Path | None = None) -> Path | None:
    """:func:`working_folder` as a path."""
    from pathlib import Path

    found = working_folder(None if start is None else str(start))
    return Path(found) if found is not None else None


def policies_folder() -> str:
    """The policy set the commands use: the working copy's, else the bundled one."""
    return working_folder() or data_folder("policies")


def policies_dir() -> Path:
    """:func:`policies_folder` as a path."""
    from pathlib import Path

    return Path(policies_folder())


def command_policy() -> Path:
    """The policy file the commands use when given none: the working copy's standard (its
    bundled file name, else its first policy file), else the bundled standard."""
    folder = working_copy()
    if folder is None:
        return default_policy()
    if (folder / DEFAULT_FILE).is_file():
        return folder / DEFAULT_FILE
    return sorted(p for p in folder.iterdir() if p.suffix in POLICY_SUFFIXES and p.is_file())[0]


def shown(path: str | Path) -> str:
    """A path as a person reads it: relative to the current folder when it is below it."""
    from pathlib import Path

    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON document from ``schemas/`` (parsed once per process)."""
    import json

    with open(os.path.join(data_folder("schemas"), name), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded
