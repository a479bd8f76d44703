"""Why a row of a first-hit table never decides: the earlier rows that cover it.

A row is shadowed when, on every input of the enumeration where its condition holds, an
earlier row holds too.  The rows a finding names are a smallest set of earlier rows that
decide some input such that whenever the shadowed row holds, one of them holds (not the
rows that happen to hold on one input: these may be more than needed, and miss the row
that covers the rest).  Each row of the set comes with an input where the shadowed row
holds and that row alone of the set does, so a finding of two or more rows can say which
decides where.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from typing import Any

MAX_TRIED = 20_000  # sets of rows tried for a smallest cover; past it, a cover no row of which can go


def shown(value: Any) -> str:
    """A value of an example input as a finding writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ones(mask: int) -> int:
    return bin(mask).count("1")


def covering_rows(holding: Sequence[int], row: int, deciding: Collection[int]) -> tuple[int, ...]:
    """A smallest set of the rows before ``row`` among ``deciding`` (the rows that decide
    some input) such that on every input where ``row`` holds one of them holds.
    ``holding``: for each input enumerated, the rows that hold on it (bit ``i``: row ``i``).
    Where too many sets would have to be tried, the rows that decide those inputs, less
    each one the others make unneeded."""
    inputs = [mask for mask in holding if mask >> row & 1]
    covers: dict[int, int] = {}  # an earlier row -> the inputs of ``inputs`` on which it holds
    for place, mask in enumerate(inputs):
        for j in deciding:
            if j < row and mask >> j & 1:
                covers[j] = covers.get(j, 0) | 1 << place
    every = (1 << len(inputs)) - 1
    candidates = sorted(covers)
    tried = 0
    for size in range(1, len(candidates) + 1):
        for rows in itertools.combinations(candidates, size):
            tried += 1
            if tried > MAX_TRIED:
                return _pruned(inputs, row, covers, every)
            found = 0
            for j in rows:
                found |= covers[j]
            if found == every:
                return rows
    return ()  # no input where ``row`` holds: it is dead, not shadowed


def _pruned(inputs: list[int], row: int, covers: dict[int, int], every: int) -> tuple[int, ...]:
    """The first row to hold on each input, less each row (the last first) the others cover without."""
    earlier = (1 << row) - 1
    chosen = sorted({((mask & earlier) & -(mask & earlier)).bit_length() - 1 for mask in inputs})
    for j in reversed(list(chosen)):
        rest = [k for k in chosen if k != j]
        found = 0
        for k in rest:
            found |= covers[k]
        if found == every:
            chosen = rest
    return tuple(chosen)


def cover_examples(
    inputs: Sequence[tuple[tuple[Any, ...], int]], row: int, cover: Sequence[int]
) -> list[tuple[Any, ...]]:
    """For each row of ``cover``, an input (of ``inputs``: its values, and the rows that hold
    on it) where ``row`` holds and that row alone of ``cover`` does: the one with the
    fewest other earlier rows holding, and for the rows after the first, the one nearest
    the first row's (so that the inputs differ where the rows do)."""
    wanted = 0
    for j in cover:
        wanted |= 1 << j
    earlier = (1 << row) - 1
    out: list[tuple[Any, ...]] = []
    for j in cover:
        mine = [(values, mask) for values, mask in inputs if mask >> row & 1 and mask & wanted == 1 << j]
        if not mine:  # (a smallest cover always has one)
            mine = [(values, mask) for values, mask in inputs if mask >> row & 1 and mask >> j & 1]
        if out:
            base = out[0]
            best = min(
                mine, key=lambda vm: (sum(a != b for a, b in zip(vm[0], base, strict=True)), _ones(vm[1] & earlier))
            )
        else:
            best = min(mine, key=lambda vm: _ones(vm[1] & earlier))
        out.append(best[0])
    return out


def shadow_message(
    vid: str, row: int, names: Sequence[str], inputs: Sequence[tuple[tuple[Any, ...], int]], cover: Sequence[int]
) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The words of a ``shadowed-row`` finding and its example input: the rows of ``cover``
    (numbered from 1), and where there are two or more, the values that choose each."""
    examples = cover_examples(inputs, row, cover)
    numbers = [j + 1 for j in cover]
    if len(cover) == 1:
        said = f"row {numbers[0]} always comes first"
    else:
        differ = [k for k in range(len(names)) if len({repr(e[k]) for e in examples}) > 1]
        where = "; ".join(
            f"row {n} where " + ", ".join(f"{names[k]} = {shown(e[k])}" for k in differ)
            for n, e in zip(numbers, examples, strict=True)
        )
        said = f"rows {', '.join(map(str, numbers))} always come first ({where})"
    example = tuple(zip(names, examples[0], strict=True)) if examples else ()
    return f"{vid} row {row + 1} never decides: {said}", example
