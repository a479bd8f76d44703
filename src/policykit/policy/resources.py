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


def default_policy() -> Path:
    return data_dir("policies") / "standard_v1.yaml"


@cache
def schema(name: str) -> dict[str, Any]:
    """A bundled JSON document from ``schemas/`` (parsed once per process)."""
    with open(data_dir("schemas") / name, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded
