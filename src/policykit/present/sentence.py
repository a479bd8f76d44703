"""A condition in words: a rule's expression rendered as a sentence from the titles and
labels the policy gives (``warranty.status == 'out_of_warranty' or fault.disassembled`` ->
``warranty status is "out of warranty", or the unit was taken apart``).  A part with no words in the policy or the
catalogue keeps its name, so a sentence is never wrong, only plainer or less plain."""

from __future__ import annotations

import ast

from policykit.lang.functions import FUNCTIONS, Function
from policykit.lang.syntax import dotted_name, parse_tree
from policykit.lang.values import Unknown
from policykit.policy.model import Fact, Policy, Rule, Text
from policykit.present.catalogue import has, say
from policykit.present.catalogue import title as title  # (where the text view and the docs import it from)
from policykit.present.words import BUILTIN_LABELS, show

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from policykit.lang.expr import Compiled

_COMPARE = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}


def rule_condition(policy: Policy, rule: Rule, lang: str) -> str:
    """The condition of one row in words (``otherwise`` for a row with none)."""
    if not rule.parts:  # the first row with no condition always holds; a later one is the rest
        return say(policy, "always" if rule.index == 0 else "otherwise", lang)
    return parts_condition(policy, rule.parts, rule.any_of, lang)


def parts_condition(policy: Policy, parts: Sequence[Compiled], any_of: bool, lang: str) -> str:
    """Parts joined by AND (or OR, ``any_of``) in words: a row's, a step's (``always`` for none)."""
    if not parts:
        return say(policy, "always", lang)
    joiner = say(policy, "or" if any_of else "and", lang)
    if len(parts) == 1:
        return condition(policy, parts[0].source, lang)
    inner = ast.And if any_of else ast.Or  # a part joined the other way is grouped
    return joiner.join(
        say(policy, "grouped", lang, a=condition(policy, p.source, lang))
        if _joined_by(p.source, inner)
        else condition(policy, p.source, lang)
        for p in parts
    )


def _joined_by(source: str, op: type) -> bool:
    try:
        node = parse_tree(source)
    except SyntaxError:
        return False
    return isinstance(node, ast.BoolOp) and isinstance(node.op, op)


def condition(policy: Policy, source: str, lang: str) -> str:
    """One expression in words (kept per policy and language)."""
    memo: dict[tuple[str, str], str] = policy.memo.setdefault("sentences", {})
    key = (source, lang)
    if key not in memo:
        try:
            memo[key] = _Words(policy, lang).truth(parse_tree(source))
        except (SyntaxError, ValueError):
            memo[key] = source
    return memo[key]


def name_words(policy: Policy, name: str, lang: str) -> str:
    """A name in words: a fact's or value's title, a parameter's value, a field of an entry
    by the words its list gives it (``shipment.choice.cost`` -> ``the cost of the chosen
    option``)."""
    try:
        return _Words(policy, lang).term(parse_tree(name))
    except (SyntaxError, ValueError):
        return name


def with_names(policy: Policy, text: Text, lang: str) -> str:
    """A reason's or step's template as a rule reads it, no case at hand: a parameter by its
    value, any other placeholder by the words of what it shows, marked (〈...〉, ⟨...⟩)."""
    shown = text.get(lang)
    for name in text.names:
        words = name_words(policy, name, lang)
        if not (name.startswith("params.") and name[len("params.") :] in policy.parameters):
            words = say(policy, "placeholder", lang, a=words)
        shown = shown.replace("{" + name + "}", words)
    return shown


def outcome_words(policy: Policy, source: str, lang: str) -> str:
    """What a row computes, in words (``add_days(sale.ship_date, 3)`` -> ``3 days after the ship date``)."""
    try:
        tree = parse_tree(source)
        words = _Words(policy, lang)
        if dotted_name(tree):  # another value taken as it is: said so, not shown as a heading would be
            return words.say("outcome_same_as", a=words.term(tree))
        return words.term(tree)
    except (SyntaxError, ValueError):
        return source


class _Words:
    def __init__(self, policy: Policy, lang: str) -> None:
        self.policy, self.lang = policy, lang

    def say(self, key: str, **fields: object) -> str:
        return say(self.policy, key, self.lang, **fields)

    def kind(self, node: ast.expr) -> str:
        name = dotted_name(node)
        if name in self.policy.facts:
            return self.policy.facts[name].type
        if name in self.policy.values:
            return self.policy.values[name].type
        if name == "as_of" or (isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("add_")):
            return "date"
        return ""

    def label(self, name: str | None, value: Any) -> str | None:
        target = self.policy.facts.get(name or "") or self.policy.values.get(name or "")
        if target is None and name in BUILTIN_LABELS and isinstance(value, str):
            said = show(self.policy, name, value, self.lang)  # policykit's own words for it
            return said if said != value else None
        return target.label(value, self.lang) if target is not None else None

    def truth(self, node: ast.expr) -> str:
        """``node`` read as a statement that holds or not."""
        if isinstance(node, ast.BoolOp):
            joiner = self.say("or" if isinstance(node.op, ast.Or) else "and")
            return joiner.join(
                self.say("grouped", a=self.truth(v)) if isinstance(v, ast.BoolOp) else self.truth(v)
                for v in node.values
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = node.operand
            name = dotted_name(inner)
            label = self.label(name, False) if name else None
            if label:
                return label
            if name:
                return self.say("is_false", a=self.term(inner))
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and len(inner.args) == 1
                and has(self.policy, f"fn_not_{inner.func.id}")
            ):  # "not is_known(x)": "x is unknown", not "not (x is known)"
                return self._fill(f"fn_not_{inner.func.id}", [self.term(inner.args[0])])
            return self.say("negation", a=self.truth(inner))
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self.compare(node.left, node.ops[0], node.comparators[0])
        name = dotted_name(node)
        if name:
            label = self.label(name, True)
            return label or self.say("is_true", a=self.term(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("is_"):
            return self.term(node)
        return self.say("is_true", a=self.term(node))

    def compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.List | ast.Tuple):
            choices = self.say("choice_or").join(self.literal(left, e) for e in right.elts)
            return self.say("cmp_in" if isinstance(op, ast.In) else "cmp_not_in", a=self.term(left), b=choices)
        counted = _len_of(left)
        if counted is not None and isinstance(right, ast.Constant) and right.value == 0:
            if isinstance(op, ast.Gt | ast.NotEq):
                return self.say("has_items", a=self.term(counted))
            if isinstance(op, ast.Eq):
                return self.say("no_items", a=self.term(counted))
        key = _COMPARE.get(type(op))
        if key is None:
            return ast.unparse(ast.Compare(left, [op], [right]))
        if key in ("eq", "ne") and _is_null(right) and has(self.policy, f"cmp_{key}_null"):
            return self.say(f"cmp_{key}_null", a=self.term(left))  # "has a value", not "is not nothing"
        if key not in ("eq", "ne") and "date" in (self.kind(left), self.kind(right)):
            key = "date_" + key
        else:
            key = "cmp_" + key
        return self.say(key, a=self.term(left), b=self.literal(left, right))

    def literal(self, other: ast.expr, node: ast.expr) -> str:
        """``node`` compared with ``other``: a string by the label ``other`` gives it."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value == "":
                return self.say("empty_text")
            label = self.label(dotted_name(other), node.value)
            return self.say("quoted", text=label or node.value)
        return self.term(node)

    def term(self, node: ast.expr) -> str:
        """``node`` read as a value."""
        name = dotted_name(node)
        if name == "null":  # the language's own word for no value
            return self.say("null_value")
        if name is not None:
            if name.startswith("params."):
                param = self.policy.parameters.get(name[len("params.") :])
                if param is not None:
                    return str(param.value)
            if name in self.policy.facts or name in self.policy.values or has(self.policy, f"name_{name}"):
                return title(self.policy, name, self.lang)
            head, _, field = name.rpartition(".")
            if head in self.policy.values or head in self.policy.facts:
                source = self.items_of(parse_tree(head))
                worded = source.field_words(field)[0] if source is not None else None
                said = (worded.get(self.lang) if worded is not None else None) or field
                return self.say("field_of", a=title(self.policy, head, self.lang), b=said)
            return name
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None:
                return self.say("null_value")
            if isinstance(value, bool):
                return self.say("yes_word" if value else "no_word")
            if isinstance(value, str):
                return self.say("empty_text") if value == "" else self.say("quoted", text=value)
            return str(value)
        if isinstance(node, ast.List | ast.Tuple):
            if not node.elts:
                return self.say("none_word")  # an empty list: "none", not nothing at all
            return self.say("list_sep").join(self.term(e) for e in node.elts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            key = "plus" if isinstance(node.op, ast.Add) else "minus"
            return self.say(key, a=self.term(node.left), b=self.term(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self.say("negative", a=self.term(node.operand))
        if isinstance(node, ast.IfExp):
            return self.say("if_else", test=self.truth(node.test), a=self.term(node.body), b=self.term(node.orelse))
        if isinstance(node, ast.BoolOp | ast.Compare | ast.UnaryOp):
            return self.truth(node)
        return ast.unparse(node)

    def call(self, name: str, nodes: list[ast.expr]) -> str:
        """A function call in words: a count back in time as "before" (``add_days(d, -3)``),
        a range open at its start as "at most" (``between(x, f, null, d)``)."""
        if name.startswith("add_") and len(nodes) == 2 and has(self.policy, f"fn_{name}"):
            return self.count(name, nodes[0], nodes[1])
        if name == "between" and len(nodes) == 4 and _is_null(nodes[2]):
            return self.call("at_most", [nodes[0], nodes[1], nodes[3]])
        if name == "where" and len(nodes) == 3 and _is_null(nodes[2]) and has(self.policy, "fn_where_null"):
            return self._fill("fn_where_null", self.field_call(FUNCTIONS["where"], nodes[:2]))  # "with no fault code"
        spec = FUNCTIONS.get(name)
        if spec is not None and spec.field_args and nodes:
            args = self.field_call(spec, nodes)
        else:
            args = [self.term(a) for a in nodes]
        key = f"fn_{name}"
        if not has(self.policy, key):
            return f"{name}({', '.join(args)})"
        if name in ("latest", "earliest"):
            return self.say(key).replace("{0}", self.say("list_sep").join(args))
        return self._fill(key, args)

    def count(self, name: str, start: ast.expr, count: ast.expr) -> str:
        """A day counted from another (``add_months(d, n)``): back in time as "before"
        (``-3``, ``-params.x``); a count of one in the singular (``1 month after``); a count
        that is no number (a fact's, a value's: ``the contract's warranty months``) by its
        words alone, which name their unit (not ``... months months after``).  A form the
        catalogue lacks falls back to the plain one."""
        key = f"fn_{name}"
        back = _negative(count) or self.negated_parameter(count) or self.negated_quantity(count)
        if back and has(self.policy, f"{key}_before"):
            key, count = f"{key}_before", count.operand  # type: ignore[attr-defined]
        said = self.term(count)
        # by its words alone only where they are a quantity's name (a number, a sum, a
        # parameter's value keeps the unit: "3 plus 1 days after")
        form = "_one" if said == "1" else "_by" if self.quantity(count) else ""
        if form and has(self.policy, key + form):
            key += form
        return self._fill(key, [self.term(start), said])

    def quantity(self, node: ast.expr) -> bool:
        """Whether ``node`` is a named quantity: a fact, a value, a field of an entry
        (``get(x, 'transit_days')``); not a literal, a parameter's value, a sum."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get":
            return True
        name = dotted_name(node)
        return name is not None and (name in self.policy.facts or name in self.policy.values)

    def negated_quantity(self, node: ast.expr) -> bool:
        """``-sale.x``: a fact's or value's count back in time."""
        return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and self.quantity(node.operand)

    def negated_parameter(self, node: ast.expr) -> bool:
        """``-params.x`` for a parameter that is a count of zero or more: a count back in time."""
        if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)):
            return False
        name = dotted_name(node.operand) or ""
        param = self.policy.parameters.get(name[len("params.") :]) if name.startswith("params.") else None
        return param is not None and param.value.__class__ is int and param.value >= 0

    def field_call(self, spec: Function, nodes: list[ast.expr]) -> list[str]:
        """The arguments of a function reading fields of a list's entries: each field by its
        title, and the value compared with it by its labels, where the list's fact gives them."""
        source = self.items_of(nodes[0])
        count = len(nodes) - 1 if spec.field_args < 0 else spec.field_args
        args = [self.term(nodes[0])]
        first = None
        for i, node in enumerate(nodes[1:], 1):
            field = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
            if i <= count and field is not None:
                first = field if first is None else first
                title = source.field_words(field)[0] if source is not None else None
                args.append(title.get(self.lang) or self.term(node) if title is not None else self.term(node))
            elif i == spec.field_value_arg and source is not None and first is not None:
                args.append(self.field_values(source.field_words(first)[1], node))
            else:
                args.append(self.term(node))
        return args

    def field_values(self, labels: dict[str, Text], node: ast.expr) -> str:
        """A value (or list of values) a field is compared with, each by its label."""
        items = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
        if not items or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in items):
            return self.term(node)
        said = []
        for e in items:
            value = e.value  # type: ignore[attr-defined]
            label = labels.get(value)
            said.append(self.say("quoted", text=(label.get(self.lang) if label else None) or value))
        return self.say("choice_or").join(said)  # (a field equal to any of them)

    def items_of(self, node: ast.expr, depth: int = 0) -> Fact | None:
        """The list fact whose entries ``node`` holds: the fact itself, a value (every row of
        it), a function keeping its first argument's entries or a list written out of such
        entries (``[min_by(quotes, 'cost')]``); else None."""
        if depth > 8:
            return None
        if isinstance(node, ast.List | ast.Tuple):  # every element an entry of the same list
            facts = {id(f): f for f in (self.items_of(e, depth + 1) for e in node.elts)}
            return next(iter(facts.values())) if len(facts) == 1 else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            spec = FUNCTIONS.get(node.func.id)
            keeps = spec is not None and spec.keeps_entries
            return self.items_of(node.args[0], depth + 1) if keeps and node.args else None
        name = dotted_name(node)
        fact = self.policy.facts.get(name or "")
        if fact is not None:
            return fact if fact.item_words else None
        value = self.policy.values.get(name or "")
        if value is None or not value.rules:
            return None
        found: dict[str | None, Fact | None] = {}
        for rule in value.rules:
            if rule.outcome is None:
                if rule.value.__class__ is Unknown or rule.value == []:
                    continue  # a row that asks, or gives no entries: it says nothing of them
                return None
            try:
                fact = self.items_of(parse_tree(rule.outcome.source), depth + 1)
            except (SyntaxError, ValueError):
                return None
            found[fact.name if fact is not None else None] = fact
        return next(iter(found.values())) if len(found) == 1 else None

    def _fill(self, key: str, args: list[str]) -> str:
        text = self.say(key)
        for i, arg in enumerate(args):
            text = text.replace("{" + str(i) + "}", arg)
        return text


def _len_of(node: ast.expr) -> ast.expr | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and node.args:
        return node.args[0]
    return None


def _negative(node: ast.expr) -> bool:
    """A literal count below zero (``-3``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, int)
    return False


def _is_null(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "null") or (isinstance(node, ast.Constant) and node.value is None)
