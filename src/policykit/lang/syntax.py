"""The syntax of an expression: its tree (a dotted name may have Python keywords as
parts, ``return.decision``), the dotted name a node spells, and the tree as its parsed
form (:mod:`policykit.lang.form`), the plain data the compiler reads.

``ast`` is imported when an expression is first parsed: a run whose policy comes from the
compile cache parses none (it has their parsed forms)."""

from __future__ import annotations

from policykit.lang.form import KW_SUFFIX, MAX_DEPTH

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    import re
    from typing import Any

# a name by a dot (spaces or a line continuation between): only where one is a keyword does
# _protect_keywords change anything (after a dot, a keyword is a whole name only if no letter,
# digit or _ follows: ``service.in_year`` has none).  A name before a dot is matched without
# the dot, which may start the next match; it starts where its run of letters does (one
# starting inside the run would end where that one ends: the search does not try each).
# (One pattern of every keyword costs 0.5 ms to compile at every start; this one a tenth.)
_NAME_BY_DOT = r"\.[\s\\]*([A-Za-z_]+)(?![A-Za-z0-9_])|(?<![A-Za-z_])([A-Za-z_]+)(?=[\s\\]*\.)"
_PATTERN: list[re.Pattern[str]] = []  # compiled on the first parse


def _keyword_by_dot(source: str) -> bool:
    """Whether a keyword may stand next to a dot in ``source`` (never False where one does).
    Before a dot, a keyword may end a run of letters: the tokenizer splits ``1jis`` into a
    number and ``is``."""
    import keyword

    if not _PATTERN:
        import re

        _PATTERN.append(re.compile(_NAME_BY_DOT))
    keywords = tuple(keyword.kwlist)
    for m in _PATTERN[0].finditer(source):
        after = m.group(1)
        if after is not None:
            if keyword.iskeyword(after):
                return True
            continue
        if m.group(2).endswith(keywords):  # (a keyword ends the run: one test of every suffix)
            return True
    return False


def parse_tree(source: str) -> ast.expr:
    """The expression's syntax tree (keyword parts of dotted names protected); raises SyntaxError."""
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(_protect_keywords(source.strip()), mode="eval").body


def dotted_name(node: ast.expr) -> str | None:
    """``sale.ship_date`` for a chain of plain names, else None."""
    import ast

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
    import keyword
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


# -- the parsed form -----------------------------------------------------------------------

_COMPREHENSION = ("comprehension", "comprehensions are not allowed; use where(), pluck() or between()")
_REFUSED = {
    "Lambda": ("lambda", "lambdas are not allowed"),
    "ListComp": _COMPREHENSION,
    "SetComp": _COMPREHENSION,
    "DictComp": _COMPREHENSION,
    "GeneratorExp": _COMPREHENSION,
    "NamedExpr": ("syntax-not-allowed", "assignment expressions are not allowed"),
    "Subscript": ("syntax-not-allowed", "indexing is not allowed; use get(item, field)"),
    "Dict": ("syntax-not-allowed", "dict literals are not allowed"),
    "Set": ("syntax-not-allowed", "set literals are not allowed"),
    "JoinedStr": ("syntax-not-allowed", "f-strings are not allowed"),
    "Await": ("syntax-not-allowed", "await is not allowed"),
    "Starred": ("syntax-not-allowed", "starred arguments are not allowed"),
}
_DEEP = ("bad", "too-deep", f"expression nests more than {MAX_DEPTH} levels")


def parse_form(source: str) -> tuple[Any, ast.expr]:
    """The parsed form of ``source`` and its syntax tree; raises SyntaxError (and what
    ``ast.parse`` raises on a pathological text)."""
    tree = parse_tree(source)
    return form_of(tree), tree


def form_of(node: ast.AST, depth: int = 0) -> Any:
    """The parsed form of a syntax tree (see :mod:`policykit.lang.form`).  What the language
    refuses becomes a refused node where it stands.  Two levels below the compiler's depth
    (where it looks at a comparison's list of values without compiling them), nothing is
    looked at: it stops above."""
    import ast

    if depth > MAX_DEPTH + 2:
        return _DEEP
    kind = type(node).__name__
    refused = _REFUSED.get(kind)
    if refused is not None:
        return ("bad", *refused)
    below = depth + 1
    if isinstance(node, ast.Constant):
        return ("const", node.value)
    if isinstance(node, (ast.Name, ast.Attribute)):
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        return ("name", (node.id, *reversed(parts)) if isinstance(node, ast.Name) else ())
    if isinstance(node, (ast.List, ast.Tuple)):
        return ("list", tuple(form_of(item, below) for item in node.elts))
    if isinstance(node, ast.BoolOp):
        return ("and" if isinstance(node.op, ast.And) else "or", tuple(form_of(v, below) for v in node.values))
    if isinstance(node, ast.UnaryOp):
        return ("unary", type(node.op).__name__, form_of(node.operand, below))
    if isinstance(node, ast.BinOp):
        return ("binop", type(node.op).__name__, form_of(node.left, below), form_of(node.right, below))
    if isinstance(node, ast.Compare):
        operands = tuple(form_of(n, below) for n in (node.left, *node.comparators))
        return ("compare", tuple(type(op).__name__ for op in node.ops), operands)
    if isinstance(node, ast.IfExp):
        return ("if", form_of(node.test, below), form_of(node.body, below), form_of(node.orelse, below))
    if isinstance(node, ast.Call):
        return ("call", _function(node.func), tuple(form_of(a, below) for a in node.args), bool(node.keywords))
    return ("bad", "syntax-not-allowed", f"{kind} is not allowed in a policy expression")


def _function(node: ast.expr) -> Any:
    """The called name, or the refused node of what else is called."""
    import ast

    if isinstance(node, ast.Lambda):
        return ("bad", "lambda", "lambdas are not allowed")
    if isinstance(node, ast.Attribute):
        return ("bad", "attribute-access", "method calls are not allowed; call a listed function")
    if not isinstance(node, ast.Name):
        return ("bad", "function-not-allowed", "only listed functions may be called")
    return node.id
