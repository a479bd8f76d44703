"""The generated reader as data: the text of ``_read`` and its predicates, the texts of its
section functions, and how to make each global it names (``_cN``) from a recipe of plain
data (a set of texts, a pattern, a list fact's item kinds, the facts as a case leaves them
out).  :mod:`~policykit.engine.case_reader.generate` writes it, and
:mod:`~policykit.engine.case_reader.reader` compiles it, in the process that generated it:
the compile cache keeps no reader (a text read back from it would have to be checked
before it ran, which costs about what generating it again does).
"""

from __future__ import annotations

from policykit.engine.case_reader.model import FactSpec as FactSpec
from policykit.engine.case_reader.runtime import ABSENT, JSON_CLASSES, Found, lazy_section, list_reader, whole
from policykit.lang.dates import date, parse_date
from policykit.policy.pattern_match import searcher
from policykit.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Finish(Frozen):
    """What the reader does with the facts of a plainly good case, in place of giving
    ``(facts, bits)``: lines of its body (``_facts``, ``_m`` and ``d`` bound; an exception
    raised is a None given) and the globals they name."""

    _FIELDS = _COMPARED = _SHOWN = ("lines", "names")

    lines: tuple[str, ...]
    names: dict[str, Any]

    def __init__(self, lines: tuple[str, ...], names: dict[str, Any]) -> None:
        kept = self.__dict__
        kept["lines"], kept["names"] = lines, names


class Generated(Frozen):
    """A generated reader as data: the text of ``_read`` and its predicates, each section
    function's name and text, and each global's name and recipe."""

    _FIELDS = _COMPARED = _SHOWN = ("text", "sections", "consts")

    text: str
    sections: tuple[tuple[str, str], ...]
    consts: tuple[tuple[str, tuple[Any, ...]], ...]

    def __init__(
        self, text: str, sections: tuple[tuple[str, str], ...], consts: tuple[tuple[str, tuple[Any, ...]], ...]
    ) -> None:
        kept = self.__dict__
        kept["text"], kept["sections"], kept["consts"] = text, sections, consts


_PLAIN = {"dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool, "len": len}


def reader_names(parts: Generated, missing: dict[str, Any], finish: dict[str, Any]) -> dict[str, Any]:
    """The globals of a reader's code: the helpers, each ``_cN`` made from its recipe
    (``missing``: the facts as a case that gives none leaves them), ``finish``'s names and
    a stub of each section (compiled on its first call)."""
    names: dict[str, Any] = {"__builtins__": {}, **_PLAIN, "_A": ABSENT, "_JSON": JSON_CLASSES, "_whole": whole}
    names.update({"_E": Exception, "_date": parse_date, "_day": date.fromisoformat})
    for name, recipe in parts.consts:
        names[name] = made(recipe, missing)
    names.update(finish)
    for name, section in parts.sections:
        names[name] = lazy_section(name, section, names)
    return names


def made(recipe: tuple[Any, ...], missing: dict[str, Any]) -> Any:
    """The global a recipe describes; ValueError for one that is not a recipe."""
    kind = recipe[0] if recipe else None
    if kind == "set" and len(recipe) == 2 and isinstance(recipe[1], (list, tuple)):
        return frozenset(recipe[1])
    if kind == "search" and len(recipe) == 2 and isinstance(recipe[1], str):
        return searcher(recipe[1])
    if kind == "search-kept" and len(recipe) == 2 and isinstance(recipe[1], str):
        return Found(searcher(recipe[1])).__getitem__  # (a text's answer kept: its texts repeat)
    if kind == "list" and len(recipe) == 2 and isinstance(recipe[1], (list, tuple)):
        return list_reader({str(k): str(v) for k, v in recipe[1]})
    if kind == "missing" and len(recipe) == 1:
        return missing
    raise ValueError(f"not a recipe: {recipe!r}")
