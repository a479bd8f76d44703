"""Values and texts in words: a reason's template filled in a language, a value by its
label, a cited clause with its verbatim text (and its link on the docs site)."""

from __future__ import annotations

from policykit.engine.record import Reason
from policykit.lang.dates import date
from policykit.lang.values import Unknown
from policykit.lang.values import plain as plain_value
from policykit.memo import lru_cache
from policykit.policy.model import Fact, Policy, Value
from policykit.policy.placeholders import simple, spans
from policykit.present.catalogue import day, say
from policykit.present.result import CitedClause, iso_day, jsonable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any


def render(policy: Policy, reason: Reason | None, lang: str, days: bool = False) -> str:
    """``reason``'s template in ``lang`` with each placeholder's value in words
    (``days``: each date with its weekday)."""
    if reason is None:
        return ""
    return fill(policy, template(reason.text.get(lang)), reason, lang, days)


def fill(policy: Policy, pieces: Iterable[tuple[bool, str]], reason: Reason, lang: str, days: bool = False) -> str:
    """A template's ``pieces`` (from :func:`template`) with each placeholder filled from ``reason``."""
    values = dict(reason.values)
    given = reason.plain
    return "".join(
        (
            plain(policy, values.get(piece), lang, days)
            if piece in given
            else show(policy, piece, values.get(piece), lang, days)
        )
        if is_name
        else piece
        for is_name, piece in pieces
    )


# the classes ``format`` shows as :func:`fmt` does (not a float: fmt shows 180.0 as 180, -0.0 as 0)
_AS_FORMATTED = frozenset({str, int, date})


class Filler:
    """A template in one language made ready to fill: :func:`fill` with the template's
    pieces turned once into a ``str.format`` text and each placeholder's :func:`show`
    specialised for its name (what the name is, whether it has labels, found once).

    Where no placeholder has labels, values of the classes ``format`` shows as :func:`fmt`
    does (a string, a number, a date when the view shows no weekday) are put in by one
    ``format`` call (:meth:`known`); ``nested`` renders the texts of a row's ground (a
    placeholder given plain), as :func:`render` does."""

    __slots__ = ("days", "direct", "fields", "form", "formatted", "lang", "nested", "pieces", "policy", "separator")

    def __init__(
        self,
        policy: Policy,
        pieces: tuple[tuple[bool, str], ...],
        lang: str,
        days: bool = False,
        nested: Callable[[Reason], str] | None = None,
    ) -> None:
        self.policy, self.pieces, self.lang, self.days = policy, pieces, lang, days
        self.nested = nested or (lambda reason: render(policy, reason, lang, days))
        self.separator = policy.message("list_separator", lang)
        self.form = "".join("{}" if is_name else _escaped(piece) for is_name, piece in pieces)
        self.fields = tuple((piece, shower(policy, piece, lang, days)) for is_name, piece in pieces if is_name)
        names = [piece for is_name, piece in pieces if is_name]
        plain_names = all(simple(n) and not _labelled(policy, n) for n in names)
        # ``{0[name]}`` looks each name up in the values: a missing one raises KeyError
        self.direct = (
            "".join("{0[" + piece + "]}" if is_name else _escaped(piece) for is_name, piece in pieces)
            if plain_names
            else None
        )
        self.formatted = _AS_FORMATTED - {date} if days else _AS_FORMATTED

    def __call__(self, reason: Reason) -> str:
        """What ``fill(policy, pieces, reason, lang, days)`` gives."""
        get = dict(reason.values).get
        given = reason.plain
        if given:  # values the caller gave, shown plain (a step's due day, a row's ground)
            return self.form.format(*[self._plain(get(n)) if n in given else shown(get(n)) for n, shown in self.fields])
        return self.form.format(*[shown(get(name)) for name, shown in self.fields])

    def known(self, reason: Reason, classes: tuple[type, ...]) -> str:
        """:meth:`__call__` for a reason whose values are of ``classes`` (found by the caller)."""
        if self.direct is not None and not reason.plain and self.formatted.issuperset(classes):
            values = reason.values
            try:
                if date in classes:  # days by their kept ISO text (format would print each anew)
                    return self.direct.format({n: iso_day(v) if v.__class__ is date else v for n, v in values})
                return self.direct.format(dict(values))
            except KeyError:  # a placeholder the reason gives no value for: shown as none
                pass
        return self(reason)

    def _plain(self, value: Any) -> str:
        """:func:`plain`, the ground's texts rendered by ``nested``."""
        if isinstance(value, tuple) and not isinstance(value, Reason):
            return self.separator.join([self.nested(r) for r in value])
        return fmt(self.policy, value, self.lang, self.days)


class Positional:
    """:meth:`Filler.known` for a reason with no value given plain, the values in the order
    the first reason gave them (a text's values come in one order): the template as a
    ``%`` form, each value put in by position (a ``{0[name]}`` field, looked up in a
    dictionary, costs four times as much), a day by its kept ISO text.  Only for a filler
    with a ``direct`` form, for values of the classes it shows (``shows``); None where the
    values come in another order or miss a placeholder (the caller renders the long way)."""

    __slots__ = ("form", "names", "order", "picks", "shows", "swap")

    def __init__(self, filler: Filler) -> None:
        self.form = "".join("%s" if is_name else piece.replace("%", "%%") for is_name, piece in filler.pieces)
        self.names = tuple(piece for is_name, piece in filler.pieces if is_name)
        self.shows = filler.formatted
        self.order: tuple[str, ...] | None = None  # the names of the values, as first given
        self.picks: tuple[int, ...] = ()  # for each placeholder, the place of its value
        self.swap: bool | None = None  # two values, each shown once: whether in turn (False) or swapped

    def _learn(self, values: tuple[tuple[str, Any], ...]) -> tuple[str, ...]:
        order = tuple([n for n, _ in values])
        if len(set(order)) != len(order) or not set(self.names) <= set(order):
            order = ()  # a name given twice, or a placeholder with no value: never taken
        else:
            self.picks = tuple(order.index(n) for n in self.names)
            self.swap = self.picks == (1, 0) if len(order) == 2 and self.picks in ((0, 1), (1, 0)) else None
        self.order = order
        return order

    def fill(self, values: tuple[tuple[str, Any], ...]) -> str | None:
        order = self.order
        if order is None:
            order = self._learn(values)
        swap = self.swap
        if swap is not None and len(values) == 2:
            (n0, v0), (n1, v1) = values
            if n0 != order[0] or n1 != order[1]:
                return None
            x0 = iso_day(v0) if v0.__class__ is date else v0
            x1 = iso_day(v1) if v1.__class__ is date else v1
            return self.form % ((x1, x0) if swap else (x0, x1))
        if tuple([n for n, _ in values]) != order or not order:
            return None
        shown = [iso_day(v) if v.__class__ is date else v for _, v in values]
        return self.form % tuple([shown[i] for i in self.picks])


def _labelled(policy: Policy, name: str) -> bool:
    target: Value | Fact | None = policy.values.get(name) or policy.facts.get(name)
    return bool(target is not None and target.labels)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def shower(policy: Policy, name: str, lang: str, days: bool = False) -> Callable[[Any], str]:
    """``show(policy, name, value, lang, days)`` as a function of the value alone, with the
    values most texts show (a string, a whole number, a date, yes or no, for a name with
    no labels) shown without looking anything up."""
    target: Value | Fact | None = policy.values.get(name) or policy.facts.get(name)

    if target is not None and target.labels:
        # a string is shown by its label (one with no words for this language: as it is)
        labels = {key: text.get(lang) for key, text in target.labels}

        def labelled(value: Any) -> str:
            if value.__class__ is str:
                return labels.get(value) or value
            return show(policy, name, value, lang, days)

        return labelled

    if name in BUILTIN_LABELS:
        return lambda value: show(policy, name, value, lang, days)
    yes, no = policy.message("yes_word", lang), policy.message("no_word", lang)

    def fast(value: Any) -> str:
        cls = value.__class__
        if cls is str:
            return value  # type: ignore[no-any-return]
        if cls is date and not days:
            return iso_day(value)
        if cls is int:
            return str(value)
        if cls is bool:
            return yes if value else no
        return show(policy, name, value, lang, days)

    return fast


def plain(policy: Policy, value: Any, lang: str, days: bool = False) -> str:
    """A value the caller gave: texts in words (a row's ground), joined; others by :func:`fmt`."""
    if isinstance(value, tuple) and not isinstance(value, Reason):
        return policy.message("list_separator", lang).join(render(policy, r, lang, days) for r in value)
    return fmt(policy, value, lang, days)


def show(policy: Policy, name: str, value: Any, lang: str, days: bool = False) -> str:
    """The value of ``name`` in words: by its label where the policy gives one."""
    target: Value | Fact | None = policy.values.get(name) or policy.facts.get(name)
    if value.__class__ is Unknown and value.values:
        # one of a few: name them all ("free repair / paid repair"; a list's: "misuse / misuse, third-party repair")
        return " / ".join(sorted(show(policy, name, plain_value(v), lang, days) for v in value.values))
    if target is not None and target.labels and not isinstance(value, Unknown):
        if isinstance(value, list):
            sep = say(policy, "list_sep", lang)
            return sep.join(target.label(v, lang) or str(v) for v in value) or say(policy, "none_word", lang)
        label = target.label(value, lang)
        if label:
            return label
    if target is None and value.__class__ is str and name in BUILTIN_LABELS:
        key = BUILTIN_LABELS[name] + value
        said = policy.message(key, lang)
        if said != key:  # (a value with no words of its own is shown as it is)
            return said
    return fmt(policy, value, lang, days)


BUILTIN_LABELS = {"policy.status": "status_"}
"""The names every policy has whose values policykit words itself: the key of a value's
words in the messages is the prefix and the value (``status_draft``)."""


def fmt(policy: Policy, value: Any, lang: str, days: bool = False) -> str:
    """A value with no label in words: yes/no, ISO dates, lists joined, "none" for none."""
    if isinstance(value, Unknown):
        return policy.message("unknown_value", lang)
    if value is None:
        return say(policy, "none_word", lang)
    if value is True:
        return policy.message("yes_word", lang)
    if value is False:
        return policy.message("no_word", lang)
    if isinstance(value, date):
        return day(policy, value, lang) if days else jsonable(value)
    if isinstance(value, list):
        return say(policy, "list_sep", lang).join(fmt(policy, v, lang, days) for v in value) or say(
            policy, "none_word", lang
        )
    if isinstance(value, dict):  # an item of a list fact (a repair of the history): its fields
        return "(" + ", ".join(f"{k}: {fmt(policy, v, lang, days)}" for k, v in value.items()) + ")"
    if value.__class__ is float and value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))  # a whole number as people write it: 180, not 180.0; 0, not -0.0
    return str(value)


def cited_clause(policy: Policy, cid: str, docs_url: str | None) -> CitedClause:
    """Clause ``cid`` with its verbatim text (built once per policy and docs address)."""
    known: dict[tuple[str, str | None], CitedClause] = policy.memo.setdefault("cited", {})
    cited = known.get((cid, docs_url))
    if cited is None:
        clause = policy.clauses[cid]
        url = None
        if docs_url:
            from policykit.present.links import clause_url  # (a link only with --docs-url)

            url = clause_url(docs_url, cid)
        cited = CitedClause(cid, clause.zh, clause.en, url)
        if len(known) < 10_000:
            known[(cid, docs_url)] = cited
    return cited


@lru_cache(maxsize=4096)
def template(text: str) -> tuple[tuple[bool, str], ...]:
    """A reason template as (is a name, text) pieces: ``"{a} and b"`` -> ((True, "a"), (False, " and b"))."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for start, end, name in spans(text):
        if start > last:
            pieces.append((False, text[last:start]))
        pieces.append((True, name))
        last = end
    if last < len(text):
        pieces.append((False, text[last:]))
    return tuple(pieces)
