"""Small-cell suppression of aggregate datasets, with a guard against differencing.

For each group of rows (``OpenDataAggregate.group_by``: rows whose total may be published
elsewhere, such as a petition's number of signatures) and each protected count column:

1. *Primary suppression*: a count from 1 to k − 1 is not published.
2. *Differencing guard*: once a group hides a cell, the hidden cells must be at least two and
   add up to at least k, so that "total minus what is shown" reveals no single cell and no
   sum below k; the smallest shown counts are hidden too until that holds.
3. When even hiding every cell of the group cannot meet that (a group of one row below k,
   whose value the total gives away), the rows with hidden cells are withheld altogether:
   nobody learns which rows they were.

A hidden cell is ``None`` (empty in CSV, ``null`` in JSON) and the row's ``suppressed``
column is true. Zero counts are published: they reveal nobody. No total row is ever added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from core.plugins import OpenDataAggregate

__all__ = ["protect"]


def _hide(rows: list[dict[str, Any]], column: str, k: int) -> set[int]:
    """Indexes of ``rows`` whose ``column`` must be hidden; raise ``_Withhold`` if it cannot."""
    values = [row.get(column) or 0 for row in rows]
    hidden = {i for i, value in enumerate(values) if 0 < value < k}
    if not hidden:
        return hidden
    shown = sorted((values[i], i) for i in range(len(rows)) if i not in hidden and values[i] > 0)
    while len(hidden) < 2 or sum(values[i] for i in hidden) < k:
        if not shown:
            raise _Withhold
        hidden.add(shown.pop(0)[1])
    return hidden


class _Withhold(Exception):
    pass


def _protect_group(rows: list[dict[str, Any]], aggregate: OpenDataAggregate, k: int) -> list[dict[str, Any]]:
    withheld: set[int] = set()
    suppressed: set[int] = set()
    for column in aggregate.counts:
        try:
            hidden = _hide(rows, column, k)
        except _Withhold:
            hidden = {i for i, row in enumerate(rows) if (row.get(column) or 0) > 0}
            withheld |= {i for i, row in enumerate(rows) if 0 < (row.get(column) or 0) < k}
        for i in hidden:
            rows[i][column] = None
        suppressed |= hidden
    kept = []
    for i, row in enumerate(rows):
        if i in withheld:
            continue
        row["suppressed"] = i in suppressed
        kept.append(row)
    return kept


def protect(rows: Iterable[dict[str, Any]], aggregate: OpenDataAggregate, k: int) -> Iterator[dict[str, Any]]:
    """The rows with small counts hidden, group by group (rows come ordered by group)."""
    def group_of(row: dict[str, Any]) -> tuple:
        return tuple(row.get(column) for column in aggregate.group_by)

    for _group, grouped in groupby(rows, key=group_of):
        yield from _protect_group([dict(row) for row in grouped], aggregate, k)
