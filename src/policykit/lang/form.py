"""The parsed form of an expression: plain data (tuples, strings, numbers), made once from
Python's syntax tree (:func:`policykit.lang.syntax.parse_form`) and read by the one compiler
of the language (:mod:`policykit.lang.closures`).  The compile cache keeps it, so a cached
run builds an expression's exact form without parsing its text (nor importing ``ast``).

Each node is a tuple whose first item names its kind:

- ``("const", value)``: a literal, as written (the compiler refuses what is not allowed);
- ``("name", parts)``: a name or a dotted name, its parts as the parser gave them (a
  keyword part with its suffix, :data:`~policykit.lang.syntax.KW_SUFFIX`), the first
  first; ``()`` for an attribute of anything but a name (``f(x).y``);
- ``("list", items)``: a list or a tuple;
- ``("and", parts)``, ``("or", parts)``;
- ``("unary", op, operand)``, ``("binop", op, left, right)``: ``op`` the name of
  Python's operator node (``"Not"``, ``"USub"``, ``"Add"``, ``"Sub"``...);
- ``("compare", ops, operands)``: ``ops`` the names of the comparison nodes (``"Eq"``,
  ``"In"``...), one fewer than the operands;
- ``("if", test, body, orelse)``;
- ``("call", function, args, keywords)``: ``function`` the called name, or a refused
  node (a method, a lambda...); ``keywords`` whether any keyword argument was given;
- ``("bad", code, message)``: syntax the language refuses, refused where the compiler
  reaches it, so that the first problem is named as it always was.

A form read back from the cache passes :func:`checked_form` first.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Container, Iterator, Mapping
    from typing import Any

    from policykit.lang.functions import Function

MAX_SOURCE = 2000
MAX_DEPTH = 40
MAX_STRING = 500
MAX_INT = 10**9
CONSTANT_NAMES = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}
KW_SUFFIX = "_kw_"

COMPARISONS = frozenset(("Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "In", "NotIn"))
_UNARY = frozenset(("Not", "USub"))
_BINARY = frozenset(("Add", "Sub"))
PLAIN_TYPES = (type(None), bool, int, float, str)
"""The kinds of a literal the language allows."""


def dotted(parts: tuple[str, ...]) -> str:
    """The dotted name the parts of a name node spell (keyword suffixes dropped)."""
    return ".".join(p[: -len(KW_SUFFIX)] if p.endswith(KW_SUFFIX) else p for p in parts)


def name_of(node: Any) -> str | None:
    """``sale.ship_date`` for a name node, else None (as :func:`~policykit.lang.syntax.dotted_name`)."""
    if node[0] != "name" or not node[1]:
        return None
    return dotted(node[1])


def children(node: Any) -> tuple[Any, ...]:
    """The nodes directly under ``node``, in the order the parser's fields give them."""
    kind = node[0]
    if kind in ("list", "and", "or"):
        return tuple(node[1])
    if kind == "unary":
        return (node[2],)
    if kind == "binop":
        return (node[2], node[3])
    if kind == "compare":
        return tuple(node[2])
    if kind == "if":
        return (node[1], node[2], node[3])
    if kind == "call":
        return tuple(node[2]) if isinstance(node[1], str) else (node[1], *node[2])
    return ()


def walk(node: Any) -> Iterator[Any]:
    """Every node of a form, breadth first (the order of ``ast.walk``)."""
    todo = [node]
    while todo:
        current = todo.pop(0)
        todo.extend(children(current))
        yield current


class _Bad(Exception):
    pass


def checked_form(form: Any, names: Container[str], functions: Mapping[str, Function]) -> frozenset[str]:
    """The names a form read from the compile cache reads, once it is found to be a form the
    compiler makes of an accepted expression: tuples of the known kinds and sizes, plain
    literals within the language's bounds, names of the policy's (none starting with ``_``),
    the listed functions alone, the allowed operators, no refused node, no deeper than the
    compiler goes.  ValueError otherwise (the entry is not used)."""
    read: set[str] = set()
    try:
        _check(form, names, functions, read, 0)
    except (_Bad, TypeError, IndexError, RecursionError) as exc:
        raise ValueError(f"not a parsed form of a policy expression ({type(exc).__name__})") from None
    return frozenset(read)


def _check(node: Any, names: Container[str], functions: Mapping[str, Function], read: set[str], depth: int) -> None:
    if node.__class__ is not tuple or not node or depth > MAX_DEPTH + 1:  # (a name a function takes: one below)
        raise _Bad
    kind, size = node[0], len(node)
    if kind == "const" and size == 2:
        value = node[1]
        if value.__class__ not in PLAIN_TYPES or (
            value.__class__ in (int, float) and not abs(value) <= MAX_INT  # (NaN: no literal makes one)
        ):
            raise _Bad
        if value.__class__ is str and len(value) > MAX_STRING:
            raise _Bad
        return
    if kind == "name" and size == 2:
        read.update(_read(node[1], names))
        return
    below = depth + 1
    if kind in ("list", "and", "or") and size == 2 and node[1].__class__ is tuple:
        if kind != "list" and len(node[1]) < 2:
            raise _Bad
        for item in node[1]:
            _check(item, names, functions, read, below)
    elif kind == "unary" and size == 3 and node[1] in _UNARY:
        _check(node[2], names, functions, read, below)
    elif kind == "binop" and size == 4 and node[1] in _BINARY:
        _check(node[2], names, functions, read, below)
        _check(node[3], names, functions, read, below)
    elif kind == "compare" and size == 3 and node[1].__class__ is tuple and node[2].__class__ is tuple:
        ops, operands = node[1], node[2]
        if not ops or len(operands) != len(ops) + 1 or not all(op in COMPARISONS for op in ops):
            raise _Bad
        for operand in operands:
            _check(operand, names, functions, read, below)
    elif kind == "if" and size == 4:
        for part in node[1:]:
            _check(part, names, functions, read, below)
    elif kind == "call" and size == 4 and node[1].__class__ is str and node[2].__class__ is tuple:
        spec, args = functions.get(node[1]), node[2]
        if spec is None or node[3] is not False or not spec.min_args <= len(args) <= spec.max_args:
            raise _Bad
        if spec.takes_name and (args[0].__class__ is not tuple or args[0][:1] != ("name",)):
            raise _Bad
        for arg in args:
            _check(arg, names, functions, read, below)
    else:
        raise _Bad


def _read(parts: Any, names: Container[str]) -> tuple[str, ...]:
    """The name a name node reads (none for a constant): one of ``names``, else _Bad."""
    if parts.__class__ is not tuple or not parts:
        raise _Bad
    for part in parts:
        if part.__class__ is not str or not part or part.startswith("_"):
            raise _Bad
    name = parts[0] if len(parts) == 1 else dotted(parts)
    if name in CONSTANT_NAMES:
        return ()
    if name not in names or "._" in name:
        raise _Bad
    return (name,)
