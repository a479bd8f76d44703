"""The syntax of an expression: its tree (a dotted name may have Python keywords as
parts, ``return.decision``), and the dotted name a node spells."""

from __future__ import annotations

import ast
import keyword
import re
import warnings

KW_SUFFIX = "_kw_"


# a name by a dot (spaces or a line continuation between): only where one is a keyword does
# _protect_keywords change anything (after a dot, a keyword is a whole name only if no letter,
# digit or _ follows: ``service.in_year`` has none).  A name before a dot is matched without
# the dot, which may start the next match; it starts where its run of letters does (one
# starting inside the run would end where that one ends: the search does not try each).
# (One pattern of every keyword costs 0.5 ms to compile at every start; this one a tenth.)
_KEYWORDS = tuple(keyword.kwlist)
_NAME_BY_DOT = re.compile(r"\.[\s\\]*([A-Za-z_]+)(?![A-Za-z0-9_])|(?<![A-Za-z_])([A-Za-z_]+)(?=[\s\\]*\.)")


def _keyword_by_dot(source: str) -> bool:
    """Whether a keyword may stand next to a dot in ``source`` (never False where one does).
    Before a dot, a keyword may end a run of letters: the tokenizer splits ``1jis`` into a
    number and ``is``."""
    for m in _NAME_BY_DOT.finditer(source):
        after = m.group(1)
        if after is not None:
            if keyword.iskeyword(after):
                return True
            continue
        if m.group(2).endswith(_KEYWORDS):  # (a keyword ends the run: one test of every suffix)
            return True
    return False


def parse_tree(source: str) -> ast.expr:
    """The expression's syntax tree (keyword parts of dotted names protected); raises SyntaxError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(_protect_keywords(source.strip()), mode="eval").body


def dotted_name(node: ast.expr) -> str | None:
    """``sale.ship_date`` for a chain of plain names, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(p[: -len(KW_SUFFIX)] if p.endswith(KW_SUFFIX) else p for p in reversed(parts))


def _protect_keywords(source: str) -> str:
    """Let dotted names use Python keywords as parts (``return.decision``)."""
    if not _keyword_by_dot(source):
        return source  # no keyword next to a dot: nothing to tokenize (tokenize's first use costs milliseconds)
    import io
    import tokenize

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except tokenize.TokenError as exc:  # as a SyntaxError, with the tokenizer's words
        raise SyntaxError(str(exc.args[0])) from None
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.NAME and keyword.iskeyword(tok.string):
            before = tokens[i - 1].string if i else ""
            after = tokens[i + 1].string if i + 1 < len(tokens) else ""
            if before == "." or after == ".":
                tok = tok._replace(string=tok.string + KW_SUFFIX)
        out.append(tok)
    return str(tokenize.untokenize(out))
