"""Part of stage 6: the worst case of every expression, worked out before any case is
decided, so that a policy that cannot finish within the limits is refused by
``validate`` instead of failing case after case.

Sizes are upper bounds: a list fact holds at most what the case format allows, a join
(``a + b``) is as long as both, a filter (``where``, ``between``...) no longer than its
list, a collected list one item a row.  Work is counted in the units of
:class:`~policykit.limits.Budget`: a value and each of its rows, each item a function
reads, each working day walked, what each text shows.  One pass over every value,
step and warning is the bound (settling unknown facts may repeat some of it; the
run-time budget still guards that).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.dates import MAX_WORKING_DAYS
from policykit.lang.expr import Compiled
from policykit.lang.syntax import dotted_name, parse_tree
from policykit.limits import Limits, note_need
from policykit.policy.document import Document
from policykit.policy.model import Step, Text, Value

CASE_LIST_ITEMS = 1000  # the case format's longest list (history)
CASE_STRING_CHARS = 1000  # and its longest string
_FILTERS = frozenset({"where", "between", "at_most", "distinct", "pluck"})
_READS_ITEMS = _FILTERS | {"min_by"}


class _Sizes:
    """Upper bounds of sizes (items of a list, characters of a string; 1 for anything else)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.known: dict[str, int] = {}
        self.lists: set[str] = set()
        for name, fact in data["facts"].items():
            if fact["type"] in ("list", "string"):
                self.known[name] = CASE_LIST_ITEMS if fact["type"] == "list" else CASE_STRING_CHARS
            if fact["type"] == "list":
                self.lists.add(name)
        for name, param in data["parameters"].items():
            value = param.get("value")
            self.known[f"params.{name}"] = len(value) if isinstance(value, (str, list)) else 1
            if isinstance(value, list):
                self.lists.add(f"params.{name}")
        self.params = {f"params.{name}": p.get("value") for name, p in data["parameters"].items()}

    def of_name(self, name: str) -> int:
        while name:
            if name in self.known:
                return self.known[name]
            name = name.rpartition(".")[0]
        return 1

    def of(self, node: ast.AST) -> int:
        if isinstance(node, ast.Constant):
            return len(node.value) if isinstance(node.value, str) else 1
        if isinstance(node, (ast.List, ast.Tuple)):
            return len(node.elts)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = dotted_name(node)
            return self.of_name(name) if name else 1
        if isinstance(node, ast.BinOp):
            return self.of(node.left) + self.of(node.right)
        if isinstance(node, ast.IfExp):
            return max(self.of(node.body), self.of(node.orelse))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id in _FILTERS:
                return self.of(node.args[0])
            if node.func.id == "coalesce":
                return max(self.of(arg) for arg in node.args)
        return 1

    def is_list(self, node: ast.AST) -> bool:
        if isinstance(node, (ast.List, ast.Tuple)):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)):
            return dotted_name(node) in self.lists
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in _FILTERS or (node.func.id == "coalesce" and any(map(self.is_list, node.args)))
        if isinstance(node, ast.BinOp):
            return self.is_list(node.left)
        if isinstance(node, ast.IfExp):
            return self.is_list(node.body) or self.is_list(node.orelse)
        return False

    def cost(self, node: ast.AST) -> int:
        """Units of work to evaluate ``node`` once, at worst."""
        total = 1
        for child in ast.iter_child_nodes(node):
            total += self.cost(child)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            name = node.func.id
            if name in _READS_ITEMS:
                items = self.of(node.args[0])
                if name == "where" and len(node.args) > 2 and self.is_list(node.args[2]):
                    items *= max(1, self.of(node.args[2]))
                total += items
            elif name == "add_working_days" and len(node.args) == 2:
                total += self._count(node.args[1])
        elif isinstance(node, ast.Compare):
            total += sum(self.of(c) for c in node.comparators if self.is_list(c))
        elif isinstance(node, ast.BinOp) and self.is_list(node):
            total += self.of(node) // 16
        return total

    def _count(self, node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return abs(node.value)
        name = dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        value = self.params.get(name or "")
        return abs(value) if isinstance(value, int) else MAX_WORKING_DAYS


def _tree(expr: Compiled) -> ast.AST | None:
    try:
        return parse_tree(expr.source)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _text_cost(sizes: _Sizes, text: Text | None) -> int:
    if text is None:
        return 0
    return sum(count * (1 + sizes.of_name(name) // 16) for name, count in text.uses.items())


def estimate(
    doc: Document,
    values: dict[str, Value],
    order: list[str],
    steps: tuple[Step, ...],
    extra: list[Compiled],
    limits: Limits,
    needs: dict[str, int] | None = None,
) -> Iterator[Diagnostic]:
    """Refuse values that may grow past ``list_items`` or ``string_chars``, and a policy
    whose one pass may need more than ``operations`` units of work; ``needs`` (when given)
    notes the least of each under which it passes (:func:`policykit.limits.note_need`)."""
    sizes = _Sizes(doc.data)
    costs: dict[str, int] = {}
    for vid in order:
        value = values[vid]
        cost = len(value.rules) + 1
        biggest = len(value.rules) if value.kind == "collect" else 1
        for rule in value.rules:
            for expr in (
                *rule.parts,
                *([rule.outcome] if rule.outcome else []),
                *(c.when for c in rule.cites if c.when),
            ):
                tree = _tree(expr)
                if tree is not None:
                    cost += sizes.cost(tree)
            if rule.outcome is not None:
                tree = _tree(rule.outcome)
                if tree is not None:
                    biggest = max(biggest, sizes.of(tree))
            cost += _text_cost(sizes, rule.because)
        sizes.known[vid] = biggest
        if value.type == "list" or value.kind == "collect":
            sizes.lists.add(vid)
        costs[vid] = cost
        limit = {"list": ("list_items", limits.list_items), "string": ("string_chars", limits.string_chars)}
        if value.type in limit:
            note_need(needs, limit[value.type][0], biggest)
        if value.type in limit and biggest > limit[value.type][1]:
            name, bound = limit[value.type]
            yield doc.diag(
                _value_path(doc, vid),
                "too-costly",
                f"'{vid}' may grow to {biggest} {'items' if value.type == 'list' else 'characters'}: "
                f"over the limit {name} = {bound}",
            )
    for step in steps:
        cost = _text_cost(sizes, step.text)
        for expr in (*step.parts, *([step.due] if step.due else [])):
            tree = _tree(expr)
            cost += sizes.cost(tree) if tree is not None else 0
        costs[f"step {step.id}"] = cost
    costs["case checks"] = sum(sizes.cost(t) for e in extra if (t := _tree(e)) is not None)
    total = sum(costs.values())
    note_need(needs, "operations", total)
    if total > limits.operations:
        worst = sorted(costs.items(), key=lambda kv: -kv[1])[:3]
        yield Diagnostic(
            doc.file,
            1,
            1,
            "too-costly",
            f"one case may need {total} units of work: over the limit operations = {limits.operations} "
            f"(most: {', '.join(f'{k} {v}' for k, v in worst)})",
        )


def _value_path(doc: Document, vid: str) -> tuple[Any, ...]:
    from policykit.policy.policy_data import value_items

    for section, i, item in value_items(doc.data):
        if item["id"] == vid:
            return (section, i)
    return ()
