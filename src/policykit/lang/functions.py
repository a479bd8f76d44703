"""The functions a policy expression may call: a fixed whitelist, nothing else.

Each takes known values (the compiler wraps it so that an unknown argument makes the
result unknown, unless the function is marked ``sees_unknown``) and ``None`` as "not
applicable": a date function given ``None`` returns ``None``.
"""

from __future__ import annotations

import _operator as operator  # (operator.py re-exports these C functions; importing it loads nothing they need)

from policykit.lang import dates
from policykit.lang.dates import date
from policykit.lang.values import Unknown, finite

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NamedTuple

    from policykit.limits import Budget
else:
    from policykit.records import NamedTuple


class Function(NamedTuple):
    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int
    doc: str
    sees_unknown: bool = False
    needs_calendar: bool = False
    none_gives_none: bool = False
    takes_name: bool = False
    cost: Callable[..., int] | None = None
    """units of work a call costs, from its arguments (charged before it runs); None for a
    call of constant cost, which the row that makes it has paid for"""
    count_unit: str | None = None
    """the unit its second argument counts in (``days``, ``working_days``, ``months``): a
    parameter of another unit passed there is a finding of ``policykit check``"""
    field_args: int = 0
    """how many arguments after the first name a field of the first's entries (-1: all of
    them): read so, the field is said by its words where the policy gives them"""
    field_value_arg: int = 0
    """the argument compared with the values of the first field named (0: none): said by
    their labels"""
    keeps_entries: bool = False
    """it gives entries of its first argument (some of them, or one): their fields are
    those of the list's entries"""


def _items_cost(items: Any, *rest: Any) -> int:
    """A function that reads each item of a list (and, for ``where``, each allowed value)."""
    n = len(items) if isinstance(items, list) else 1
    for arg in rest:
        if isinstance(arg, list):
            n *= max(len(arg), 1)
    return n + 1


def _days_cost(day: Any, count: Any) -> int:
    return abs(count) + 1 if isinstance(count, int) else 1


def _len(value: Any) -> int:
    return 0 if value is None else len(value)


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a JSON-like value: equal values give equal stand-ins."""
    if isinstance(value, dict):
        return (dict, frozenset((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (list, tuple([_frozen(v) for v in value]))
    return value  # a scalar: equal ones (1, 1.0 and True too) hash alike


def _distinct(items: list[Any] | None) -> list[Any]:
    if items is None or len(items) <= 32:  # a short list: a scan is quicker than hashing
        kept: list[Any] = []
        for item in items or []:
            if item is not None and item not in kept:
                kept.append(item)
        return kept
    seen: set[Any] = set()  # a long one: in time linear in its length
    out: list[Any] = []
    for item in items or []:
        if item is None:
            continue
        key = _frozen(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _pluck(items: list[dict[str, Any]] | None, field: str) -> list[Any]:
    return [item.get(field) for item in items or [] if item.get(field) is not None]


def _where(items: list[dict[str, Any]] | None, field: str, value: Any) -> list[dict[str, Any]]:
    allowed = value if isinstance(value, list) else [value]
    return [item for item in items or [] if item.get(field) in allowed]


def _between(items: list[dict[str, Any]] | None, field: str, low: Any, high: Any) -> list[dict[str, Any]]:
    out = []
    for item in items or []:
        value = item.get(field)
        if value is None:
            continue
        if (low is None or low <= value) and (high is None or value <= high):
            out.append(item)
    return out


def _at_most(items: list[dict[str, Any]] | None, field: str, limit: Any) -> list[dict[str, Any]]:
    return _between(items, field, None, limit)


def _min_by(items: list[dict[str, Any]] | None, *fields: str) -> dict[str, Any] | None:
    candidates = [item for item in items or [] if all(item.get(f) is not None for f in fields)]
    if not candidates:
        return None
    return min(candidates, key=lambda item: tuple([item[f] for f in fields]))


def _best_per_limit(items: list[dict[str, Any]] | None, limit: str, *fields: str) -> list[dict[str, Any]]:
    """For each distinct value L of the ``limit`` field, the :func:`_min_by` item among those
    with ``limit`` <= L: every item a choice "the best within a limit" can give, whatever the limit."""
    limits: list[Any] = sorted({item[limit] for item in items or [] if item.get(limit) is not None})
    out = []
    for value in limits:
        best = _min_by(_at_most(items, limit, value), *fields)
        if best is not None:
            out.append(best)
    return out


def _get(obj: dict[str, Any] | None, field: str) -> Any:
    return None if obj is None else obj.get(field)


def _latest(*values: Any) -> Any:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _earliest(*values: Any) -> Any:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _is_known(value: Any) -> bool:
    return value.__class__ is not Unknown


def _is_true(value: Any) -> bool:
    return value is True


def _trim(value: Any) -> Any:
    return value.strip() if value.__class__ is str else value


def _coalesce(value: Any, fallback: Any) -> Any:
    # the first is an optional refinement: unknown, it gives way to the fallback, which is
    # then what a missing-facts list asks for
    if value.__class__ is Unknown or value is None:
        return fallback
    return value


def arithmetic(budget: Budget, op: str, a: Any, b: Any) -> Any:
    """``a + b`` or ``a - b`` of known values, within the budget's size limits.

    Lists and strings may be joined, numbers added, days added to dates; a date minus a
    date is refused (``days_between`` says how many days apart they are)."""
    if op == "+" and (a.__class__ is list or a.__class__ is str) and a.__class__ is b.__class__:
        budget.size_of_join(a, b)
        return operator.add(a, b)
    if a.__class__ is bool or b.__class__ is bool:
        raise TypeError(f"cannot {'add' if op == '+' else 'subtract'} yes/no values")
    result = a + b if op == "+" else a - b
    if isinstance(result, float) and not finite(result):
        raise ValueError(f"'{op}' gives a number too large to write")
    if not isinstance(result, (int, float, date)) or isinstance(result, bool):
        raise TypeError(
            f"'{op}' of {type(a).__name__} and {type(b).__name__} is not allowed"
            + (": days_between(a, b) gives the days between two dates" if isinstance(a, date) else "")
        )
    return result


def _add_working_days(calendar: dates.WorkCalendar | dates.WatchedCalendar, day: date, count: int) -> date:
    return calendar.add_working_days(day, count)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in [
        Function(
            "add_days",
            dates.add_days,
            2,
            2,
            "add_days(date, n): n calendar days later",
            none_gives_none=True,
            count_unit="days",
        ),
        Function(
            "add_months",
            dates.add_months,
            2,
            2,
            "add_months(date, n): same day n months later, clamped to the month's end",
            none_gives_none=True,
            count_unit="months",
        ),
        Function(
            "add_working_days",
            _add_working_days,
            2,
            2,
            "add_working_days(date, n): the n-th working day after date",
            needs_calendar=True,
            none_gives_none=True,
            cost=_days_cost,
            count_unit="working_days",
        ),
        Function(
            "days_between",
            dates.days_between,
            2,
            2,
            "days_between(a, b): calendar days from a to b",
            none_gives_none=True,
        ),
        Function("len", _len, 1, 1, "len(list): number of items"),
        Function(
            "distinct",
            _distinct,
            1,
            1,
            "distinct(list): items without repeats, in order",
            cost=_items_cost,
            keeps_entries=True,
        ),
        Function("pluck", _pluck, 2, 2, "pluck(list, field): that field of every item", cost=_items_cost, field_args=1),
        Function(
            "where",
            _where,
            3,
            3,
            "where(list, field, value): items whose field equals value (or is in it)",
            cost=_items_cost,
            field_args=1,
            keeps_entries=True,
            field_value_arg=2,
        ),
        Function(
            "between",
            _between,
            4,
            4,
            "between(list, field, low, high): items with low <= field <= high",
            cost=_items_cost,
            field_args=1,
            keeps_entries=True,
        ),
        Function(
            "at_most",
            _at_most,
            3,
            3,
            "at_most(list, field, limit): items with field <= limit",
            cost=_items_cost,
            field_args=1,
            keeps_entries=True,
        ),
        Function(
            "min_by",
            _min_by,
            2,
            4,
            "min_by(list, field, ...): the item with the smallest fields",
            cost=_items_cost,
            field_args=-1,
            keeps_entries=True,
        ),
        Function(
            "best_per_limit",
            _best_per_limit,
            3,
            5,
            "best_per_limit(list, limit_field, field, ...): for each value L of limit_field, "
            "min_by(field, ...) of the items with limit_field <= L",
            cost=_items_cost,
            field_args=-1,
            keeps_entries=True,
        ),
        Function("get", _get, 2, 2, "get(item, field): one field of an item", field_args=1),
        Function("latest", _latest, 1, 8, "latest(a, b, ...): the latest known value"),
        Function("earliest", _earliest, 1, 8, "earliest(a, b, ...): the earliest known value"),
        Function("is_known", _is_known, 1, 1, "is_known(x): the case gives x", sees_unknown=True),
        Function(
            "is_given",
            _is_known,
            1,
            1,
            "is_given(fact): the case itself gives the fact (not its default)",
            takes_name=True,
        ),
        Function("is_true", _is_true, 1, 1, "is_true(x): x is known and true", sees_unknown=True),
        Function("coalesce", _coalesce, 2, 2, "coalesce(x, fallback): x if known and not null", sees_unknown=True),
        Function("trim", _trim, 1, 1, "trim(text): the text without white space at either end (null stays null)"),
    ]
}
