"""The generated reader as data, kept in the compile cache beside the policy it reads for:
its text, the texts of its section functions, and how to make each global it names
(``_cN``) again.  A cold ``policykit evaluate FILE`` then neither imports the generator
nor runs it (about 2 ms of a one-case run); it compiles the text, as a run that generates
it does.

The cache must not be a way to run code: a text read back is compiled and its code is
checked (:func:`plain_reader_code`) before it runs, each section's on its first call, and
the globals are made here from recipes of plain data (a set of texts, a pattern, a list
fact's item kinds, the facts as a case leaves them out: worked out from the policy again),
never taken from the cache as objects.  What fails the check is not run: the reader is
generated afresh (a section that fails gives its case to the exact reader).
"""

from __future__ import annotations

import re
import types
from datetime import date

from policykit.engine.case_reader.runtime import ABSENT, JSON_CLASSES, lazy_section, list_reader, whole
from policykit.lang.dates import parse_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NamedTuple

    from policykit.policy.model import Policy
else:
    from policykit.records import NamedTuple

FORMAT = 1
"""The form of a kept reader: a change to what the generator writes, or to a recipe, is a
new number (an entry is named by the tool's version too)."""

PART = "case_reader"
"""The name of the kept reader in a cache entry's ``kept`` parts."""

ATTRIBUTES = frozenset({"__class__", "get", "copy", "issuperset"})
"""The attributes the generated code reads, and the only ones a kept text may read."""


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
        for s in sections:
            if not (isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], str)):
                return None
            pairs.append((s[0], s[1]))
        named: list[tuple[str, tuple[Any, ...]]] = []
        for c in consts:
            if not (isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and isinstance(c[1], list)):
                return None
            named.append((c[0], tuple(c[1])))
        return cls(data["text"], tuple(pairs), tuple(named))


_PLAIN = {"dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool, "len": len}


def reader_names(
    kept: Kept, missing: dict[str, Any], finish: dict[str, Any], check: Callable[[Any], bool] | None = None
) -> dict[str, Any]:
    """The globals of a reader's code: the helpers, each ``_cN`` made from its recipe
    (``missing``: the facts as a case that gives none leaves them), ``finish``'s names and
    a stub of each section (``check``: what its code must pass before it runs)."""
    names: dict[str, Any] = {"__builtins__": {}, **_PLAIN, "_A": ABSENT, "_JSON": JSON_CLASSES, "_whole": whole}
    names.update({"_E": Exception, "_date": parse_date, "_day": date.fromisoformat})
    for name, recipe in kept.consts:
        names[name] = made(recipe, missing)
    names.update(finish)
    for name, section in kept.sections:
        names[name] = lazy_section(name, section, names, check)
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


_CONSTANTS = (str, int, float, bool, bytes, type(None))
_FLAGS = 0x20 | 0x80 | 0x100 | 0x200  # generator, coroutine, iterable coroutine, async generator


def plain_reader_code(code: Any, names: dict[str, Any]) -> bool:
    """Whether ``code`` is what the generator writes: functions that name nothing but the
    reader's globals (``names``), the functions it defines (``_read``, ``_pN``, ``_sN``)
    and :data:`ATTRIBUTES`, and that hold only plain constants."""
    if not isinstance(code, types.CodeType):
        return False
    for name in code.co_names:
        if not (name in ATTRIBUTES or (name in names and not name.startswith("__")) or _defined(name)):
            return False
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if not plain_reader_code(const, names):
                return False
        elif isinstance(const, (tuple, frozenset)):
            if not all(isinstance(c, _CONSTANTS) for c in const):
                return False
        elif not isinstance(const, _CONSTANTS):
            return False
    return not (code.co_flags & _FLAGS or code.co_freevars or code.co_cellvars)


def _defined(name: str) -> bool:
    """A name of a function the generated text defines."""
    return name == "_read" or (name[:2] in ("_p", "_s") and name[2:].isdigit())


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
