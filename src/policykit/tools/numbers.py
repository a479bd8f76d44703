"""Numbers written in a text with their unit, in Arabic or the language's own numerals
(``within 2 working days``, ``one (1) year``; in Chinese, the forms of ``numbers.yaml``).
The numerals and unit words of each language are data (``numbers.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).with_name("numbers.yaml")
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Quantity:
    """A number in a text, in the unit of time or count it was written with."""

    value: int
    unit: str  # working_days, days, months, years, count
    text: str  # as written

    def as_unit(self, unit: str) -> int | None:
        """The quantity in ``unit`` (years become months), or None where it is not that kind."""
        if self.unit == unit:
            return self.value
        if self.unit == "years" and unit == "months":
            return self.value * MONTHS_PER_YEAR
        return None


@dataclass(frozen=True)
class _Language:
    pattern: re.Pattern[str]
    digits: dict[str, int]
    multipliers: dict[str, int]
    units: dict[str, str]  # word -> unit


@cache
def _languages() -> dict[str, _Language]:
    with open(_FILE, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    out = {}
    for lang, spec in data.items():
        digits = {str(k): int(v) for k, v in spec["digits"].items()}
        multipliers = {str(k): int(v) for k, v in (spec.get("multipliers") or {}).items()}
        units = {str(word): unit for unit, words in spec["units"].items() for word in words}
        words = sorted(units, key=len, reverse=True)
        if lang == "en":
            number = r"\b(?P<n>[0-9]+|" + "|".join(sorted(digits, key=len, reverse=True)) + r")\b"
            gap = r"(?:\s*\([0-9]+\))?\s+"
            tail = r"\b"
        else:
            chars = "".join(re.escape(c) for c in (*digits, *multipliers))
            number = rf"(?P<n>[0-9]+|[{chars}]+)"
            gap = r"\s*"
            tail = ""
        pattern = re.compile(number + gap + "(?P<u>" + "|".join(re.escape(w) for w in words) + ")" + tail, re.I)
        out[lang] = _Language(pattern, digits, multipliers, units)
    return out


def _value(text: str, lang: _Language) -> int | None:
    if text.isdigit():
        return int(text)
    if text.lower() in lang.digits and not lang.multipliers:
        return lang.digits[text.lower()]
    total, current = 0, 0
    for char in text:
        if char in lang.digits:
            current = lang.digits[char]
        elif char in lang.multipliers:
            total += (current or 1) * lang.multipliers[char]
            current = 0
        else:
            return None
    return total + current


def quantities(text: str, lang: str) -> list[Quantity]:
    """Every number with a unit in ``text`` written in ``lang`` (none for a language
    the numbers file does not know)."""
    spec = _languages().get(lang)
    if spec is None:
        return []
    out = []
    for match in spec.pattern.finditer(text):
        value = _value(match.group("n"), spec)
        unit = spec.units.get(match.group("u")) or spec.units.get(match.group("u").lower())
        if value is not None and unit is not None:
            out.append(Quantity(value, unit, match.group(0)))
    return out


def written_alone(text: str, value: int) -> bool:
    """Whether ``text`` writes ``value`` as a number of its own with no unit beside it, as
    the second of two quantities sharing one (``+ 3 calendar days for express and + 5 for
    freight``): not within a word, a date, a decimal or a clause number."""
    return re.search(rf"(?<=[\s+]){value}(?=\s)", text) is not None  # (not "(2)", "2、", "2.1")
