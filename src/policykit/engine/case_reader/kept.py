"""The generated reader as data, kept in the compile cache beside the policy it reads for:
its text, the texts of its section functions, and how to make each global it names
(``_cN``) again.  A cold ``policykit evaluate FILE`` then neither imports the generator
nor runs it (about 2 ms of a one-case run); it compiles the text, as a run that generates
it does.

The cache must not be a way to run code: a text read back is checked (its syntax tree,
then its code: :mod:`~policykit.engine.case_reader.vet`) before it runs, each section's on
its first call, and
the globals are made here from recipes of plain data (a set of texts, a pattern, a list
fact's item kinds, the facts as a case leaves them out: worked out from the policy again),
never taken from the cache as objects.  What fails the check is not run: the reader is
generated afresh (a section that fails gives its case to the exact reader).
"""

from __future__ import annotations

import re
from datetime import date

from policykit.engine.case_reader.runtime import ABSENT, JSON_CLASSES, lazy_section, list_reader, whole
from policykit.engine.case_reader.vet import const_name, vetted
from policykit.lang.dates import parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    from policykit.policy.model import Policy
else:
    from policykit.records import NamedTuple

FORMAT = 1
"""The form of a kept reader: a change to what the generator writes, or to a recipe, is a
new number (an entry is named by the tool's version too; a digest of the generator's
output beside each number, ``tests/engine/test_case_reader_digest.py``, fails until it is)."""

PART = "case_reader"
"""The name of the kept reader in a cache entry's ``kept`` parts."""


class FactSpec(NamedTuple):
    """How one fact is read: its dotted name, kind, item kinds (a list's) and its value when
    the case does not give it (the default, or unknown)."""

    name: str
    kind: str
    item: tuple[tuple[str, str], ...]
    missing: Any


class Finish(NamedTuple):
    """What the reader does with the facts of a plainly good case, in place of giving
    ``(facts, bits)``: lines of its body (``_facts``, ``_m`` and ``d`` bound; an exception
    raised is a None given) and the globals they name."""

    lines: tuple[str, ...]
    names: dict[str, Any]


class Kept(NamedTuple):
    """A generated reader as data: the text of ``_read`` and its predicates, each section
    function's name and text, and each global's name and recipe."""

    text: str
    sections: tuple[tuple[str, str], ...]
    consts: tuple[tuple[str, tuple[Any, ...]], ...]

    def data(self) -> dict[str, Any]:
        """The form the cache keeps (marshal's data)."""
        return {
            "format": FORMAT,
            "text": self.text,
            "sections": [list(s) for s in self.sections],
            "consts": [[n, list(r)] for n, r in self.consts],
        }

    @classmethod
    def of(cls, data: Any) -> Kept | None:
        """The kept reader of ``data`` (:meth:`data`), or None where it is not of that shape."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("text"), str):
            return None
        sections, consts = data.get("sections"), data.get("consts")
        if not isinstance(sections, list) or not isinstance(consts, list):
            return None
        pairs: list[tuple[str, str]] = []
        for s in sections:  # each named as the generator names them (``_sN``), the text a text
            if not (isinstance(s, list) and len(s) == 2 and _numbered(s[0], "_s") and isinstance(s[1], str)):
                return None
            pairs.append((s[0], s[1]))
        named: list[tuple[str, tuple[Any, ...]]] = []
        for c in consts:  # each a ``_cN``: never a name of the engine's (``__builtins__``, ``dict``)
            if not (isinstance(c, list) and len(c) == 2 and _numbered(c[0], "_c") and isinstance(c[1], list)):
                return None
            named.append((c[0], tuple(c[1])))
        if len({n for n, _ in pairs}) != len(pairs) or len({n for n, _ in named}) != len(named):
            return None
        return cls(data["text"], tuple(pairs), tuple(named))


def _numbered(name: Any, prefix: str) -> bool:
    return isinstance(name, str) and name[:2] == prefix and const_name("_c" + name[2:])


_PLAIN = {"dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool, "len": len}


def reader_names(kept: Kept, missing: dict[str, Any], finish: dict[str, Any], checked: bool = False) -> dict[str, Any]:
    """The globals of a reader's code: the helpers, each ``_cN`` made from its recipe
    (``missing``: the facts as a case that gives none leaves them), ``finish``'s names and
    a stub of each section (``checked``: its text must pass :func:`~.vet.vetted` before it
    is compiled and run: a text read back from the cache)."""
    names: dict[str, Any] = {"__builtins__": {}, **_PLAIN, "_A": ABSENT, "_JSON": JSON_CLASSES, "_whole": whole}
    names.update({"_E": Exception, "_date": parse_date, "_day": date.fromisoformat})
    for name, recipe in kept.consts:
        names[name] = made(recipe, missing)
    names.update(finish)
    for name, section in kept.sections:
        names[name] = lazy_section(name, section, names, vetted if checked else None)
    return names


def made(recipe: tuple[Any, ...], missing: dict[str, Any]) -> Any:
    """The global a recipe describes; ValueError for one that is not a recipe."""
    kind = recipe[0] if recipe else None
    if kind == "set" and len(recipe) == 2 and isinstance(recipe[1], (list, tuple)):
        return frozenset(recipe[1])
    if kind in ("fullmatch", "search") and len(recipe) == 2 and isinstance(recipe[1], str):
        pattern = re.compile(recipe[1])
        return pattern.fullmatch if kind == "fullmatch" else pattern.search
    if kind == "list" and len(recipe) == 2 and isinstance(recipe[1], (list, tuple)):
        return list_reader({str(k): str(v) for k, v in recipe[1]})
    if kind == "missing" and len(recipe) == 1:
        return missing
    raise ValueError(f"not a recipe: {recipe!r}")


def stored(policy: Policy) -> Kept | None:
    """The reader kept for ``policy`` in its compile cache entry, if any."""
    found = policy.memo.get("cache")
    if not isinstance(found, tuple) or len(found) != 2 or not isinstance(found[1], dict):
        return None
    return Kept.of(found[1].get(PART))


def keep(policy: Policy, kept: Kept) -> None:
    """Keep ``kept`` in ``policy``'s compile cache entry (where it has one)."""
    found = policy.memo.get("cache")
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str):
        from policykit.policy import cache

        cache.add(found[0], PART, kept.data())
