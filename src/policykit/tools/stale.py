"""Checks that catch stale text: a number written in a clause, a parameter's description
or a reason that no longer says what the parameter says.

- A clause cited by a parameter that writes numbers of the parameter's unit, none of
  them its value (a clause that says 1 working day while the parameter is 2).
- A parameter's description that writes a number of its unit other than its value; so
  does the ``default_reason`` of a fact whose default is that parameter.
- An interpretation that names a clause a parameter cites (``(ops.x)`` in its text) and
  writes numbers of the parameter's unit, none of them its value.
- A reason template (``because``) that writes a number of the unit of a parameter its
  row reads, instead of ``{params.name}``.
- Between two versions: a clause whose Chinese text changed while its English did not,
  or the reverse (:func:`translation_findings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from policykit.policy.model import Fact, Parameter, Policy, Text
from policykit.tools.numbers import quantities, written_alone

UNITS = ("working_days", "days", "months", "count")


def _differs(text: str, lang: str, param: Parameter) -> list[str]:
    """The numbers of ``param``'s unit written in ``text``, if none of them is its value."""
    found = [(q.text, q.as_unit(param.unit)) for q in quantities(text, lang)]
    same_unit = [(written, n) for written, n in found if n is not None]
    if not same_unit or any(n == param.value for _, n in same_unit) or written_alone(text, param.value):
        return []
    return [written for written, _ in same_unit]


def _show(param: Parameter) -> str:
    return f"{param.value} ({param.unit.replace('_', ' ')})"


def stale_clause_numbers(policy: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, subject, message) of each clause and description whose numbers disagree
    with the parameter that cites it or that it describes."""
    for param in policy.parameters.values():
        if param.unit not in UNITS or isinstance(param.value, bool) or not isinstance(param.value, int):
            continue
        for line, subject, what, texts, but in _places(policy, param):
            for lang, text in texts:
                written = _differs(text, lang, param)
                if written:
                    yield line, subject, f"{what} ({lang}) writes {', '.join(written)}, {but}"


def stale_leftovers(policy: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, subject, message) of each clause (and interpretation naming one) that writes
    a number of a unit which none of the parameters citing it has, where each of them
    finds its own value written there: a clause of two numbers (3 days by express, 5 by
    freight) whose express parameter became 5 still writes 3."""
    params = [
        p
        for p in policy.parameters.values()
        if p.unit in UNITS and isinstance(p.value, int) and not isinstance(p.value, bool)
    ]
    for cid, clause in policy.clauses.items():
        citing = [p for p in params if cid in p.cites]
        texts: Iterable[tuple[str, str]] = (("zh", clause.zh), ("en", clause.en))
        yield from _leftovers(clause.line, f"clauses.{cid}", f"clause '{cid}'", texts, citing)
    for iid, meaning in policy.interpretations.items():
        texts = meaning.text.by_lang
        naming = [p for p in params if any(cid in text for cid in p.cites for _, text in texts)]
        yield from _leftovers(0, f"interpretations.{iid}", f"interpretation '{iid}'", texts, naming)


def _leftovers(
    line: int, subject: str, what: str, texts: Iterable[tuple[str, str]], params: list[Parameter]
) -> Iterator[tuple[int, str, str]]:
    for unit in dict.fromkeys(p.unit for p in params):
        mine = [p for p in params if p.unit == unit]
        values = {p.value for p in mine}
        for lang, text in texts:
            found = [(q.text, q.as_unit(unit)) for q in quantities(text, lang)]
            same_unit = [(written, n) for written, n in found if n is not None]
            if any(_differs(text, lang, p) for p in mine):
                continue  # a parameter's own value is not written: stale_clause_numbers says so
            left = [written for written, n in same_unit if n not in values]
            if left:
                named = ", ".join(f"'{p.name}' {_show(p)}" for p in mine)
                yield (
                    line,
                    subject,
                    f"{what} ({lang}) writes {', '.join(left)}, which none of the parameters it goes with is "
                    f"({named}): reword it or correct the parameter",
                )


Place = tuple[int, str, str, Iterable[tuple[str, str]], str]


def _places(policy: Policy, param: Parameter) -> Iterator[Place]:
    """(line, subject, what it is, its texts by language, what the parameter says) of each
    text that writes ``param``'s number: the clauses it cites, its description, the
    default reason of a fact it is the default of, an interpretation naming a clause it cites."""
    shown = _show(param)
    for cid in param.cites:
        clause = policy.clauses.get(cid)
        if clause is not None:
            but = f"but parameter '{param.name}' that cites it is {shown}: reword the clause or correct the parameter"
            yield clause.line, f"clauses.{cid}", f"clause '{cid}'", (("zh", clause.zh), ("en", clause.en)), but
    if param.description:
        what = f"the description of parameter '{param.name}'"
        yield 0, f"parameters.{param.name}", what, param.description.by_lang, f"but the parameter is {shown}"
    for name, fact in _defaulted_by(policy, param.name):
        if fact.default_reason:
            but = f"but its default, parameter '{param.name}', is {shown}"
            yield 0, f"facts.{name}", f"the default_reason of fact '{name}'", fact.default_reason.by_lang, but
    for iid, meaning in policy.interpretations.items():
        texts = meaning.text.by_lang
        if any(cid in text for cid in param.cites for _, text in texts):
            but = f"but parameter '{param.name}' of the clause it names is {shown}: reword it or correct the parameter"
            yield 0, f"interpretations.{iid}", f"interpretation '{iid}'", texts, but


def _defaulted_by(policy: Policy, param: str) -> list[tuple[str, Fact]]:
    """The facts whose default is parameter ``param`` (``default_param`` in the file)."""
    raw = policy.raw.get("facts") if isinstance(policy.raw, dict) else None
    if not isinstance(raw, dict):
        return []
    return [
        (name, policy.facts[name])
        for name, data in raw.items()
        if isinstance(data, dict) and data.get("default_param") == param and name in policy.facts
    ]


def hard_coded_reasons(policy: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, subject, message) of each reason that writes a parameter's number itself."""
    for value in policy.values.values():
        rows = (*value.rules, *([value.otherwise] if value.otherwise else []))
        for rule in rows:
            names = {n for p in (*rule.parts, *([rule.outcome] if rule.outcome else [])) for n in p.names}
            params = [policy.parameters[n[7:]] for n in sorted(names) if n.startswith("params.")]
            texts: list[Text] = [t for t in (rule.because, *rule.part_because) if t is not None]
            for param in params:
                if param.unit not in UNITS or not isinstance(param.value, int):
                    continue
                for text in texts:
                    for lang, words in text.by_lang:
                        hits = [q.text for q in quantities(words, lang) if q.as_unit(param.unit) is not None]
                        if hits:
                            yield (
                                rule.line,
                                f"{value.id} row {rule.index + 1}",
                                f"the reason ({lang}) writes {', '.join(hits)} where its row reads parameter "
                                f"'{param.name}': write {{params.{param.name}}} so that it follows the parameter",
                            )


def translation_findings(old: Policy, new: Policy) -> Iterator[tuple[int, str, str]]:
    """(line, subject, message) of each clause of ``new`` whose Chinese changed from
    ``old`` while its English did not, or the reverse."""
    for cid, clause in new.clauses.items():
        before = old.clauses.get(cid)
        if before is None:
            continue
        zh, en = before.zh != clause.zh, before.en != clause.en
        if zh and not en:
            yield clause.line, f"clauses.{cid}", f"clause '{cid}': its text changed since {old.version}, its en did not"
        elif en and not zh:
            yield clause.line, f"clauses.{cid}", f"clause '{cid}': its en changed since {old.version}, its text did not"
