"""Stages 3 to 6: references, expressions, contract and status; then the compiled policy.

Each stage is a function that yields diagnostics and checks one thing.  The
pipeline (:func:`load_policy`) runs parse -> schema -> references -> expressions ->
contract -> status, stops after a stage that found errors, and returns a frozen
:class:`~policykit.model.Policy` ready to evaluate many cases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .dates import WorkCalendar, parse_date
from .document import Document
from .errors import Diagnostic, PolicyError
from .expr import Compiled, compile_expr, suggest
from .fastpath import fast_function
from .model import (
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
from .resources import schema

BUILTIN_NAMES = ("as_of", "policy.id", "policy.version", "policy.status")
APPROVALS = ("drafted_by", "reviewed_by", "approved_by", "general_manager")


def _values(data: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(section, index, definition) of every derived value and decision."""
    return [
        (section, i, item) for section in ("derived", "decisions") for i, item in enumerate(data.get(section) or [])
    ]


def as_list(ref: str | list[str] | None) -> tuple[str, ...]:
    """An interpretation reference, one or several, as a tuple."""
    if ref is None:
        return ()
    return (ref,) if isinstance(ref, str) else tuple(ref)


def _cite_ids(cites: list[Any]) -> Iterator[tuple[int, str]]:
    for i, cite in enumerate(cites or []):
        yield i, cite["clause"] if isinstance(cite, dict) else cite


def _request_types(data: dict[str, Any]) -> list[str]:
    fact = (data.get("facts") or {}).get("request.type") or {}
    return list(fact.get("values") or [])


# -- stage 3: references ----------------------------------------------------------


def check_references(doc: Document) -> Iterator[Diagnostic]:
    """Every cited clause, parameter, interpretation, request type and fact exists; ids are unique."""
    data = doc.data
    clauses = [c["id"] for c in data["clauses"]]
    clause_set = set(clauses)
    seen: set[str] = set()
    for i, cid in enumerate(clauses):
        if cid in seen:
            yield doc.diag(("clauses", i, "id"), "duplicate-id", f"clause '{cid}' is defined twice")
        seen.add(cid)
    interpretations = set(data.get("interpretations") or {})
    types = _request_types(data)
    facts = data["facts"]

    def cites_at(path: tuple[Any, ...], cites: list[Any]) -> Iterator[Diagnostic]:
        for i, cid in _cite_ids(cites):
            if cid not in clause_set:
                yield doc.diag(path + (i,), "unknown-clause", f"unknown clause '{cid}'{suggest(cid, clauses)}")

    def interp_at(path: tuple[Any, ...], ref: str | list[str] | None) -> Iterator[Diagnostic]:
        for i, one in enumerate(as_list(ref)):
            if one not in interpretations:
                where = path + (i,) if isinstance(ref, list) else path
                yield doc.diag(
                    where,
                    "unknown-interpretation",
                    f"unknown interpretation '{one}'{suggest(one, sorted(interpretations))}",
                )

    def types_at(path: tuple[Any, ...], applies: list[str] | None) -> Iterator[Diagnostic]:
        for i, t in enumerate(applies or []):
            if t not in types:
                yield doc.diag(path + (i,), "unknown-request-type", f"unknown request type '{t}'{suggest(t, types)}")

    meta = data["metadata"]
    yield from cites_at(("metadata", "cites"), meta.get("cites") or [])
    yield from interp_at(("metadata", "interpretation"), meta.get("interpretation"))
    yield from interp_at(("calendar", "interpretation"), data["calendar"].get("interpretation"))
    for name, param in data["parameters"].items():
        yield from cites_at(("parameters", name, "cites"), param["cites"])
    for name, fact in facts.items():
        ref = fact.get("default_param")
        if ref is not None and ref not in data["parameters"]:
            yield doc.diag(
                ("facts", name, "default_param"),
                "unknown-parameter",
                f"unknown parameter '{ref}'{suggest(ref, list(data['parameters']))}",
            )
        if fact["type"] == "enum" and not fact.get("values"):
            yield doc.diag(("facts", name), "missing-values", f"enum fact '{name}' needs its values")
    ids: set[str] = set()
    for section, i, item in _values(data):
        vid = item["id"]
        if vid in ids or vid in facts:
            yield doc.diag((section, i, "id"), "duplicate-id", f"'{vid}' is defined twice")
        ids.add(vid)
        yield from interp_at((section, i, "interpretation"), item.get("interpretation"))
        yield from types_at((section, i, "applies_to"), item.get("applies_to"))
        if section == "decisions" and types and not item.get("applies_to"):
            yield doc.diag(
                (section, i), "missing-applies-to", f"decision '{vid}' must say which requests it applies to"
            )
        for key in ("rules", "collect"):
            for j, row in enumerate(item.get(key) or []):
                yield from cites_at((section, i, key, j, "cites"), row.get("cites") or [])
                yield from interp_at((section, i, key, j, "interpretation"), row.get("interpretation"))
        yield from cites_at((section, i, "otherwise", "cites"), (item.get("otherwise") or {}).get("cites") or [])
    for section in ("actions", "warnings"):
        step_ids: set[str] = set()
        for i, step in enumerate(data.get(section) or []):
            if step["id"] in step_ids:
                yield doc.diag((section, i, "id"), "duplicate-id", f"{section[:-1]} '{step['id']}' is defined twice")
            step_ids.add(step["id"])
            yield from cites_at((section, i, "cites"), step["cites"])
            yield from types_at((section, i, "applies_to"), step.get("applies_to"))
    reg = data.get("registration")
    if reg:
        yield from types_at(("registration", "applies_to"), reg["applies_to"])
        yield from cites_at(("registration", "cites"), reg.get("cites") or [])
        for i, name in enumerate(reg["facts"]):
            if name not in facts:
                yield doc.diag(
                    ("registration", "facts", i), "unknown-fact", f"unknown fact '{name}'{suggest(name, list(facts))}"
                )
    for i, check in enumerate(data.get("case_checks") or []):
        if check["field"] not in facts:
            yield doc.diag(
                ("case_checks", i, "field"),
                "unknown-fact",
                f"unknown fact '{check['field']}'{suggest(check['field'], list(facts))}",
            )
        yield from types_at(("case_checks", i, "applies_to"), check.get("applies_to"))
    for key in ("extra_holidays", "extra_working_days"):
        for i, text in enumerate(data["calendar"].get(key) or []):
            try:
                parse_date(text)
            except ValueError as exc:
                yield doc.diag(("calendar", key, i), "bad-date", str(exc))
    if meta.get("effective_from"):
        try:
            parse_date(meta["effective_from"])
        except ValueError as exc:
            yield doc.diag(("metadata", "effective_from"), "bad-date", str(exc))
    cited = {cid for _, cid in _iter_all_cites(data)}
    for i, clause in enumerate(data["clauses"]):
        if clause["id"] not in cited and not clause.get("informational"):
            yield doc.diag(
                ("clauses", i, "id"),
                "uncited-clause",
                f"clause '{clause['id']}' is neither cited by a rule nor marked informational",
                "warning",
            )


def _iter_all_cites(data: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield from ((("metadata",), c) for _, c in _cite_ids(data["metadata"].get("cites") or []))
    for name, param in data["parameters"].items():
        yield from ((("parameters", name), c) for _, c in _cite_ids(param["cites"]))
    for section, i, item in _values(data):
        for key in ("rules", "collect"):
            for row in item.get(key) or []:
                yield from (((section, i), c) for _, c in _cite_ids(row.get("cites") or []))
        yield from (((section, i), c) for _, c in _cite_ids((item.get("otherwise") or {}).get("cites") or []))
    for section in ("actions", "warnings"):
        for i, step in enumerate(data.get(section) or []):
            yield from (((section, i), c) for _, c in _cite_ids(step["cites"]))
    yield from ((("registration",), c) for _, c in _cite_ids((data.get("registration") or {}).get("cites") or []))


# -- stage 4: expressions -----------------------------------------------------------


class _Expressions:
    """Compiles every expression of the policy, collecting diagnostics."""

    def __init__(self, doc: Document, precompiled: dict[str, Any] | None = None) -> None:
        self.doc = doc
        self.precompiled = precompiled
        self.compiled: dict[str, Compiled] = {}
        data = doc.data
        names: dict[str, tuple[str, ...] | None] = {n: None for n in BUILTIN_NAMES}
        for name, fact in data["facts"].items():
            names[name] = tuple(fact.get("values") or ()) if fact["type"] == "enum" else None
        for name in data["parameters"]:
            names[f"params.{name}"] = None
        for _, _, item in _values(data):
            names[item["id"]] = tuple(item.get("values") or ()) if item["type"] == "enum" else None
        self.names = names
        self.diags: list[Diagnostic] = []

    def compile(self, source: Any, path: tuple[Any, ...]) -> Compiled | None:
        if self.precompiled is not None and isinstance(source, str) and source in self.precompiled:
            names, code = self.precompiled[source]
            fast = fast_function(code) if code is not None else None
            return Compiled(source, frozenset(names), None, fast, self.names, code)
        compiled, issues = compile_expr(source, self.names)
        if compiled is not None and isinstance(source, str):
            self.compiled[source] = compiled
        for issue in issues:
            self.diags.append(self.doc.diag(path, issue.code, issue.message))
        return compiled

    def parts(self, when: Any, path: tuple[Any, ...]) -> tuple[Compiled, ...]:
        if when is None:
            return ()
        if isinstance(when, list):
            out = [self.compile(w, path + (i,)) for i, w in enumerate(when)]
        else:
            out = [self.compile(when, path)]
        return tuple(c for c in out if c is not None)

    def template(self, text: Any, path: tuple[Any, ...]) -> Text | None:
        import re

        if not text:
            return None
        for lang, template in text.items():
            for name in re.findall(r"\{([^{}]+)\}", template):
                if not _template_name_ok(name, self.names):
                    self.diags.append(
                        self.doc.diag(
                            path + (lang,),
                            "unknown-name",
                            f"unknown name '{{{name}}}' in text{suggest(name, list(self.names))}",
                        )
                    )
        return Text.of(text)


def _template_name_ok(name: str, names: dict[str, Any]) -> bool:
    if name in names or name in ("value", "due"):
        return True
    parts = name.split(".")
    return any(".".join(parts[:k]) in names for k in range(1, len(parts)))


def _cites(ex: _Expressions, cites: list[Any], path: tuple[Any, ...]) -> tuple[Cite, ...]:
    out = []
    for i, cite in enumerate(cites or []):
        if isinstance(cite, dict):
            out.append(Cite(cite["clause"], ex.compile(cite["when"], path + (i, "when")) if "when" in cite else None))
        else:
            out.append(Cite(cite))
    return tuple(out)


def _build_value(ex: _Expressions, section: str, i: int, item: dict[str, Any], output: bool) -> Value:
    path: tuple[Any, ...] = (section, i)
    line = ex.doc.where(path)[0]
    domain = tuple(item.get("values") or ())
    rules: list[Rule] = []
    key = "rules" if "rules" in item else "collect"
    for j, row in enumerate(item[key]):
        rpath = path + (key, j)
        any_of = "when_any" in row
        parts = ex.parts(
            row.get("when_any") if any_of else row.get("when"), rpath + ("when_any" if any_of else "when",)
        )
        if key == "rules" and "compute" in row:
            outcome = ex.compile(row["compute"], rpath + ("compute",))
            literal = None
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
            ex.diags.append(
                ex.doc.diag(
                    path + ("labels", k),
                    "unknown-value",
                    f"label for '{k}', which is not a value of {item['id']}{suggest(k, list(domain))}",
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
    )


def _check_literal(
    ex: _Expressions, item: dict[str, Any], literal: Any, path: tuple[Any, ...], domain: tuple[str, ...], key: str
) -> None:
    if not domain or literal is None:
        return
    if (item["type"] == "enum" or key == "collect") and literal not in domain:
        ex.diags.append(
            ex.doc.diag(
                path,
                "unknown-value",
                f"'{literal}' is not a value of {item['id']} "
                f"({', '.join(domain)}){suggest(str(literal), list(domain))}",
            )
        )


def _build_step(ex: _Expressions, section: str, i: int, step: dict[str, Any]) -> Step:
    path: tuple[Any, ...] = (section, i)
    due = ex.compile(step["due"], path + ("due",)) if "due" in step else None
    text = ex.template(step["text"], path + ("text",))
    assert text is not None
    return Step(
        step["id"],
        tuple(step.get("applies_to") or ()),
        ex.parts(step.get("when"), path + ("when",)),
        text,
        due,
        tuple(step["cites"]),
        ex.doc.where(path)[0],
    )


def _check_cycles(doc: Document, values: dict[str, Value]) -> Iterator[Diagnostic]:
    deps = {vid: _value_names(v) & set(values) for vid, v in values.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(deps[node]):
            if state.get(dep) == 1:
                return stack + [node, dep]
            if dep not in state:
                found = visit(dep, stack + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for vid in values:
        if vid not in state:
            cycle = visit(vid, [])
            if cycle:
                start = cycle.index(cycle[-1])
                loop = " -> ".join(cycle[start:])
                yield doc.diag(_value_path(doc, cycle[-1]), "cycle", f"values depend on each other: {loop}")
                return


def _value_path(doc: Document, vid: str) -> tuple[Any, ...]:
    for section, i, item in _values(doc.data):
        if item["id"] == vid:
            return (section, i)
    return ()


def _value_names(value: Value) -> set[str]:
    names: set[str] = set()
    for rule in value.rules:
        for part in rule.parts:
            names |= part.names
        if rule.outcome is not None:
            names |= rule.outcome.names
        for cite in rule.cites:
            if cite.when is not None:
                names |= cite.when.names
    return names


# -- stage 5: contract -------------------------------------------------------------------


def check_contract(doc: Document) -> Iterator[Diagnostic]:
    """Every decision the case contract names is present, for its request types, with its domain."""
    data = doc.data
    meta = data["metadata"]
    for key in ("contract", "case_schema"):
        if meta.get(key):
            try:
                schema(meta[key])
            except (OSError, ValueError):
                yield doc.diag(("metadata", key), "unknown-schema", f"no bundled schema file '{meta[key]}'")
                return
    if meta.get("case_schema"):
        case_schema = schema(meta["case_schema"])
        for name in data["facts"]:
            if not _in_case_schema(case_schema, name):
                yield doc.diag(("facts", name), "contract", f"fact '{name}' is not a field of the case format")
    if not meta.get("contract"):
        return
    contract = schema(meta["contract"])
    decisions = {item["id"]: (i, item) for i, item in enumerate(data["decisions"])}
    types = set(_request_types(data))
    for request_type, wanted in contract["request_types"].items():
        if request_type not in types:
            yield doc.diag(
                ("facts", "request.type", "values"),
                "contract",
                f"request type '{request_type}' of the contract is missing",
            )
        for did, spec in wanted.items():
            if did not in decisions:
                yield doc.diag(
                    ("decisions",),
                    "contract-missing-decision",
                    f"decision '{did}' required by the contract for '{request_type}' is missing"
                    f"{suggest(did, list(decisions))}",
                )
                continue
            i, item = decisions[did]
            if request_type not in (item.get("applies_to") or []):
                yield doc.diag(
                    ("decisions", i, "applies_to"),
                    "contract",
                    f"decision '{did}' must apply to '{request_type}' requests",
                )
            if item["type"] != spec["type"]:
                yield doc.diag(
                    ("decisions", i, "type"),
                    "contract",
                    f"decision '{did}' must be of type {spec['type']}, not {item['type']}",
                )
            elif "values" in spec and list(item.get("values") or []) != spec["values"]:
                yield doc.diag(
                    ("decisions", i, "values"), "contract", f"decision '{did}' must have the values {spec['values']}"
                )


def _in_case_schema(case_schema: dict[str, Any], name: str) -> bool:
    node: dict[str, Any] | None = case_schema
    for part in name.split("."):
        props = (node or {}).get("properties") or {}
        node = props.get(part)
        if node is None:
            return False
    return True


# -- stage 6: status -----------------------------------------------------------------------


def check_status(doc: Document) -> Iterator[Diagnostic]:
    """An approved policy has all four sign-offs and an effective date; a draft is flagged."""
    meta = doc.data["metadata"]
    if meta["status"] == "approved":
        for key in APPROVALS:
            if not meta["approvals"].get(key):
                yield doc.diag(
                    ("metadata", "approvals", key), "approval-missing", f"an approved policy needs the sign-off '{key}'"
                )
        if not meta.get("effective_from"):
            yield doc.diag(
                ("metadata", "effective_from"), "approval-missing", "an approved policy needs an effective date"
            )
    elif meta["status"] == "draft":
        yield doc.diag(
            ("metadata", "status"), "draft", "the policy is a draft: results will carry a warning", "warning"
        )


# -- the pipeline ---------------------------------------------------------------------------


def _build(doc: Document, sha: str, cached: dict[str, Any] | None = None) -> tuple[Policy | None, list[Diagnostic]]:
    data = doc.data
    ex = _Expressions(doc, cached["exprs"] if cached else None)
    values: dict[str, Value] = {}
    for section, i, item in _values(data):
        values[item["id"]] = _build_value(ex, section, i, item, section == "decisions")
    actions = tuple(_build_step(ex, "actions", i, s) for i, s in enumerate(data.get("actions") or []))
    warnings = tuple(_build_step(ex, "warnings", i, s) for i, s in enumerate(data.get("warnings") or []))
    checks = []
    for i, check in enumerate(data.get("case_checks") or []):
        compiled = ex.compile(check["require"], ("case_checks", i, "require"))
        message = Text.of(check["message"])
        if compiled is not None and message is not None:
            checks.append(CaseCheck(check["field"], tuple(check.get("applies_to") or ()), compiled, message))
    diags = list(ex.diags)
    if not diags:
        diags.extend(_check_cycles(doc, values))
    if any(d.severity == "error" for d in diags):
        return None, diags
    params = {
        name: Parameter(name, p["value"], p.get("unit", ""), tuple(p["cites"]), Text.of(p.get("description")))
        for name, p in data["parameters"].items()
    }
    facts = {}
    for name, f in data["facts"].items():
        has_default = "default" in f or "default_param" in f
        default = params[f["default_param"]].value if "default_param" in f else f.get("default")
        facts[name] = Fact(
            name,
            f["type"],
            tuple(f.get("values") or ()),
            has_default,
            default,
            Text.of(f.get("default_reason")),
            Text.of(f.get("question")),
            tuple((f.get("item") or {}).items()),
            bool(f.get("required")),
        )
    clauses = {
        c["id"]: Clause(
            c["id"], c["section"], c["zh"], c["en"], bool(c.get("informational")), doc.where(("clauses", i))[0]
        )
        for i, c in enumerate(data["clauses"])
    }
    reg = data.get("registration")
    registration = (Registration(tuple(reg["applies_to"]), tuple(reg["facts"]), reg["needed_for"]),) if reg else ()
    cal = data["calendar"]
    calendar = WorkCalendar(
        cal["country"],
        [parse_date(d) for d in cal.get("extra_holidays") or []],
        [parse_date(d) for d in cal.get("extra_working_days") or []],
        cal.get("subdivision"),
        cached["calendar"] if cached else None,
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
        for section in ("parameters", "facts")
        for name in data[section]
    }
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
        schema(data["metadata"]["case_schema"]) if data["metadata"].get("case_schema") else facts_schema(facts),
    )
    if cached is None:
        policy.memo["compiled"] = ex.compiled
    return policy, diags


_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_JSON_TYPES = {"bool": "boolean", "int": "integer", "number": "number", "string": "string"}


def _fact_schema(
    kind: str, values: tuple[str, ...] = (), item: tuple[tuple[str, str], ...] = (), required: bool = False
) -> dict[str, Any]:
    nullable = [] if required else [{"type": "null"}]
    if kind == "date":
        return {"anyOf": [{"type": "string", "pattern": _DATE_PATTERN}, *nullable]}
    if kind == "enum":
        return {"enum": [*values, *([] if required else [None])]}
    if kind == "list":
        fields = {name: _fact_schema(sub, required=True) for name, sub in item}
        items = {"type": "object", "properties": fields, "additionalProperties": False} if fields else {}
        return {"type": ["array"] if required else ["array", "null"], "items": items, "maxItems": 1000}
    base: dict[str, Any] = {"type": [_JSON_TYPES[kind]] if required else [_JSON_TYPES[kind], "null"]}
    if kind == "string":
        base["maxLength"] = 1000
    return base


def facts_schema(facts: dict[str, Fact]) -> dict[str, Any]:
    """A JSON Schema of the cases, made from the facts a policy declares (when it names none)."""
    root: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
    for name, fact in facts.items():
        node = root
        parts = name.split(".")
        for part in parts[:-1]:
            if fact.required:
                node.setdefault("required", [])
                if part not in node["required"]:
                    node["required"].append(part)
            node = node["properties"].setdefault(
                part, {"type": ["object", "null"], "properties": {}, "additionalProperties": False}
            )
            if fact.required:
                node["type"] = "object"
        node["properties"][parts[-1]] = _fact_schema(fact.type, fact.values, fact.item, fact.required)
        if fact.required:
            node.setdefault("required", []).append(parts[-1])
    return root


def check_schema(doc: Document) -> Iterator[Diagnostic]:
    """The policy against schemas/policy.schema.json."""
    from .schema_check import schema_errors

    yield from schema_errors(doc, "policy.schema.json")


STAGES = (
    ("schema", check_schema),
    ("references", check_references),
    ("contract", check_contract),
    ("status", check_status),
)


def compile_document(doc: Document, sha: str) -> tuple[Policy | None, list[Diagnostic]]:
    """Run the named stages in order; stop after the first that finds an error."""
    diags: list[Diagnostic] = []
    for _name, stage in STAGES:
        found = list(stage(doc))
        diags.extend(found)
        if any(d.severity == "error" for d in found):
            return None, diags
    policy, found = _build(doc, sha)
    diags.extend(found)
    return policy, diags


def load_policy_text(raw: bytes, file: str) -> tuple[Policy | None, list[Diagnostic]]:
    """Parse and compile policy bytes; return the policy (or None) and every diagnostic."""
    from .yamlload import load_yaml

    doc, diags = load_yaml(raw, file)
    if doc is None or any(d.severity == "error" for d in diags):
        return None, diags
    if not isinstance(doc.data, dict):
        return None, [Diagnostic(file, 1, 1, "schema", "a policy must be a mapping at the top level")]
    policy, more = compile_document(doc, hashlib.sha256(raw).hexdigest())
    return policy, sorted(set(diags + more))


def load_policy(
    path: str | Path, display: str | None = None, use_cache: bool = False
) -> tuple[Policy, list[Diagnostic]]:
    """Load and compile a policy file; raise :class:`PolicyError` with every problem if it is invalid.

    With ``use_cache``, a policy compiled before (same bytes, same tool) is read from the
    compile cache instead; it was valid then, so it is valid now, and no warning is repeated.
    """
    name = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        raise PolicyError([Diagnostic(name, 0, 0, "not-a-file", "is a directory, not a policy file")]) from None
    except FileNotFoundError:
        raise PolicyError([Diagnostic(name, 0, 0, "not-found", "no such file")]) from None
    except OSError as exc:
        raise PolicyError([Diagnostic(name, 0, 0, "unreadable", exc.strerror or str(exc))]) from None
    sha = hashlib.sha256(raw).hexdigest()
    if use_cache:
        from . import cache

        entry = cache.read(sha)
        if entry is not None:
            policy, _ = _build(Document(name, entry["data"], entry["lines"]), sha, entry)
            if policy is not None:
                return policy, []
    policy, diags = load_policy_text(raw, name)
    if policy is None:
        raise PolicyError([d for d in diags if d.severity == "error"] or diags)
    if use_cache:
        _store(policy, sha, name, raw)
    return policy, [d for d in diags if d.severity != "error"]


def _store(policy: Policy, sha: str, name: str, raw: bytes) -> None:
    from . import cache
    from .yamlload import load_yaml

    compiled = policy.memo.pop("compiled", {})
    doc, _ = load_yaml(raw, name)
    if doc is None:
        return
    exprs = {source: (sorted(c.names), c.fast_code) for source, c in compiled.items()}
    years = cache.calendar_years(policy.today())
    cache.write(
        sha, {"data": doc.data, "lines": doc.lines, "exprs": exprs, "calendar": policy.calendar.days_off(years)}
    )
