"""The expressions of a policy compiled as the assembly meets them (:mod:`policykit.policy.build`):
each once, with the names it may read, the kinds it is judged by (``lang/kinds.py``) and
every problem placed where the policy writes it; texts' placeholders checked too."""

from __future__ import annotations

from policykit.errors import Diagnostic
from policykit.lang.expr import Compiled, compile_expr
from policykit.lang.fastpath import lazy_fast_function
from policykit.limits import DEFAULT, Budget, LimitError, Limits
from policykit.policy.document import Document
from policykit.policy.model import Text
from policykit.policy.policy_data import value_items

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BUILTIN_NAMES = ("as_of", "policy.id", "policy.version", "policy.status")


class Expressions:
    """Compiles every expression of the policy, collecting diagnostics."""

    def __init__(self, doc: Document, precompiled: dict[str, Any] | None = None, limits: Limits = DEFAULT) -> None:
        self.doc = doc
        self.precompiled = precompiled
        self.compiled: dict[str, Compiled] = {}
        self.from_cache: dict[str, Compiled] = {}
        self.seen: dict[str, tuple[Compiled | None, list[Any]]] = {}
        self.budget = Budget(limits)
        data = doc.data
        names: dict[str, tuple[str, ...] | None] = {n: None for n in BUILTIN_NAMES}
        for name, fact in data["facts"].items():
            names[name] = tuple(fact.get("values") or ()) if fact["type"] == "enum" else None
        for name in data["parameters"]:
            names[f"params.{name}"] = None
        for _, _, item in value_items(data):
            names[item["id"]] = tuple(item.get("values") or ()) if item["type"] == "enum" else None
        self.names = names
        self._kinds: dict[str, str] | None = None
        self.diags: list[Diagnostic] = []

    @property
    def kinds(self) -> dict[str, str]:
        """The kind each name is declared with, where it is one comparisons are judged by:
        worked out when an expression is first compiled from its text (never for a policy
        read from the cache, whose expressions were judged when it was written)."""
        kinds = self._kinds
        if kinds is None:
            from policykit.lang.kinds import parameter_kind

            data = self.doc.data
            kinds = {"as_of": "date", "policy.id": "string", "policy.version": "string"}
            for name, fact in data["facts"].items():
                kinds[name] = fact["type"]
            for name, parameter in data["parameters"].items():
                kind = parameter_kind(parameter.get("value"))
                if kind is not None:
                    kinds[f"params.{name}"] = kind
            for _, _, item in value_items(data):
                kinds[item["id"]] = item["type"]
            self._kinds = kinds
        return kinds

    def compile(self, source: Any, path: tuple[Any, ...]) -> Compiled | None:
        if self.precompiled is not None and isinstance(source, str) and source in self.precompiled:
            shared = self.from_cache.get(source)
            if shared is not None:
                return shared  # the same text twice is compiled once, as below
            names, text, form = self.precompiled[source]  # from an authentic cache entry: data, checked again
            readable = self.names
            for read in names:  # (a loop, not all() over a generator: some two hundred expressions)
                if not (isinstance(read, str) and read in readable):
                    raise ValueError("a cached expression reads a name the policy does not have")
            fast = lazy_fast_function(text) if text is not None else None  # compiled when first run
            # its exact form: compiled from its parsed form when first run, once the form is checked
            shared = Compiled(source, frozenset(names), None, fast, self.names, text, form)
            self.from_cache[source] = shared
            return shared
        # an expression compiled from its text: its kinds checked, its problems worded (a
        # policy read from the cache loads neither module)
        from policykit.lang.hints import null_comparisons, spelled_at
        from policykit.lang.kinds import kind_mismatches, kind_problems

        known = self.seen.get(source) if isinstance(source, str) else None
        if known is None:
            try:
                self.budget.charge(1 + len(source) // 16 if isinstance(source, str) else 1)
            except LimitError as exc:  # placed at the expression that went over
                raise LimitError([self.doc.diag(path, d.code, d.message) for d in exc.diagnostics]) from None
            compiled, issues = compile_expr(source, self.names)
            if isinstance(source, str):
                self.seen[source] = (compiled, issues)
        else:
            compiled, issues = known  # the same text twice is compiled once
        if compiled is not None and isinstance(source, str):
            self.compiled[source] = compiled
            if "null" in source or "None" in source:
                for message in null_comparisons(compiled.form, self.doc.data["facts"]):
                    self.diags.append(self.doc.diag(path, "null-compare", message))
            for message in kind_mismatches(compiled.form, self.kinds):
                self.diags.append(self.doc.diag(path, "type-mismatch", message))
            for message in kind_problems(compiled.form, self.kinds):
                self.diags.append(self.doc.diag(path, "type-mismatch", message))
        for issue in issues:
            offset = spelled_at(source, issue.at) if isinstance(source, str) else None
            if offset is None:
                self.diags.append(self.doc.diag(path, issue.code, issue.message))
            else:  # at the name (or literal) itself, where the file lets it be found
                self.diags.append(self.doc.diag_in(path, source, offset, issue.code, issue.message))
        return compiled

    def condition(self, source: Any, path: tuple[Any, ...], strict: bool = False) -> Compiled | None:
        """:meth:`compile` of a condition, refused where its kind can never be yes or no as
        it is read (:func:`~policykit.lang.kinds.not_a_condition`; ``strict``: read as
        exactly true)."""
        compiled = self.compile(source, path)
        if compiled is not None and self.precompiled is None:
            from policykit.lang.kinds import not_a_condition

            said = not_a_condition(compiled.form, self.kinds, strict)
            if said is not None:
                self.diags.append(self.doc.diag(path, "not-a-condition", said))
        return compiled

    def parts(self, when: Any, path: tuple[Any, ...]) -> tuple[Compiled, ...]:
        if when is None:
            return ()
        if isinstance(when, list):
            out = [self.condition(w, path + (i,)) for i, w in enumerate(when)]
        else:
            out = [self.condition(when, path)]
        return tuple(c for c in out if c is not None)

    def template(self, text: Any, path: tuple[Any, ...]) -> Text | None:
        if not text:
            return None
        if self.precompiled is not None:  # an authentic cache entry: its names were checked when it was written
            return Text.of(text)
        import re

        from policykit.lang.hints import suggest

        for lang, template in text.items():
            for name in re.findall(r"\{([^{}]+)\}", template):
                if not _template_name_ok(name, self.names):
                    self.diags.append(
                        self.doc.diag_in(
                            path + (lang,),
                            template,
                            template.find("{" + name + "}"),  # at the placeholder itself
                            "unknown-name",
                            f"unknown name '{{{name}}}' in text{suggest(name, list(self.names))}",
                        )
                    )
            stray = re.search(r"[{}]", re.sub(r"\{[^{}]+\}", lambda m: " " * len(m.group()), template))
            if stray is not None:  # a brace of no placeholder: one left open, or closed twice
                said = "a '{' with no '}' after it" if stray.group() == "{" else "a '}' with no '{' before it"
                self.diags.append(
                    self.doc.diag_in(
                        path + (lang,),
                        template,
                        stray.start(),
                        "placeholder-syntax",
                        f"{said}: a placeholder is written {{name}}, and a text has no other braces",
                    )
                )
        return Text.of(text)


def _template_name_ok(name: str, names: dict[str, Any]) -> bool:
    if name in names or name in ("value", "due", "grounds"):
        return True
    parts = name.split(".")
    return any(".".join(parts[:k]) in names for k in range(1, len(parts)))
