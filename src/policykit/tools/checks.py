"""Static checks of a compiled policy: shadowed rows, gaps, overlaps, unused definitions.

Each first-hit table is checked by enumeration.  Its conditions are abstracted:
boolean and enum facts and values it reads are enumerated over their domains;
every other comparison (dates, counts, lists) becomes a true/false atom, independent
but of the other comparisons of the same two operands (:mod:`policykit.tools.compared`:
``a <= b`` and ``a > b`` are never both false unless an operand may be null).  A row
that is never the first to hold is shadowed; an input no row decides is a gap; in a
table declared ``unique``, an input two rows decide is an overlap.  Each finding
carries an example input.  A definition may explain a finding as intended
(``intended: {gap: "..."}``); it is then reported as explained.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from policykit.errors import Diagnostic
from policykit.lang.syntax import dotted_name, form_of, parse_tree
from policykit.limits import DEFAULT, Budget, LimitError, Limits
from policykit.policy.document import address
from policykit.policy.model import Policy, Rule, Value
from policykit.tools.compared import COMPARED, Compared, Groups, combinations, count
from policykit.tools.nullable import Nullable
from policykit.tools.scope import check_scope
from policykit.tools.shadow import covering_rows, shadow_message
from policykit.tools.shadow import shown as _show
from policykit.tools.stale import hard_coded_reasons, stale_clause_numbers, stale_leftovers
from policykit.tools.units import unit_mismatches
from policykit.tools.unreachable import unreachable_values

MAX_COMBINATIONS = 1 << 14
ENGINE_NAMES = frozenset({"case_id", "request.type"})  # read by the engine itself (the case contract)
_OPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


@dataclass(frozen=True)
class Finding:
    code: str
    line: int
    subject: str
    message: str
    example: tuple[tuple[str, Any], ...] = ()
    intended: str | None = None

    def diagnostic(self, file: str, where: str | None = None) -> Diagnostic:
        """The finding as a diagnostic at ``where`` (its place by id; default: its subject)."""
        text = self.message
        if self.example:
            text += " - for example " + ", ".join(f"{k} = {_show(v)}" for k, v in self.example)
        if self.intended:
            text += f" (intended: {self.intended})"
        severity = "info" if self.intended else "warning"
        return Diagnostic(file, self.line, 0, self.code, text, self.subject if where is None else where, severity)


def subject_path(raw: dict[str, Any], subject: str) -> tuple[str | int, ...]:
    """The place in the policy data of a finding's subject: ``service.type row 3`` ->
    ``("decisions", 4, "rules", 2)``, ``clauses.warranty.1``, ``parameters.NAME``,
    ``facts.NAME``, ``action ID``, or a value's id."""
    section, _, rest = subject.partition(".")
    if section in ("parameters", "facts") and rest:
        return (section, rest)
    if section == "clauses" and rest:
        return _item_path(raw, ("clauses",), rest)
    if subject.startswith("action "):
        return _item_path(raw, ("actions", "warnings"), subject[len("action ") :])
    vid, _, row = subject.partition(" row ")
    found = _item_path(raw, ("derived", "decisions"), vid)
    if row.isdigit() and len(found) == 2:
        item = raw[str(found[0])][int(found[1])]
        return (*found, "rules" if "rules" in item else "collect", int(row) - 1)
    return found


def _item_path(raw: dict[str, Any], sections: tuple[str, ...], key: str) -> tuple[str | int, ...]:
    for section in sections:
        for i, item in enumerate(raw.get(section) or []):
            if isinstance(item, dict) and item.get("id") == key:
                return (section, i)
    return ()


def subject_address(policy: Policy, subject: str) -> str:
    """A finding's subject named as every diagnostic names a place (by id)."""
    path = subject_path(policy.raw, subject)
    return address(policy.raw, path) if path else subject


class _Abstraction:
    """Conditions of one table as functions of an assignment of enumerable names and atoms."""

    def __init__(self, domains: dict[str, tuple[Any, ...]], compared: Compared) -> None:
        self.domains = domains
        self.variables: dict[str, tuple[Any, ...]] = {}
        self.compared = compared  # the atoms that compare two worked-out values, by operands

    def condition(self, rule: Rule) -> Callable[[dict[str, Any]], bool]:
        parts = [self.node(parse_tree(p.source)) for p in rule.parts]
        if not parts:
            return lambda a: True
        if rule.any_of:
            return lambda a: any(p(a) for p in parts)
        return lambda a: all(p(a) for p in parts)

    def atom(self, node: ast.expr) -> Callable[[dict[str, Any]], Any]:
        key = ast.unparse(node).replace("_kw_", "")
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]).__name__ in COMPARED:
            # a comparison of two worked-out values: one atom however it is written (b > a
            # is a < b), related to the other comparisons of the same operands
            left, right = form_of(node.left), form_of(node.comparators[0])
            key = self.compared.atom(left, type(node.ops[0]).__name__, right, key)
        self.variables.setdefault(key, (True, False))
        return lambda a: a[key]

    def operand(self, node: ast.expr) -> tuple[str, Any] | None:
        name = dotted_name(node)
        if name is not None and name in self.domains:
            return ("name", name)
        if isinstance(node, ast.Constant):
            return ("const", node.value)
        if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in node.elts):
            return ("const", [e.value for e in node.elts if isinstance(e, ast.Constant)])
        return None

    def node(self, node: ast.expr) -> Callable[[dict[str, Any]], Any]:
        if isinstance(node, ast.BoolOp):
            kids = [self.node(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda a: all(k(a) for k in kids)
            return lambda a: any(k(a) for k in kids)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.node(node.operand)
            return lambda a: not inner(a)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            constant = node.value
            return lambda a: constant
        name = dotted_name(node)
        if name is not None and name in self.domains:
            self.variables[name] = self.domains[name]
            return lambda a: a[name]
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
            left, right = self.operand(node.left), self.operand(node.comparators[0])
            if left and right and "name" in (left[0], right[0]):
                for kind, name_or_value in (left, right):
                    if kind == "name":
                        self.variables[name_or_value] = self.domains[name_or_value]
                op = _OPS[type(node.ops[0])]
                lhs, rhs = left, right

                def get(side: tuple[str, Any], a: dict[str, Any]) -> Any:
                    return a[side[1]] if side[0] == "name" else side[1]

                return lambda a: op(get(lhs, a), get(rhs, a))
        return self.atom(node)


def _domains(policy: Policy) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for name, fact in policy.facts.items():
        if fact.type == "bool":
            out[name] = (True, False)
        elif fact.type == "enum":
            out[name] = fact.values
    for name, value in policy.values.items():
        if value.type == "bool":
            out[name] = (True, False)
        elif value.type == "enum":
            out[name] = value.values
    return out


def _intended(policy: Policy, section: str, key: str, code: str) -> str | None:
    raw = policy.raw.get(section)
    item: Any = None
    if isinstance(raw, dict):
        item = raw.get(key)
    elif isinstance(raw, list):
        item = next((x for x in raw if isinstance(x, dict) and x.get("id") == key), None)
    if item is None and section == "decisions":
        return _intended(policy, "derived", key, code)
    reasons = (item or {}).get("intended") or {}
    reason = reasons.get(code)
    return str(reason) if reason else None


@dataclass
class _Enumeration:
    """One table's conditions over its atoms and names, and the combinations to try."""

    conditions: list[Callable[[dict[str, Any]], bool]]
    names: list[str]
    domains: dict[str, tuple[Any, ...]]
    related: Groups
    total: int  # how many combinations (past MAX_COMBINATIONS: one more)
    work: int  # what trying each row on each combination costs

    def __iter__(self) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        for combo in combinations(self.names, self.domains, self.related):
            yield combo, dict(zip(self.names, combo, strict=True))


def _enumeration(value: Value, domains: dict[str, tuple[Any, ...]], nullable: Nullable) -> _Enumeration:
    abstraction = _Abstraction(domains, Compared(nullable.may_be_null))
    conditions = [abstraction.condition(rule) for rule in value.rules]
    names = list(abstraction.variables)
    related = abstraction.compared.groups()
    # only the combinations a case can have are tried, and counted
    total = count(names, abstraction.variables, related, MAX_COMBINATIONS)
    work = total * max(1, sum(len(rule.parts) for rule in value.rules))
    return _Enumeration(conditions, names, abstraction.variables, related, total, work)


def _nullable(policy: Policy, domains: dict[str, tuple[Any, ...]], budget: Budget) -> Nullable:
    """Whether an expression may be null, a table being null where no row holds: found by
    trying its rows on its combinations, within ``budget`` (past it: it may be)."""

    def decides(value: Value) -> bool:
        table = _enumeration(value, domains, nullable)
        if table.total > MAX_COMBINATIONS or table.work > budget.left:
            return False
        budget.charge(table.work)
        return all(any(cond(assignment) for cond in table.conditions) for _, assignment in table)

    nullable = Nullable(policy, decides)
    return nullable


def check_table(
    policy: Policy,
    value: Value,
    domains: dict[str, tuple[Any, ...]],
    budget: Budget | None = None,
    nullable: Nullable | None = None,
) -> Iterator[Finding]:
    """The rows of one table tried on every combination of its inputs a case can have, within
    ``budget`` (a table whose enumeration would not fit is skipped, and says so)."""
    budget = budget or Budget(DEFAULT, DEFAULT.check_operations, "check_operations")
    table = _enumeration(value, domains, nullable or _nullable(policy, domains, budget))
    conditions, names, total = table.conditions, table.names, table.total
    if total > MAX_COMBINATIONS:
        yield Finding(
            "check-skipped",
            value.line,
            value.id,
            f"{value.id}: more than {MAX_COMBINATIONS} combinations of {len(names)} inputs is too many to enumerate",
        )
        return
    if table.work > budget.left:
        yield Finding(
            "check-skipped",
            value.line,
            value.id,
            f"{value.id}: {total} combinations of {len(names)} inputs times {len(value.rules)} rows is more work "
            f"than is left (limit check_operations = {budget.total}); not checked",
        )
        return
    budget.charge(table.work)
    first_example: dict[int, dict[str, Any]] = {}
    holds: set[int] = set()
    inputs: list[tuple[tuple[Any, ...], int]] = []  # each input where a row holds, and the rows that do
    gap: dict[str, Any] | None = None
    overlap: tuple[dict[str, Any], list[int]] | None = None
    for combo, assignment in table:
        holding = [i for i, cond in enumerate(conditions) if cond(assignment)]
        if holding:
            holds.update(holding)
            inputs.append((combo, sum(1 << i for i in holding)))
            first_example.setdefault(holding[0], assignment)
            conditional = [i for i in holding if value.rules[i].parts]  # a row without condition is "otherwise"
            if len(conditional) > 1 and overlap is None:
                overlap = (assignment, conditional)
        elif gap is None:
            gap = assignment
    for i, rule in enumerate(value.rules):
        if i in first_example:
            continue
        if i in holds:
            # the earlier rows that together cover it, not those that hold on one input
            cover = covering_rows([mask for _, mask in inputs], i, first_example)
            message, example = shadow_message(value.id, i, names, inputs, cover)
            yield Finding(
                "shadowed-row",
                rule.line,
                value.id,
                message,
                example,
                _intended(policy, "decisions", value.id, "shadowed-row"),
            )
        else:
            yield Finding(
                "dead-row",
                rule.line,
                value.id,
                f"{value.id} row {i + 1} can never hold",
                (),
                _intended(policy, "decisions", value.id, "dead-row"),
            )
    if gap is not None:
        yield Finding(
            "gap",
            value.line,
            value.id,
            f"{value.id}: no row decides this combination",
            tuple(gap.items()),
            _intended(policy, "decisions", value.id, "gap"),
        )
    if overlap is not None and _unique(policy, value.id):
        assignment, rows = overlap
        yield Finding(
            "overlap",
            value.rules[rows[1]].line,
            value.id,
            f"{value.id} is declared unique, but rows {', '.join(str(r + 1) for r in rows)} all hold",
            tuple(assignment.items()),
        )


def _unique(policy: Policy, vid: str) -> bool:
    for section in ("derived", "decisions"):
        for item in policy.raw.get(section) or []:
            if item.get("id") == vid:
                return bool(item.get("unique"))
    return False


def _used_names(policy: Policy) -> set[str]:
    names: set[str] = set()
    for value in policy.values.values():
        for rule in (*value.rules, *([value.otherwise] if value.otherwise else [])):
            for compiled in (
                *rule.parts,
                *([rule.outcome] if rule.outcome else []),
                *(c.when for c in rule.every_cite if c.when is not None),
            ):
                names |= compiled.names
            for because in (rule.because, *rule.part_because):
                for text in because.by_lang if because else ():
                    names |= _template_names(text[1])
    for step in (*policy.actions, *policy.warnings):
        for compiled in (*step.parts, *([step.due] if step.due else []), *(c.when for c in step.cites if c.when)):
            names |= compiled.names
        for text in step.text.by_lang:
            names |= _template_names(text[1])
    for check in policy.case_checks:
        names |= check.require.names
    for reg in policy.registration:
        names |= set(reg.facts)
    for _, shown in policy.summary:  # a fact the header of every result shows is of use
        names |= set(shown)
    for fact in (policy.raw.get("facts") or {}).values():
        if isinstance(fact, dict) and fact.get("default_param"):
            names.add(f"params.{fact['default_param']}")
    return names | ENGINE_NAMES


def _template_names(text: str) -> set[str]:
    out = set()
    for name in re.findall(r"\{([^{}]+)\}", text):
        parts = name.split(".")
        out |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)}
    return out


def check_policy(policy: Policy, limits: Limits = DEFAULT) -> list[Finding]:
    """Every finding for ``policy``, in the order of the file.  The tables are enumerated
    within ``limits.check_operations`` and ``limits.seconds``; past either, the tables
    left are not checked and a ``check-stopped`` finding says which."""
    findings: list[Finding] = []
    domains = _domains(policy)
    budget = Budget(limits, limits.check_operations, "check_operations")
    nullable = _nullable(policy, domains, budget)
    tables = [v for v in policy.values.values() if v.kind == "rules"]
    for n, value in enumerate(tables):
        try:
            budget.check_time()
            findings.extend(check_table(policy, value, domains, budget, nullable))
        except LimitError as exc:
            left = [v.id for v in tables[n:]]
            findings.append(
                Finding(
                    "check-stopped",
                    value.line,
                    value.id,
                    f"stopped early ({exc.diagnostics[0].message}): {len(left)} tables not checked, from {left[0]}",
                )
            )
            break
    used = _used_names(policy)
    for name in policy.parameters:
        if f"params.{name}" not in used:
            findings.append(
                Finding(
                    "unused-parameter",
                    0,
                    f"parameters.{name}",
                    f"parameter '{name}' is not used by any rule, step or text",
                    (),
                    _intended(policy, "parameters", name, "unused-parameter"),
                )
            )
    for name in policy.facts:
        if name not in used:
            findings.append(
                Finding(
                    "unused-fact",
                    0,
                    f"facts.{name}",
                    f"fact '{name}' is read by no rule",
                    (),
                    _intended(policy, "facts", name, "unused-fact"),
                )
            )
    for line, subject, message in unreachable_values(policy):
        code = "unreachable-value"
        findings.append(Finding(code, line, subject, message, (), _intended(policy, "decisions", subject, code)))
    for line, subject, message in check_scope(policy):
        kind, _, rest = subject.partition(" ")
        section, key = ("actions", rest) if kind == "action" else ("decisions", kind)
        code = "cited-out-of-scope"
        findings.append(Finding(code, line, subject, message, (), _intended(policy, section, key, code)))
    for line, subject, message in (*stale_clause_numbers(policy), *stale_leftovers(policy)):
        findings.append(Finding("stale-number", line, subject, message))
    for line, subject, message in hard_coded_reasons(policy):
        findings.append(Finding("hard-coded-number", line, subject, message))
    for line, subject, message in unit_mismatches(policy):
        findings.append(Finding("unit-mismatch", line, subject, message))
    cited = {
        c.clause
        for v in policy.values.values()
        for r in (*v.rules, *([v.otherwise] if v.otherwise else []))
        for c in r.every_cite
    }
    cited |= {c.clause for s in (*policy.actions, *policy.warnings) for c in s.cites}
    cited |= {c for p in policy.parameters.values() for c in p.cites}
    cited |= set(policy.metadata.get("cites") or [])
    cited |= {c for entry in policy.calendar.entries for c in entry.cites}
    cited |= set((policy.raw.get("registration") or {}).get("cites") or [])
    for clause in policy.clauses.values():
        if clause.id not in cited and not clause.informational:
            findings.append(
                Finding(
                    "uncited-clause",
                    clause.line,
                    f"clauses.{clause.id}",
                    f"clause '{clause.id}' is neither cited nor marked informational",
                )
            )
    return findings


def located(policy: Policy, findings: list[Finding], lines: dict[str, int]) -> list[Diagnostic]:
    """Findings as diagnostics, with a line for those that lack one."""
    out = []
    for f in findings:
        finding = f if f.line else Finding(f.code, lines.get(f.subject, 0), f.subject, f.message, f.example, f.intended)
        out.append(finding.diagnostic(policy.file, subject_address(policy, f.subject)))
    return sorted(out)
