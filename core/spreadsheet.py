"""Cells written for spreadsheets: the one function that defuses formula cells (CSV injection).

A spreadsheet opening a CSV file runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, which can fetch URLs or run commands. Every CSV
file Parvis writes passes its text cells through :func:`neutralise_cell`; files Parvis reads
refuse such cells instead (``core.participation.paper_import``, ``core.identity.census_file``).
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise_cell"]

#: The first characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would run it as a formula.

    The apostrophe is what spreadsheets themselves use to mark text; other values are
    returned unchanged. Numbers are not text cells: write them as numbers, not through here.
    """
    return "'" + value if value[:1] in FORMULA_STARTS else value
