"""A way out of a refused expression: the usual slips from other languages, named with
the form the policy language uses (``=`` for ``==``, ``&&`` for ``and``...)."""

from __future__ import annotations

from policykit.lang.form import name_of, walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Container, Iterator, Sequence
    from typing import Any

_NULL_SPELLINGS = ("nil", "NULL", "Null", "undefined", "none", "nullptr")  # null in other languages

# (pattern, hint); compiled on the first refused expression, not on every start
_HINT_PATTERNS = (
    (r"(?<![=!<>])=(?!=)", "to compare, write == (a single = assigns)"),
    (r"&&", "write and instead of &&"),
    (r"\|\|", "write or instead of ||"),
    (r"!(?!=)", "write not x instead of !x"),
    (r"\bis\s+not\b", "write != instead of is not"),
    (r"\bis\b(?!\s+not\b)", "write == instead of is"),
    (r"\b(" + "|".join(_NULL_SPELLINGS) + r")\b", "null is written null; write is_known(x) to test that x is known"),
)


def _hints() -> tuple[tuple[Any, str], ...]:
    """The patterns compiled (then found in re's own cache): only a refused expression loads :mod:`re`."""
    import re

    return tuple((re.compile(pattern), text) for pattern, text in _HINT_PATTERNS)


def hint(source: str) -> str:
    """``": hint; hint"`` for the slips in ``source``, or an empty string."""
    found = [text for pattern, text in _hints() if pattern.search(_without_strings(source))]
    return f" (hint: {'; '.join(found)})" if found else ""


_NULL_NAMES = ("null", "None")
_NOT_KNOWN = "write not is_known({x}) to test that {x} is not known, or {x} == null for a value that does not apply"
_KNOWN = "write is_known({x}) to test that {x} is known, or {x} != null for a value that applies"


def _is_null(node: Any) -> bool:
    """Whether a node of a parsed form (:mod:`policykit.lang.form`) is null as written."""
    return (node[0] == "const" and node[1] is None) or (
        node[0] == "name" and len(node[1]) == 1 and node[1][0] in _NULL_NAMES
    )


def _null_pairs(form: Any) -> Iterator[tuple[str, str]]:
    """(operator, name) of each comparison of a name with null in a parsed form."""
    for node in walk(form):
        if node[0] != "compare":
            continue
        operands = node[2]
        for op, left, right in zip(node[1], operands, operands[1:], strict=False):
            for side, other in ((left, right), (right, left)):
                name = name_of(side)
                if name is not None and name not in _NULL_NAMES and _is_null(other):
                    yield op, name


def is_null_hint(op: str, left: Any, right: Any) -> str:
    """The way out of ``x is None`` / ``x is not null`` (``is`` is refused), or ""; ``op``
    the comparison's name, ``left`` and ``right`` nodes of a parsed form."""
    for side, other in ((left, right), (right, left)):
        name = name_of(side)
        if name is not None and _is_null(other):
            return " (hint: " + (_KNOWN if op == "IsNot" else _NOT_KNOWN).format(x=name) + ")"
    return ""


def null_comparisons(form: Any, facts: Container[str]) -> Iterator[str]:
    """A message for each comparison of a fact with null in a parsed form: a fact the case
    leaves out is unknown (or takes its default), never null, so ``fact == null`` never
    holds and ``fact != null`` only asks for the fact."""
    for op, name in _null_pairs(form):
        if name not in facts:
            continue  # a derived value or a decision is null when it does not apply
        if op == "Eq":
            yield (
                f"'{name} == null' never holds: a fact the case leaves out is unknown, not null "
                f"(hint: write not is_known({name}) to test that it is not known)"
            )
        elif op == "NotEq":
            yield (
                f"'{name} != null' does not test whether the case gives {name}: a fact the case leaves out "
                f"is unknown, not null (hint: write is_known({name}))"
            )


def name_hint(name: str) -> str:
    """The way out of an unknown name that means null in another language (nil, NULL...), or ""."""
    if name in _NULL_SPELLINGS:
        return " (hint: null is written null; " + _NOT_KNOWN.format(x="x") + ")"
    return ""


def _without_strings(source: str) -> str:
    import re

    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", source)


def spelled_at(source: str, spellings: tuple[str, ...]) -> int | None:
    """Where ``source`` first writes one of ``spellings`` (a name, found outside the string
    literals; a literal, with its quotes, found as written), or None."""
    if not spellings:
        return None
    import re

    def blank(literal: Any) -> str:
        text: str = literal.group()
        return text[0] + " " * (len(text) - 2) + text[-1]

    names = re.sub(r"'[^']*'|\"[^\"]*\"", blank, source)  # the same length, the literals blanked
    found = []
    for spelling in spellings:
        at = re.search(r"(?<![\w.])" + re.escape(spelling) + r"(?![\w])", source if spelling[:1] in "'\"" else names)
        if at is not None:
            found.append(at.start())
    return min(found) if found else None


def quote(text: str, limit: int = 60) -> str:
    """A short, printable quotation of ``text`` for a message (control characters escaped)."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return "'" + "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in short) + "'"


def closest(name: str, candidates: Sequence[str]) -> str | None:
    """The one of ``candidates`` that ``name`` most likely misspells, or None."""
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, candidates: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the closest of ``candidates``, or ""."""
    close = closest(name, candidates)
    return f"; did you mean '{close}'?" if close is not None else ""


def suggest_version(wanted: str, versions: Sequence[str]) -> str:
    """:func:`suggest` for a version: one written short (``1.0``, as YAML reads ``1.0.0``
    cut short) means the first of ``versions`` it begins, before any spelled alike."""
    started = [v for v in versions if v.startswith(wanted + ".")]
    return f"; did you mean '{started[0]}'?" if started else suggest(wanted, versions)
