"""policykit's own words: the fixed texts of the output that belong to no standard
(weekdays, headings of ``--explain``, the connectives of a condition in words, a case's
problems).  :meth:`Policy.message` falls back to them; a policy's ``messages:`` of the same
key take precedence."""

from __future__ import annotations

import os

from policykit.memo import cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FILE = os.path.join(os.path.dirname(__file__), "catalogue.yaml")


@cache
def catalogue() -> dict[str, tuple[tuple[str, str], ...]]:
    """Key -> (language, text) pairs, read once: from the compile cache (by the file's
    SHA-256) when it has them, so that a cold run does not import PyYAML; else parsed
    with libyaml's safe loader where PyYAML has it (the pure-Python one costs a cold run
    tens of milliseconds) and kept there."""
    from policykit.policy import cache as compile_cache

    with open(_FILE, "rb") as handle:
        raw = handle.read()
    key = compile_cache.key_of(b"catalogue\0" + raw)
    entry = compile_cache.read(key)
    texts = entry.get("texts") if entry is not None else None
    if isinstance(texts, dict):
        return texts
    texts = _parse(raw)
    compile_cache.write(key, {"texts": texts})
    return texts


def _parse(raw: bytes) -> dict[str, tuple[tuple[str, str], ...]]:
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw.decode("utf-8"), Loader=loader)
    return {str(key): tuple((str(k), str(v)) for k, v in texts.items()) for key, texts in data.items()}
