"""Stage 6, expressions and assembly: every expression compiled (names, functions, enum
values checked), no value depending on itself, then the frozen :class:`Policy`."""

from __future__ import annotations

from policykit.errors import Diagnostic
from policykit.lang.dates import WorkCalendar
from policykit.lang.values import Unknown
from policykit.limits import DEFAULT, Limits, note_need
from policykit.policy.calendar_days import calendar_days
from policykit.policy.document import Document
from policykit.policy.expressions import Expressions
from policykit.policy.model import (
    CaseCheck,
    Cite,
    Clause,
    Fact,
    Interpretation,
    Parameter,
    Policy,
    Registration,
    Rule,
    Step,
    Text,
    Value,
)
from policykit.policy.policy_data import as_list, item_kinds, value_items

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


def _cites(ex: Expressions, cites: list[Any], path: tuple[Any, ...]) -> tuple[Cite, ...]:
    out = []
    for i, cite in enumerate(cites or []):
        if isinstance(cite, dict):
            when = ex.condition(cite["when"], path + (i, "when"), strict=True) if "when" in cite else None
            out.append(Cite(cite["clause"], when))
        else:
            out.append(_tuple_new(Cite, (cite, None)))  # Cite(cite), without its __new__ called (some 150)
    return tuple(out)


_tuple_new = tuple.__new__


def _build_value(ex: Expressions, section: str, i: int, item: dict[str, Any], output: bool) -> Value:
    path: tuple[Any, ...] = (section, i)
    line = ex.doc.where(path)[0]
    domain = tuple(item.get("values") or ())
    rules: list[Rule] = []
    key = "rules" if "rules" in item else "collect"
    for j, row in enumerate(item[key]):
        rpath = path + (key, j)
        any_of = "when_any" in row
        part_cites: tuple[tuple[Cite, ...], ...] = ()
        part_because: tuple[Text | None, ...] = ()
        if any_of:
            grounds = [g if isinstance(g, dict) else {"when": g} for g in row["when_any"]]
            gpath = rpath + ("when_any",)
            parts = tuple(
                c for k, g in enumerate(grounds) if (c := ex.condition(g["when"], gpath + (k, "when"))) is not None
            )
            part_cites = tuple(_cites(ex, g.get("cites") or [], gpath + (k, "cites")) for k, g in enumerate(grounds))
            part_because = tuple(ex.template(g.get("because"), gpath + (k, "because")) for k, g in enumerate(grounds))
        else:
            parts = ex.parts(row.get("when"), rpath + ("when",))
        if key == "rules" and "compute" in row:
            outcome = ex.compile(row["compute"], rpath + ("compute",))
            literal = None
        elif "ask" in row:
            # a row that leaves the value undecided and asks for these facts
            outcome = None
            literal = Unknown(frozenset(row["ask"]))
            for k, name in enumerate(row["ask"]):
                if name not in ex.names:
                    from policykit.lang.hints import suggest

                    ex.diags.append(
                        ex.doc.diag(
                            rpath + ("ask", k), "unknown-name", f"unknown fact '{name}'{suggest(name, list(ex.names))}"
                        )
                    )
        else:
            literal = row.get("value")
            outcome = None
            _check_literal(ex, item, literal, rpath + ("value",), domain, key)
        rules.append(
            Rule(
                j,
                ex.doc.where(rpath)[0],
                parts,
                any_of,
                outcome,
                _cites(ex, row.get("cites") or [], rpath + ("cites",)),
                ex.template(row.get("because"), rpath + ("because",)),
                literal,
                as_list(row.get("interpretation")),
                part_cites,
                part_because,
            )
        )
    otherwise = None
    if "otherwise" in item:
        other = item["otherwise"]
        otherwise = Rule(
            -1,
            ex.doc.where(path + ("otherwise",))[0],
            (),
            False,
            None,
            _cites(ex, other.get("cites") or [], path + ("otherwise", "cites")),
            ex.template(other.get("because"), path + ("otherwise", "because")),
            [],
        )
    labels = tuple((k, Text.of(v)) for k, v in (item.get("labels") or {}).items())
    for k, _ in labels:
        if domain and k not in domain:
            from policykit.lang.hints import suggest

            ex.diags.append(
                ex.doc.diag(
                    path + ("labels", k),
                    "unknown-value",
                    f"label for '{k}', which is not a value of {item['id']}{suggest(k, list(domain))}",
                )
            )
    if labels and domain:  # labelled, but a value left without words: results would show its code
        unlabelled = [v for v in domain if v not in dict(labels)]
        if unlabelled:
            ex.diags.append(
                ex.doc.diag(
                    path + ("labels",),
                    "missing-label",
                    f"no label for {', '.join(repr(v) for v in unlabelled)}: the results would show the code "
                    f"where the other values of {item['id']} are in words",
                    "warning",
                )
            )
    return Value(
        item["id"],
        Text.of(item.get("title")),
        item["type"],
        domain,
        tuple((k, t) for k, t in labels if t is not None),
        tuple(item.get("applies_to") or ()),
        output,
        key,
        tuple(rules),
        as_list(item.get("interpretation")),
        line,
        skip_unknown=item.get("unknown") == "skip",
        otherwise=otherwise,
        deadline=bool(item.get("deadline")),
    )


def _check_literal(
    ex: Expressions, item: dict[str, Any], literal: Any, path: tuple[Any, ...], domain: tuple[str, ...], key: str
) -> None:
    if not domain or literal is None:
        return
    if (item["type"] == "enum" or key == "collect") and literal not in domain:
        from policykit.lang.hints import suggest

        ex.diags.append(
            ex.doc.diag(
                path,
                "unknown-value",
                f"'{literal}' is not a value of {item['id']} "
                f"({', '.join(domain)}){suggest(str(literal), list(domain))}",
            )
        )


def _build_step(ex: Expressions, section: str, i: int, step: dict[str, Any]) -> Step:
    path: tuple[Any, ...] = (section, i)
    due = ex.compile(step["due"], path + ("due",)) if "due" in step else None
    text = ex.template(step["text"], path + ("text",))
    assert text is not None
    return _tuple_new(  # Step(...), every field given (as below: no named tuple's __new__ called)
        Step,
        (
            step["id"],
            tuple(step.get("applies_to") or ()),
            ex.parts(step.get("when"), path + ("when",)),
            text,
            due,
            _cites(ex, step["cites"], path + ("cites",)),
            ex.doc.where(path)[0],
            bool(step.get("on_assumption")),
        ),
    )


def _check_cycles(
    doc: Document, values: dict[str, Value], max_depth: int, needs: dict[str, int] | None = None
) -> Iterator[Diagnostic]:
    """No value depending on itself, and no chain of values longer than ``max_depth``
    (each link is a nested call when a case is decided; ``needs`` notes the longest, as
    ``value_depth``).  Iterative: any length of chain."""
    deps = {vid: sorted(_value_names(v) & set(values)) for vid, v in values.items()}
    state: dict[str, int] = {}
    depth: dict[str, int] = {}
    for root in values:
        if root in state:
            continue
        path: list[str] = [root]
        todo: list[list[str]] = [list(reversed(deps[root]))]
        state[root] = 1
        while path:
            if todo[-1]:
                dep = todo[-1].pop()
                if state.get(dep) == 1:
                    loop = path[path.index(dep) :] + [dep]
                    yield doc.diag(
                        _value_path(doc, dep), "cycle", f"values depend on each other: {' -> '.join(_few(loop))}"
                    )
                    return
                if dep not in state:
                    state[dep] = 1
                    path.append(dep)
                    todo.append(list(reversed(deps[dep])))
                continue
            node = path.pop()
            todo.pop()
            state[node] = 2
            depth[node] = 1 + max((depth[d] for d in deps[node]), default=0)
            note_need(needs, "value_depth", depth[node])
            if depth[node] > max_depth:
                yield doc.diag(
                    _value_path(doc, node),
                    "too-deep",
                    f"'{node}' is worked out through a chain of {depth[node]} values: "
                    f"over the limit value_depth = {max_depth}",
                )
                return


def _few(names: list[str], keep: int = 12) -> list[str]:
    """A long loop shown by its two ends."""
    if len(names) <= keep:
        return names
    return [*names[: keep // 2], f"... {len(names) - keep} more ...", *names[-keep // 2 :]]


def _value_path(doc: Document, vid: str) -> tuple[Any, ...]:
    for section, i, item in value_items(doc.data):
        if item["id"] == vid:
            return (section, i)
    return ()


def _value_names(value: Value) -> set[str]:
    names = set(value.reads)
    for rule in value.rules:
        for cite in rule.every_cite:
            if cite.when is not None:
                names |= cite.when.names
    return names


# -- stage 5: contract -------------------------------------------------------------------


def _case_schema(data: dict[str, Any], cached: dict[str, Any] | None) -> dict[str, Any]:
    """The case format of the policy (a JSON Schema, generated from its contract), as the
    compile cache keeps it where it does (a cached run need not generate it again)."""
    kept = cached.get("case_schema") if cached else None
    if isinstance(kept, dict):
        return kept
    from policykit.policy.contract_ext import case_schema_of

    return case_schema_of(data)


def build(
    doc: Document, sha: str, cached: dict[str, Any] | None = None, limits: Limits = DEFAULT
) -> tuple[Policy | None, list[Diagnostic]]:
    data = doc.data
    ex = Expressions(doc, cached["exprs"] if cached else None, limits)
    values: dict[str, Value] = {}
    for section, i, item in value_items(data):
        values[item["id"]] = _build_value(ex, section, i, item, section == "decisions")
    actions = tuple(_build_step(ex, "actions", i, s) for i, s in enumerate(data.get("actions") or []))
    warnings = tuple(_build_step(ex, "warnings", i, s) for i, s in enumerate(data.get("warnings") or []))
    checks = []
    for i, check in enumerate(data.get("case_checks") or []):
        compiled = ex.condition(check["require"], ("case_checks", i, "require"), strict=True)
        message = Text.of(check["message"])
        if compiled is not None and message is not None:
            checks.append(CaseCheck(check["field"], tuple(check.get("applies_to") or ()), compiled, message))
    diags = list(ex.diags)
    # what the compile checked against the limits, each as the least limit it passes under
    # (kept with the policy, and by the compile cache: a run under other limits uses it
    # only if they allow it); a build from the cache measures nothing
    needs = {"operations": ex.budget.total - ex.budget.left} if cached is None else None
    if not diags and cached is None:  # (an entry is written only for a policy that passed, its
        # longest chain kept in its needs, which the limits of a run from it allow)
        diags.extend(_check_cycles(doc, values, limits.value_depth, needs))
    if not diags and cached is None:
        from graphlib import TopologicalSorter

        from policykit.policy.estimate import estimate

        order = list(TopologicalSorter({v: _value_names(values[v]) & set(values) for v in values}).static_order())
        diags.extend(estimate(doc, values, order, actions + warnings, [c.require for c in checks], limits, needs))
    if any(d.severity == "error" for d in diags):
        return None, diags
    params = {
        name: Parameter(name, p["value"], p.get("unit", ""), tuple(p["cites"]), Text.of(p.get("description")))
        for name, p in data["parameters"].items()
    }
    facts = {}
    text_of = Text.of
    for name, f in data["facts"].items():
        has_default = "default" in f or "default_param" in f
        default = params[f["default_param"]].value if "default_param" in f else f.get("default")
        item = f.get("item")
        confirm = f.get("confirm") or {}
        facts[name] = _tuple_new(  # Fact(...), every field given
            Fact,
            (
                name,
                f["type"],
                tuple(f.get("values") or ()),
                has_default,
                default,
                text_of(f.get("default_reason")),
                text_of(f.get("question")),
                tuple(item_kinds(item).items()) if item is not None else (),
                bool(f.get("required")),
                bool(f.get("personal")),
                text_of(f.get("title")),
                _labels(f.get("labels")),
                confirm.get("step"),
                text_of(confirm.get("note")),
                _item_words(item) if item is not None else (),
            ),
        )
    clauses = {
        c["id"]: _tuple_new(  # Clause(...), every field given
            Clause,
            (
                c["id"],
                c["section"],
                c["zh"],
                c["en"],
                bool(c.get("informational")),
                doc.where(("clauses", i))[0],
                tuple((k, tuple(v)) for k, v in (c.get("governs") or {}).items()),
            ),
        )
        for i, c in enumerate(data["clauses"])
    }
    reg = data.get("registration")
    registration = (Registration(tuple(reg["applies_to"]), tuple(reg["facts"]), reg["needed_for"]),) if reg else ()
    cal = data["calendar"]
    days_off, days_worked, entries = calendar_days(data)
    calendar = WorkCalendar(
        cal["country"],
        days_off,
        days_worked,
        cal.get("subdivision"),
        cached["calendar"] if cached else None,
        cached.get("published", False) if cached else False,
        entries,
    )
    interpretations = {}
    for key, item in (data.get("interpretations") or {}).items():
        title, text = Text.of(item["title"]), Text.of(item["text"])
        if title is not None and text is not None:
            interpretations[key] = Interpretation(key, title, text)
    messages = {k: t for k, v in data["messages"].items() if (t := Text.of(v)) is not None}
    offset = cal.get("utc_offset") or "+00:00"
    minutes = (int(offset[1:3]) * 60 + int(offset[4:6])) * (-1 if offset[0] == "-" else 1)
    lines = {
        f"{section}.{name}": doc.where((section, name))[0]
        for section in ("parameters", "facts", "interpretations")
        for name in data.get(section) or {}
    }
    lines["calendar"] = doc.where(("calendar",))[0]
    lines["contract"] = doc.where(("contract",))[0]
    policy = Policy(
        doc.file,
        sha,
        dict(data["metadata"]),
        clauses,
        params,
        facts,
        values,
        actions,
        warnings,
        tuple(checks),
        registration,
        interpretations,
        messages,
        calendar,
        data,
        minutes,
        lines,
        _case_schema(data, cached),
        tuple(
            (title, tuple(group["facts"]))
            for group in data.get("summary") or []
            if (title := Text.of(group["title"])) is not None
        ),
    )
    if cached is None:
        policy.memo["compiled"] = ex.compiled
    if needs is not None:
        policy.memo["needs"] = needs
    return policy, diags


def _labels(labels: dict[str, Any] | None) -> tuple[tuple[str, Text], ...]:
    """The words of each value a fact labels (none: no call of a generator)."""
    if not labels:
        return ()
    return tuple((k, t) for k, v in labels.items() if (t := Text.of(v)) is not None)


def _item_words(item: Any) -> tuple[tuple[str, Text | None, tuple[tuple[str, Text], ...]], ...]:
    """Each field of a list fact's entries that the policy gives words for: its title and its values' labels."""
    if not isinstance(item, dict):
        return ()
    out = []
    for name, spec in item.items():
        if isinstance(spec, dict) and ("title" in spec or "labels" in spec):
            labels = tuple((k, t) for k, v in (spec.get("labels") or {}).items() if (t := Text.of(v)) is not None)
            out.append((name, Text.of(spec.get("title")), labels))
    return tuple(out)
