"""Comparisons that can never work, found when a policy is compiled: a name compared with a
literal of another kind (a day with a text or a number, a number or a yes/no with a text).

The language compares values as Python does, so ``sale.ship_date < '2027-01-01'`` compiles
and then fails on every case that reaches it, and ``sale.warranty_months == '12'`` never
holds.  Knowing the kind each name is declared with (a fact's ``type``, a value's, a
parameter's value), such a comparison is refused with the expression, not met on a case.
Only a name against a literal (or a list of literals, for ``in``) is judged: where either
side is worked out, or the kind is one this module does not know, nothing is said.
"""

from __future__ import annotations

from policykit.lang.form import name_of, walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

# for each declared kind, the kinds of literal it can be compared with (null: any); a
# yes/no and a number compare as Python compares them (true == 1), so they are let be
_NUMERIC = frozenset({"number", "yes/no"})
_COMPARABLE = {
    "date": frozenset(),
    "int": _NUMERIC,
    "number": _NUMERIC,
    "string": frozenset({"text"}),
    "enum": frozenset({"text"}),
    "bool": _NUMERIC,
}
_ORDERING = ("Lt", "LtE", "Gt", "GtE")
_MEMBERSHIP = ("In", "NotIn")
_DECLARED = {"date": "a day", "int": "a whole number", "number": "a number", "string": "a text", "enum": "a choice"}


def literal_kind(value: Any) -> str | None:
    """The kind of a literal as written: ``yes/no``, ``number``, ``text``; None for null or another."""
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return None


def parameter_kind(value: Any) -> str | None:
    """The declared kind of a parameter, from its value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def kind_mismatches(form: Any, kinds: Mapping[str, str]) -> Iterator[str]:
    """A message for each comparison in a parsed form of a name of a known kind with a
    literal it cannot be compared with."""
    for node in walk(form):
        if node[0] != "compare":
            continue
        operands = node[2]
        for op, left, right in zip(node[1], operands, operands[1:], strict=False):
            sides = ((left, right),) if op in _MEMBERSHIP else ((left, right), (right, left))
            for side, other in sides:
                name = name_of(side)
                kind = kinds.get(name) if name is not None else None
                comparable = _COMPARABLE.get(kind) if kind is not None else None
                if comparable is None:
                    continue
                literals = other[1] if op in _MEMBERSHIP and other[0] == "list" else [other]
                for literal in literals:
                    found = literal_kind(literal[1]) if literal[0] == "const" else None
                    if found is not None and found not in comparable:
                        yield _message(name, kind, literal[1], found, op)  # type: ignore[arg-type]


def _message(name: str, kind: str, value: Any, found: str, op: str) -> str:
    shown = repr(value) if not isinstance(value, bool) else str(value).lower()
    what = _DECLARED.get(kind, "yes or no")
    if op in _ORDERING:
        outcome = "it cannot be ordered against one, and every case that reaches it would fail"
    else:
        outcome = "they are never equal"
    hint = " (hint: compare it with a date: a fact, value or function giving one)" if kind == "date" else ""
    return f"{name} is {what}, and {shown} is a {found} literal: {outcome}{hint}"


# -- the kind of every part of an expression ---------------------------------------------
# each function's arguments' kinds (None: any; "*": the rest of its arguments like the
# last) and what it gives (None: a kind of its own, worked out below or not known)
_NUMBERS = frozenset({"int", "number"})
_WORDS = {
    "date": "a day",
    "bool": "yes/no",
    "int": "a whole number",
    "number": "a number",
    "string": "a text",
    "enum": "a choice",
    "list": "a list",
}
_SIGNATURES: dict[str, tuple[tuple[str | None, ...], str | None]] = {
    "add_days": (("date", "int"), "date"),
    "add_months": (("date", "int"), "date"),
    "add_working_days": (("date", "int"), "date"),
    "days_between": (("date", "date"), "int"),
    "len": (("list",), "int"),
    "distinct": (("list",), "list"),
    "pluck": (("list", "string"), "list"),
    "where": (("list", "string", None), "list"),
    "between": (("list", "string", None, None), "list"),
    "at_most": (("list", "string", None), "list"),
    "min_by": (("list", "string", "*"), None),
    "best_per_limit": (("list", "string", "string", "*"), "list"),
    "get": ((None, "string"), None),
    "is_known": ((None,), "bool"),
    "is_given": ((None,), "bool"),
    "is_true": ((None,), "bool"),
    "trim": ((None,), None),  # (anything but a text is given back as it is)
}
_SAME_KIND = ("latest", "earliest", "coalesce")  # they give one of their arguments


def _fits(kind: str, wanted: str) -> bool:
    if wanted == "int":
        return kind in _NUMBERS
    if wanted == "string":
        return kind in ("string", "enum")
    if wanted == "list":
        return kind in ("list", "string", "enum")  # len() of a text counts its characters
    return kind == wanted


_OPERATORS = {
    "Add": "+",
    "Sub": "-",
    "Eq": "==",
    "NotEq": "!=",
    "Lt": "<",
    "LtE": "<=",
    "Gt": ">",
    "GtE": ">=",
    "In": "in",
    "NotIn": "not in",
}


def _shown(node: Any) -> str:
    """A parsed form written back as a policy writes it (the part a message names)."""
    kind = node[0]
    if kind == "name":
        return name_of(node) or "…"
    if kind == "const":
        value = node[1]
        return "null" if value is None else str(value).lower() if isinstance(value, bool) else repr(value)
    if kind == "list":
        return "[" + ", ".join(_shown(item) for item in node[1]) + "]"
    if kind in ("and", "or"):
        return f" {kind} ".join(_inner(part) for part in node[1])
    if kind == "unary":
        return ("not " if node[1] == "Not" else "-") + _inner(node[2])
    if kind == "binop":
        return f"{_inner(node[2])} {_OPERATORS.get(node[1], '?')} {_inner(node[3])}"
    if kind == "compare":
        out = _inner(node[2][0])
        for op, operand in zip(node[1], node[2][1:], strict=False):
            out += f" {_OPERATORS.get(op, '?')} {_inner(operand)}"
        return out
    if kind == "if":
        return f"{_inner(node[2])} if {_inner(node[1])} else {_inner(node[3])}"
    if kind == "call" and isinstance(node[1], str):
        return f"{node[1]}(" + ", ".join(_shown(arg) for arg in node[2]) + ")"
    return "…"


def _inner(node: Any) -> str:
    """:func:`_shown`, in brackets where it is an operation inside another."""
    text = _shown(node)
    return f"({text})" if node[0] in ("and", "or", "binop", "compare", "if") else text


class _Kinds:
    def __init__(self, kinds: Mapping[str, str]) -> None:
        self.kinds = kinds
        self.problems: list[str] = []

    def of(self, node: Any) -> str | None:
        kind = node[0]
        if kind == "const":
            return parameter_kind(node[1])  # (a literal's kind is a parameter's of that value)
        if kind == "name":
            name = name_of(node)
            declared = self.kinds.get(name) if name is not None else None
            return declared if declared in _WORDS else None  # (an item, say: no kind judged here)
        if kind == "list":
            for item in node[1]:
                self.of(item)
            return "list"
        if kind in ("and", "or"):
            for part in node[1]:
                self.of(part)
            return "bool"
        if kind == "compare":
            for operand in node[2]:
                self.of(operand)
            return "bool"
        if kind == "unary":
            inner = self.of(node[2])
            if node[1] == "Not":
                return "bool"
            if inner is not None and inner not in _NUMBERS and inner != "bool":  # (-true is -1, as Python has it)
                self.problems.append(f"-{_shown(node[2])}: {_shown(node[2])} is {_WORDS[inner]}, not a number")
                return None
            return inner
        if kind == "binop":
            return self.binop(node)
        if kind == "if":
            self.of(node[1])
            body, orelse = self.of(node[2]), self.of(node[3])
            return body if body == orelse else None
        if kind == "call":
            return self.call(node)
        return None

    def binop(self, node: Any) -> str | None:
        op = "+" if node[1] == "Add" else "-"
        left, right = self.of(node[2]), self.of(node[3])
        if left is None or right is None:
            return None
        a, b = _shown(node[2]), _shown(node[3])
        if "date" in (left, right):
            if left == "date" and right in _NUMBERS:
                way = f"add_days({a}, {'-' if op == '-' else ''}{b})"
                self.problems.append(f"{a} {op} {b}: {a} is a day and {b} a number; a day {op} days is {way}")
            elif left == "date" and right == "date" and op == "-":
                self.problems.append(f"{a} - {b}: days_between({b}, {a}) gives the days between two days")
            else:
                self.problems.append(f"{a} {op} {b}: {_WORDS[left]} {op} {_WORDS[right]} is not allowed")
            return None
        if "bool" in (left, right):
            self.problems.append(f"{a} {op} {b}: yes/no values cannot be added or subtracted")
            return None
        if left in _NUMBERS and right in _NUMBERS:
            return "int" if left == right == "int" else "number"
        if op == "+" and left == right == "list":
            return "list"
        if op == "+" and left in ("string", "enum") and right in ("string", "enum"):
            return "string"
        self.problems.append(f"{a} {op} {b}: {_WORDS[left]} {op} {_WORDS[right]} is not allowed")
        return None

    def call(self, node: Any) -> str | None:
        function, args = node[1], node[2]
        found = [self.of(arg) for arg in args]
        if not isinstance(function, str):
            return None
        if function in _SAME_KIND:
            known = {k for k in found if k is not None}
            return known.pop() if len(known) == 1 and None not in found else None
        signature = _SIGNATURES.get(function)
        if signature is None:
            return None
        wanted, gives = signature
        for i, (arg, kind) in enumerate(zip(args, found, strict=False)):
            want = wanted[min(i, len(wanted) - 1)] if wanted else None
            if want == "*":
                want = wanted[-2] if len(wanted) > 1 else None
            if want is None or kind is None or _fits(kind, want):
                continue
            self.problems.append(
                f"{function}(): its argument {i + 1}, {_shown(arg)}, is {_WORDS[kind]}, not {_WORDS[want]}"
            )
        return gives


def kind_problems(form: Any, kinds: Mapping[str, str]) -> list[str]:
    """A message for each part of a parsed form that works out values of kinds it cannot
    take (a day plus a number, a text given a function for a day): it would fail on every
    case that reaches it."""
    found = _Kinds(kinds)
    found.of(form)
    return found.problems


def not_a_condition(form: Any, kinds: Mapping[str, str], strict: bool = False) -> str | None:
    """What is wrong with a parsed form as a condition: one giving a day or a choice, which
    holds whenever it is not null (a number or a text holds unless 0 or empty, a list
    unless empty, as a ``when`` reads it).  ``strict``: a condition read as exactly true
    (a citation's ``when``, a case check's ``require``), where anything but yes/no never holds."""
    found = _Kinds(kinds).of(form)
    if found is None or found == "bool" or (not strict and found not in ("date", "enum")):
        return None
    what = _shown(form)
    if strict:
        return f"this condition must be yes or no, and {what} is {_WORDS[found]}: it would never hold (compare it)"
    return (
        f"a condition must be yes or no, and {what} is {_WORDS[found]}: it would hold whenever it is not null "
        f"(to ask whether it is given: is_known({what}); else compare it)"
    )
