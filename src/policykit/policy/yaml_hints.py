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
    return ""
