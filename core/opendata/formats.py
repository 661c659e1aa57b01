"""Writers of the export formats, each a generator of text chunks (the response is streamed).

* CSV: RFC 4180, comma-separated, UTF-8 without a byte-order mark (``bom=True`` adds one, for
  spreadsheets that would otherwise read the file as Windows-1252); the first line names the
  columns; text cells pass through :func:`core.spreadsheet.neutralise_cell`.
* JSON: one object with the dataset's metadata (licence included) and ``rows``.
* GeoJSON (RFC 7946): a ``FeatureCollection`` whose features carry the row as ``properties``;
  the metadata are foreign members of the collection.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.spreadsheet import neutralise_cell

__all__ = ["csv_chunks", "json_chunks", "geojson_chunks", "valid_geometry"]

BOM = "\ufeff"


def _plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO 8601, decimals as numbers, lazy strings as text."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _csv_cell(value: Any) -> str | int | float:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise_cell(value)


class _Line:
    """A file-like object whose ``write`` returns what the csv module gives it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(columns: list[str], rows: Iterable[dict[str, Any]], *, bom: bool = False) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield (BOM if bom else "") + writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(row.get(column)) for column in columns])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain, separators=(",", ":"))


def json_chunks(metadata: dict[str, Any], columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    head = _dumps(metadata)
    yield head[:-1] + ',"rows":['
    for index, row in enumerate(rows):
        yield ("," if index else "") + _dumps({column: _plain(row.get(column)) for column in columns})
    yield "]}"


def valid_geometry(geometry: Any) -> dict[str, Any] | None:
    """``geometry`` if it is a GeoJSON Point with longitude then latitude in range, else ``None``.

    Only points are published for now: other shapes are dropped rather than passed on unchecked.
    """
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, (list, tuple)) or len(coordinates) not in (2, 3):
        return None
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates):
        return None
    longitude, latitude = coordinates[0], coordinates[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return None
    return {"type": "Point", "coordinates": [float(c) for c in coordinates]}


def geojson_chunks(metadata: dict[str, Any], columns: list[str], rows: Iterable[dict[str, Any]],
                   geometry_key: str) -> Iterator[str]:
    head = _dumps({"type": "FeatureCollection", **metadata})
    yield head[:-1] + ',"features":['
    for index, row in enumerate(rows):
        feature = {
            "type": "Feature",
            "geometry": valid_geometry(row.get(geometry_key)),
            "properties": {column: _plain(row.get(column)) for column in columns},
        }
        yield ("," if index else "") + _dumps(feature)
    yield "]}"
