"""A way out of a YAML syntax error: the usual cause, said in words."""

from __future__ import annotations

import re

# key: 'quoted' and then more  (the quote ends the value, the rest is a syntax error)
_QUOTED_THEN_MORE = re.compile(r"^\s*(?:-\s+)?[^:#'\"]+:\s+(['\"]).*?\1\s*[^\s#,}\]]")
_TAB = re.compile(r"^\t+")
# key: !x, &&, ||, *, >...  (a first character YAML reads as a tag, anchor, alias or block)
_INDICATOR = re.compile(r"^\s*(?:-\s+)?(?:[^:#'\"]+:\s+)?(?:-\s+)?([!&*|>%@`])(\S?)")
_INSTEAD = {"!": "not x instead of !x", "&&": "and instead of &&", "||": "or instead of ||"}


def yaml_hint(text: str, line: int) -> str:
    """A hint for the syntax error at ``line`` (1-based) of ``text``, or an empty string."""
    lines = text.splitlines()
    candidates = [lines[i] for i in (line - 1, line - 2) if 0 <= i < len(lines)]
    for source in candidates:
        if _QUOTED_THEN_MORE.match(source):
            return (
                " (hint: a value that starts with a quote ends at the closing quote; quote the whole "
                "expression, e.g. when: \"'lightning' in warranty.exclusions\")"
            )
        indicator = _INDICATOR.match(source)
        if indicator:
            char, after = indicator.groups()
            slip = _INSTEAD.get(char + after) or (_INSTEAD.get(char) if char == "!" and after != "!" else None)
            instead = f"; write {slip}" if slip else ""
            return f" (hint: a value that starts with {char} means something else in YAML{instead}; quote the value)"
        if _TAB.match(source):
            return " (hint: indent with spaces, not tabs)"
    for at in (line, line - 1):
        hint = _indent_hint(lines, at)
        if hint:
            return hint
    return ""


def _indent(source: str) -> int | None:
    """The indentation of a line with content (None for a blank or comment line)."""
    stripped = source.lstrip(" ")
    return None if not stripped or stripped.startswith("#") else len(source) - len(stripped)


def _indent_hint(lines: list[str], at: int) -> str:
    """Where line ``at`` (1-based) is indented to no level of the lines above it (a key one
    or two spaces off), or a key sits at the dash of a list item above: the levels it could mean."""
    if not 0 < at <= len(lines):
        return ""
    source = lines[at - 1]
    indent = _indent(source)
    if indent is None:
        return ""
    levels: list[tuple[int, int]] = []  # (indentation, line) of the previous line, then each enclosing one's
    for number in range(at - 1, 0, -1):
        above = _indent(lines[number - 1])
        if above is not None and (not levels or above < levels[-1][0]):
            levels.append((above, number))
            if above == 0:
                break
    if not levels or (indent > levels[0][0] and _opens(lines, at)):
        return ""  # the first line of a block the line before opens
    if any(indent in _item_columns(lines[number - 1], level) for level, number in levels):
        return ""  # a key (or list) of a list item ('- key: value' above)
    for level, number in levels:
        if level == indent:
            item = lines[number - 1].lstrip(" ")
            if item.startswith("- ") and not source.lstrip(" ").startswith("- ") and not _keyed(lines, number, level):
                return (
                    f" (hint: line {at} is indented as the list item '-' of line {number}; a key of that"
                    f" item is indented {level + 2} spaces)"
                )
            return ""
    shown = ", ".join(str(n) for n in sorted({n for n, _ in levels}, reverse=True))
    return (
        f" (hint: line {at} is indented {indent} spaces, but the lines above it are at {shown}:"
        " indent it as the key it belongs with)"
    )


def _keyed(lines: list[str], number: int, level: int) -> bool:
    """Whether the list whose item is line ``number`` (at column ``level``) is the value of
    a key at that same column (``key:`` then ``- item``): a key there is that key's sibling."""
    for source in reversed(lines[: number - 1]):
        above = _indent(source)
        if above is None or (above > level) or (above == level and source.lstrip(" ").startswith("- ")):
            continue
        return above == level
    return False


def _item_columns(source: str, at: int) -> tuple[int, ...]:
    """Where the content of the list item(s) of a line starting ``- `` at column ``at``
    begins (``- key: 1``: 2 further on; ``-   - 0``: 4 and 6)."""
    found = []
    while source.startswith("- ", at) or (source.endswith("-") and at == len(source) - 1):
        at += 1
        while at < len(source) and source[at] == " ":
            at += 1
        found.append(at)
    return tuple(found)


def _opens(lines: list[str], at: int) -> bool:
    """Whether the content line before line ``at`` opens a block or goes on below: a key
    with its value to come (``:``), a block text (``|``, ``>``) or a flow list or mapping
    left open (``[``, ``{``, ``,``)."""
    for source in reversed(lines[: at - 1]):
        if _indent(source) is not None:
            return source.split(" #")[0].rstrip().endswith((":", "|", "|-", "|+", ">", ">-", ">+", "[", "{", ","))
    return False
