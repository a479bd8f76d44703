"""The check a reader text kept in the compile cache passes before any of it runs: even an
authentic entry (a stolen key, a writer's bug) runs nothing but what the generator
(:mod:`~policykit.engine.case_reader.generate`) writes.  Three layers, each enough alone
against what the others miss:

1. the text's syntax tree, node by node, has the shape of the generator's output
   (:func:`plain_reader_tree`): ``def`` statements only at the top, of the reader's own
   function names, with plain positional arguments; inside them only the statements and
   expressions the generator emits (no ``match``, ``lambda``, ``class``, ``import``,
   ``global``, ``while``, ``with``, decorators, defaults, comprehensions...), every
   attribute one of :data:`ATTRIBUTES`, every name a fixed global or a local of the
   generator's naming;
2. its code objects hold only the opcodes such code compiles to (:data:`OPCODES`: no
   ``MATCH_*``, no ``IMPORT_*``) and plain constants (:func:`plain_reader_code`);
3. the names its code reads are of a fixed set that no entry can widen.

The sets here are what ``generate.py`` can emit, and the tests hold them to it: the node
types and opcodes of its output over the bundled policy and any case format
(``tests/engine/test_case_reader_vet.py``).
"""

from __future__ import annotations

import _ast as ast  # the tree's classes, without the ast module's import (~0.7 ms of a cold run)
import sys
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

ATTRIBUTES = frozenset({"__class__", "get", "copy", "issuperset"})
"""The attributes the generated code reads, and the only ones a kept text may read."""

HELPERS = frozenset({"dict", "list", "str", "int", "float", "bool", "len", "_A", "_JSON", "_whole", "_E"})
HELPERS |= {"_date", "_day"}
"""The globals the generated code names besides the ``_cN`` made from recipes and the
finish's names: made by the engine, never by the entry."""

FINISH = frozenset({"_Case", "_new", "_given", "_given_of", "_checks"})
"""The globals the reader's finish lines name (:mod:`~policykit.engine.case_reader.reader`)."""

LOCALS = frozenset({"d", "v", "_m", "_facts", "_x", "_n", "_g", "_q", "_i"})
"""The local names the generated code binds (and the ``_vN`` of the fields it reads)."""

_STATEMENTS: tuple[type[ast.AST], ...] = (
    ast.If,
    ast.For,
    ast.Assign,
    ast.AugAssign,
    ast.Return,
    ast.Try,
    ast.ExceptHandler,
)
_EXPRESSIONS: tuple[type[ast.AST], ...] = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call, ast.Subscript, ast.Name)
_EXPRESSIONS += (ast.Constant, ast.Tuple, ast.IfExp, ast.Attribute)
_OPERATORS: tuple[type[ast.AST], ...] = (ast.And, ast.Or, ast.Not, ast.USub, ast.BitOr, ast.Is, ast.IsNot, ast.In)
_OPERATORS += (ast.NotIn, ast.Lt, ast.Gt, ast.LtE, ast.GtE)
NODES = frozenset(_STATEMENTS + _EXPRESSIONS + _OPERATORS)
"""The syntax a function of a kept text may hold below its ``def``: what the generator
emits (no loop but ``for``; no comprehension, lambda, ``match``, ``with``, import, ``del``,
``global``, ``yield``, f-string, slice, starred or keyword argument, nested ``def``)."""
_CONSTANTS = (str, int, float, bool, type(None))

_PROBE_SECTION = """\
def _s0(_v1, _facts):
    _m = 0
    for _v2 in _v1:
        if not (_v2 not in _c0 and 'a' in _v2): return None
    _x = _v1.get('a', _A) if _v1.__class__ is dict else None
    _facts['a'] = _x['b']
    _m |= 2
    return _m
"""
_PROBE = (
    """\
def _p0(v):
    if not (v.__class__ is dict or v is None or v is not None): return False
    if (v.__class__ is int or v.__class__ is float) and (v < -1 or v > 2.5 or v <= 0 or v >= 1): return False
    if v.__class__ is str and (len(v) > 3 or _c0(v) is None or not _c1.issuperset(v)): return False
    return True
def _p1(v):
    _x = not (v is None or v and v.get('a') or -v)
    _x = v and v
    for _v3 in v:
        if _v3 is None:
            for _v4 in _v3:
                if not (_v4.__class__ is str): return False
        if _v3 is not None: return False
    if v is None:
"""
    + "        _x = _c0(_c1, _c2, _c3, v)\n" * 24  # past 256 code units: EXTENDED_ARG
    + """\
    return True
def _read(d):
    if d.__class__ is not dict: return None
    try:
        _m = 1
        _facts = _c2.copy()
        return _new(_Case, (_facts, (), _m))
    except _E:
        return None
"""
)
"""A reader text and a section text of every statement and expression form the generator
writes, and of no other (each passes :func:`plain_reader_tree`): their code holds every
opcode those forms compile to (a jump past 256 code units: ``EXTENDED_ARG`` too)."""


def _opcodes(code: types.CodeType) -> set[int]:
    found = set(code.co_code[::2])
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _opcodes(const)
    return found


def probed() -> frozenset[int]:
    """The opcodes of the probes, as this Python numbers them."""
    found = _opcodes(compile(_PROBE, "<probe>", "exec", dont_inherit=True))
    return frozenset(found | _opcodes(compile(_PROBE_SECTION, "<probe>", "exec", dont_inherit=True)))


KNOWN = {(3, 11): "0001090b0c1923243c4453595a5d64666a6b6e6f70727374757677787a7c7d8081848c9097a0a6ab"}
""":func:`probed` as a Python version gives it, kept so that a cold run need not compile
the probes (~0.3 ms; a test holds the running version's to them)."""
_known = KNOWN.get((sys.version_info[0], sys.version_info[1]))
OPCODES = frozenset(bytes.fromhex(_known)) if _known is not None else probed()
"""The opcodes a kept reader's code may hold: those of the probes, in this Python's own
numbering (no ``MATCH_*``, ``IMPORT_*``, class, closure, ``with``, ``yield``, store of a
global or an attribute: the tests check them by name)."""
_ALLOWED_OPS = bytes(op in OPCODES for op in range(256))


def local_name(name: str) -> bool:
    return name in LOCALS or (name[:2] == "_v" and name[2:].isdigit() and name[2:].isascii())


def defined_name(name: str) -> bool:
    """A name of a function the generated text defines (``_read``, ``_pN``, ``_sN``)."""
    return name == "_read" or (name[:2] in ("_p", "_s") and name[2:].isdigit() and name[2:].isascii())


def const_name(name: str) -> bool:
    """A name of a global made from a recipe (``_cN``)."""
    return name[:2] == "_c" and name[2:].isdigit() and name[2:].isascii()


def global_name(name: str) -> bool:
    """A global a kept text may name: a fixed set and the generator's patterns, whatever the entry says."""
    return name in HELPERS or name in FINISH or const_name(name) or defined_name(name)


def plain_reader_tree(text: str, section: str | None = None) -> ast.Module | None:
    """The syntax tree of ``text`` if it has the shape of the generator's: the reader's
    ``_pN`` then ``_read`` (``section`` None), or the one function ``section``; else None."""
    try:
        found = compile(text, "<case reader>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if found.__class__ is not ast.Module:
        return None
    tree: ast.Module = found
    top: list[Any] = tree.body
    if not top or not all(f.__class__ is ast.FunctionDef and _function(f) for f in top):
        return None
    names = [f.name for f in top]
    if section is not None:
        return tree if names == [section] and section[:2] == "_s" else None
    if names[-1] != "_read" or any(n[:2] != "_p" for n in names[:-1]):
        return None
    return tree


def _function(f: ast.FunctionDef) -> bool:
    a = f.args
    if f.decorator_list or f.returns or f.type_comment or not defined_name(f.name):
        return False
    if a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults or a.kw_defaults:
        return False
    params = [p.arg for p in a.args]
    if any(p.annotation or p.type_comment for p in a.args) or not all(local_name(p) for p in params):
        return False
    if len(params) != (2 if f.name[:2] == "_s" else 1):
        return False
    stack: list[Any] = list(f.body)
    pop, push = stack.pop, stack.extend
    while stack:  # every node below the def: of an allowed class, and as the generator writes it
        n = pop()
        cls = n.__class__
        fields = _CHILDREN.get(cls)
        if fields is None:
            return False
        check = _CHECKS.get(cls)
        if check is not None and not check(n):
            return False
        for field in fields:
            child = getattr(n, field)
            if child.__class__ is list:
                push(child)
            elif child is not None:
                stack.append(child)
    return True


def _name(n: ast.Name) -> bool:
    if n.ctx.__class__ is ast.Store:
        return local_name(n.id)
    return n.ctx.__class__ is ast.Load and (local_name(n.id) or global_name(n.id))


def _handler(n: ast.ExceptHandler) -> bool:
    kind = n.type
    return n.name is None and kind.__class__ is ast.Name and kind.id == "_E"  # type: ignore[union-attr]


def _subscript(n: ast.Subscript) -> bool:
    key = n.slice
    return key.__class__ is ast.Constant and key.value.__class__ is str  # type: ignore[attr-defined]


_CHECKS: dict[type, Callable[[Any], bool]] = {
    ast.Name: _name,
    ast.Attribute: lambda n: n.attr in ATTRIBUTES and n.ctx.__class__ is ast.Load,
    ast.Constant: lambda n: n.value.__class__ in _CONSTANTS and n.kind is None,
    ast.Call: lambda n: not n.keywords,
    ast.Subscript: _subscript,
    ast.Try: lambda n: len(n.handlers) == 1 and not n.orelse and not n.finalbody,
    ast.For: lambda n: n.target.__class__ is ast.Name and not n.orelse and not n.type_comment,
    ast.Assign: lambda n: len(n.targets) == 1 and not n.type_comment,
    ast.AugAssign: lambda n: n.op.__class__ is ast.BitOr and n.target.__class__ is ast.Name,
    ast.ExceptHandler: _handler,
}
_SKIPPED = frozenset({"ctx", "type_comment", "kind", "name", "id", "attr"})
_CHILDREN: dict[type, tuple[str, ...]] = {
    cls: tuple(f for f in cls._fields if f not in _SKIPPED and not (cls is ast.Constant and f == "value"))
    for cls in NODES
}
"""The fields of each allowed class that hold nodes to walk."""


def plain_reader_code(code: Any, names: dict[str, Any]) -> bool:
    """Whether ``code`` is what the generator writes, code object by code object: only
    :data:`OPCODES`, plain constants, no closure or generator, and names of
    :data:`ATTRIBUTES`, the functions it defines and the globals in ``names`` of the fixed
    set (:func:`global_name`)."""
    if not isinstance(code, types.CodeType):
        return False
    for name in code.co_names:
        if not (name in ATTRIBUTES or defined_name(name) or (name in names and global_name(name))):
            return False
    if not all(_ALLOWED_OPS[op] for op in code.co_code[::2]):
        return False
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if not plain_reader_code(const, names):
                return False
        elif isinstance(const, tuple):
            if not all(c.__class__ in _CONSTANTS for c in const):
                return False
        elif const.__class__ not in _CONSTANTS:
            return False
    return not (code.co_flags & _FLAGS or code.co_freevars or code.co_cellvars)


_FLAGS = 0x20 | 0x80 | 0x100 | 0x200  # generator, coroutine, iterable coroutine, async generator


def vetted(text: str, names: dict[str, Any], section: str | None = None) -> types.CodeType | None:
    """The code of a kept ``text`` once it has passed every layer of the check, else None."""
    tree = plain_reader_tree(text, section)
    if tree is None:
        return None
    try:
        code = compile(tree, "<case reader>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return code if plain_reader_code(code, names) else None
