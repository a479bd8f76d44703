"""The contract of a version: its ``contract:`` section, plus what ``contract_extension`` adds.

    contract_extension:
      facts: [fault.lightning]                 # new optional case fields, typed by their fact
      decisions: {fault: [courtesy_unit]}      # new decisions of a request type, typed by their definition
      values: {warranty.exclusions: [lightning]}   # new values of a decision the contract names

The extension is a shorthand for an amendment, which inherits the section of the version
it amends: it can only add.  :func:`effective_contract` folds the two into one contract
(the section's shape), and every reader goes through it: the compiler checks the policy
against it, and the case format the engine, the server and the docs use is generated from
it (:mod:`policykit.policy.contract_schema`).  A change that takes something away is an
edit of the section itself, which ``validate`` and ``diff`` classify as breaking: it needs
a new major version.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator

from policykit.errors import Diagnostic
from policykit.lang.hints import suggest
from policykit.policy.contract_schema import case_schema, decision_contract
from policykit.policy.document import Document
from policykit.policy.policy_data import item_kinds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def extension(data: dict[str, Any]) -> dict[str, Any]:
    ext = data.get("contract_extension")
    return ext if isinstance(ext, dict) else {}


def section(data: dict[str, Any]) -> dict[str, Any]:
    """The policy's own ``contract:`` section (empty when it has none)."""
    found = data.get("contract")
    return found if isinstance(found, dict) else {}


def field_of_fact(fact: dict[str, Any]) -> dict[str, Any]:
    """The case field a fact named in ``contract_extension.facts`` becomes: optional, of its type."""
    kind = fact.get("type", "string")
    spec: dict[str, Any] = {"type": kind}
    if kind == "enum":
        spec["values"] = list(fact.get("values") or [])
    if kind == "list":
        spec["items"] = {name: {"type": sub, "required": True} for name, sub in item_kinds(fact.get("item")).items()}
    return spec


def effective_contract(data: dict[str, Any]) -> dict[str, Any]:
    """The contract of a policy: its section with the extension's additions folded in."""
    # a deep copy: the policy's data is plain (what the compile cache keeps), so marshal
    # copies it as copy.deepcopy would, in a tenth of the time and without importing copy
    contract: dict[str, Any] = marshal.loads(marshal.dumps(section(data)))
    ext = extension(data)
    facts = data.get("facts") or {}
    fields = contract.setdefault("case", {}).setdefault("fields", {})
    for name in ext.get("facts") or []:
        if name not in fields and isinstance(facts.get(name), dict):
            fields[name] = field_of_fact(facts[name])
    wanted_all = contract.setdefault("decisions", {})
    decisions = {item["id"]: item for item in data.get("decisions") or [] if isinstance(item, dict)}
    for rtype, ids in (ext.get("decisions") or {}).items():
        wanted = wanted_all.setdefault(rtype, {})
        for did in ids:
            item = decisions.get(did) or {}
            spec: dict[str, Any] = {"type": item.get("type", "string")}
            if item.get("values"):
                spec["values"] = list(item["values"])
            wanted[did] = spec
    for did, values in (ext.get("values") or {}).items():
        for wanted in wanted_all.values():
            if did in wanted and "values" in wanted[did]:
                wanted[did]["values"] = [*wanted[did]["values"], *[v for v in values if v not in wanted[did]["values"]]]
    return contract


def contract_of(data: dict[str, Any]) -> dict[str, Any]:
    """The decision contract of a policy (``request_types`` -> decision -> spec), as generated."""
    return decision_contract(effective_contract(data))


def case_schema_of(data: dict[str, Any]) -> dict[str, Any]:
    """The case format of a policy (a JSON Schema), generated from its contract."""
    if "contract" not in data:
        raise KeyError("contract")  # a policy without one never compiles (the schema requires it)
    return case_schema(effective_contract(data))


def check_extension(doc: Document) -> Iterator[Diagnostic]:
    """Every addition names something the policy defines and its contract lacks."""
    data = doc.data
    ext = extension(data)
    base = section(data)
    fields = (base.get("case") or {}).get("fields") or {}
    facts = data.get("facts") or {}
    for i, name in enumerate(ext.get("facts") or []):
        where = ("contract_extension", "facts", i)
        if name not in facts:
            yield doc.diag(where, "contract", f"'{name}' is not a fact of the policy{suggest(name, list(facts))}")
        elif name in fields:
            yield doc.diag(where, "contract", f"'{name}' is a field of the case format already")
        elif (facts[name] or {}).get("required"):
            yield doc.diag(where, "contract-breaking", f"a new required field '{name}' would refuse the cases of today")
    decisions = [item.get("id") for item in data.get("decisions") or [] if isinstance(item, dict)]
    for rtype, ids in (ext.get("decisions") or {}).items():
        for i, did in enumerate(ids):
            if did not in decisions:
                yield doc.diag(
                    ("contract_extension", "decisions", rtype, i),
                    "contract",
                    f"'{did}' is not a decision of the policy{suggest(did, [d for d in decisions if d])}",
                )
    named = {did for wanted in (base.get("decisions") or {}).values() for did in wanted or {}}
    for did in ext.get("values") or {}:
        if did not in named:
            yield doc.diag(
                ("contract_extension", "values", did),
                "contract",
                f"'{did}' is not a decision of the contract{suggest(did, sorted(named))}",
            )


def _fields(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> dict[str, tuple[dict[str, Any], bool]]:
    """Every field of a generated case schema by its path (a list's item fields as
    ``history[].kind``): its schema, its ``$ref`` resolved, and whether it is required."""
    out: dict[str, tuple[dict[str, Any], bool]] = {}
    required = set(node.get("required") or [])
    for name, sub in (node.get("properties") or {}).items():
        path = f"{prefix}{name}"
        spec = resolved_spec(sub, defs)
        out[path] = (spec, name in required)
        if spec.get("properties"):
            out.update(_fields(spec, defs, path + "."))
        items = spec.get("items")
        if isinstance(items, dict) and items.get("properties"):
            out.update(_fields(items, defs, path + "[]."))
    return out


def resolved_spec(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A field's schema with its named type (``$ref``) and its null branch (``anyOf``) unfolded."""
    if "anyOf" in spec:
        branches = [s for s in spec["anyOf"] if s.get("type") != "null"]
        if len(branches) == 1:
            return {**resolved_spec(branches[0], defs), **{k: v for k, v in spec.items() if k != "anyOf"}}
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {
            **resolved_spec(defs.get(ref.rsplit("/", 1)[-1]) or {}, defs),
            **{k: v for k, v in spec.items() if k != "$ref"},
        }
    return spec


def _kind(spec: dict[str, Any]) -> str:
    """A field's type for comparison: ``enum``, ``date``, or its JSON types without null."""
    if "enum" in spec:
        return "enum"
    if spec.get("format") == "date":
        return "date"
    if "anyOf" in spec:
        return " or ".join(sorted(_kind(s) for s in spec["anyOf"] if s.get("type") != "null"))
    kind = spec.get("type")
    kinds = [k for k in kind if k != "null"] if isinstance(kind, list) else [kind]
    return " or ".join(sorted(str(k) for k in kinds))


# bounds a case must keep within: (JSON Schema keyword, True when a larger value lets more cases in)
_BOUNDS = (("maximum", True), ("maxLength", True), ("maxItems", True), ("minimum", False))


def _bound_changes(where: str, before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """A bound that refuses a case accepted before breaks; one that lets more in is additive."""
    out: list[tuple[str, str, str]] = []
    for keyword, larger_is_looser in _BOUNDS:
        was, now = before.get(keyword), after.get(keyword)
        if was == now:
            continue
        if now is None:
            looser = True
        elif was is None:
            looser = False
        else:
            looser = (now > was) == larger_is_looser
        what = f"{keyword} {'none' if was is None else was} -> {'none' if now is None else now}"
        out.append(("additive" if looser else "breaking", where, f"case field bound changed: {what}"))
    return out


def contract_changes(
    old: dict[str, Any], old_case: dict[str, Any], new: dict[str, Any], new_case: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(``additive`` or ``breaking``, subject, what changed) from one version's contract
    (the case fields, the decisions and their values) to the next's.  ``old_case`` and
    ``new_case`` are the case formats generated from the two contracts."""
    if section(old) and not section(new):
        return [("breaking", "contract", "the contract is dropped: cases would no longer be checked")]
    out: list[tuple[str, str, str]] = []
    before = _fields(old_case, old_case.get("$defs") or {})
    after = _fields(new_case, new_case.get("$defs") or {})
    for name, (spec, required) in before.items():
        where = f"case.{name}"
        if name not in after:
            out.append(("breaking", where, "case field removed"))
            continue
        now, now_required = after[name]
        if _kind(spec) != _kind(now):
            out.append(("breaking", where, f"case field retyped: {_kind(spec)} -> {_kind(now)}"))
            continue
        if now_required and not required:
            out.append(("breaking", where, "case field now required: the cases that leave it out are refused"))
        elif required and not now_required:
            out.append(("additive", where, "case field now optional"))
        if "enum" in spec:
            out.extend(
                _value_changes(
                    where, [v for v in spec["enum"] if v is not None], [v for v in now["enum"] if v is not None]
                )
            )
        out.extend(_bound_changes(where, spec, now))
    for name, (_spec, required) in after.items():
        if name not in before:
            out.append(
                ("breaking", f"case.{name}", "new required case field: the cases of today leave it out")
                if required
                else ("additive", f"case.{name}", "new optional case field")
            )
    was, now_types = contract_of(old)["request_types"], contract_of(new)["request_types"]
    for rtype in dict.fromkeys([*was, *now_types]):
        a, b = was.get(rtype, {}), now_types.get(rtype, {})
        for did, spec in a.items():
            if did not in b:
                out.append(("breaking", f"{rtype}.{did}", "decision removed from the contract"))
            elif spec.get("type") != b[did].get("type"):
                out.append(
                    ("breaking", f"{rtype}.{did}", f"decision retyped: {spec.get('type')} -> {b[did].get('type')}")
                )
            else:
                out.extend(_value_changes(f"{rtype}.{did}", spec.get("values") or [], b[did].get("values") or []))
        for did in b:
            if did not in a:
                out.append(("additive", f"{rtype}.{did}", "new decision"))
    return out


def _value_changes(where: str, before: list[Any], after: list[Any]) -> list[tuple[str, str, str]]:
    """A removed value breaks what relies on it; an added one is additive."""
    gone = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    out = [("breaking", where, f"values removed: {', '.join(map(str, gone))}")] if gone else []
    return out + ([("additive", where, f"values added: {', '.join(map(str, added))}")] if added else [])
