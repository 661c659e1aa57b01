"""The table of postcode positions: loading it from a file, reading it for a map.

Two kinds of file are read:

- the GeoNames postal code dump of a country (``FR.txt`` in ``FR.zip`` from
  https://download.geonames.org/export/zip/, CC BY 4.0): tab-separated, no header, the postcode
  in the 2nd column, the place in the 3rd, latitude and longitude in the 10th and 11th;
- a CSV file with a header naming the columns ``postcode`` (or ``code_postal``), ``name`` (or
  ``nom_commune``), ``latitude`` and ``longitude``, separated by commas, semicolons or tabs.

Several lines of one postcode (the communes it covers) become one position: their centre, named
after them. Lines that cannot be read are reported with their number and skipped; a file with no
readable line changes nothing.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from plugins.mapping.models import PostcodePosition

POSTCODE_COLUMNS = ("postcode", "code_postal", "postal_code")
NAME_COLUMNS = ("name", "nom_commune", "place_name", "commune")
MAX_NAMES = 3


class PositionFileError(ValueError):
    """The file holds no position that can be read: nothing was changed."""


@dataclass
class LoadReport:
    postcodes: int = 0
    lines: int = 0
    errors: list[str] = field(default_factory=list)


def normalise_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def _number(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _rows(lines: list[str]) -> Iterable[tuple[int, str, str, str, str] | tuple[int, None]]:
    """(line number, postcode, name, latitude, longitude) for each line; (number, None) for a
    line without enough columns."""
    first = lines[0] if lines else ""
    if "latitude" in first.lower():
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
        reader = csv.reader(lines, dialect)
        header = [column.strip().lower() for column in next(reader)]
        try:
            indexes = (
                next(header.index(c) for c in POSTCODE_COLUMNS if c in header),
                next(header.index(c) for c in NAME_COLUMNS if c in header),
                header.index("latitude"), header.index("longitude"),
            )
        except (StopIteration, ValueError):
            raise PositionFileError(_("L'en-tête doit nommer les colonnes postcode, name, latitude et longitude.")) from None
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            yield (number, *(row[i] for i in indexes)) if len(row) > max(indexes) else (number, None)
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.rstrip("\r\n").split("\t")
        yield (number, cells[1], cells[2], cells[9], cells[10]) if len(cells) >= 11 else (number, None)


def read_positions(lines: list[str]) -> tuple[list[PostcodePosition], LoadReport]:
    report = LoadReport()
    grouped: dict[str, tuple[list[float], list[float], list[str]]] = {}
    for number, *cells in _rows(lines):
        if cells[0] is None:
            report.errors.append(_("ligne %(n)d : colonnes manquantes") % {"n": number})
            continue
        postcode_text, name, latitude_text, longitude_text = cells
        postcode = normalise_postcode(postcode_text)
        latitude, longitude = _number(latitude_text, -90, 90), _number(longitude_text, -180, 180)
        if not postcode or len(postcode) > 10:
            report.errors.append(_("ligne %(n)d : code postal illisible") % {"n": number})
            continue
        if latitude is None or longitude is None:
            report.errors.append(_("ligne %(n)d : latitude ou longitude illisible") % {"n": number})
            continue
        latitudes, longitudes, names = grouped.setdefault(postcode, ([], [], []))
        latitudes.append(latitude)
        longitudes.append(longitude)
        if name.strip() and name.strip() not in names:
            names.append(name.strip())
        report.lines += 1
    positions = []
    for postcode, (latitudes, longitudes, names) in grouped.items():
        label = ", ".join(names[:MAX_NAMES]) + ("…" if len(names) > MAX_NAMES else "")
        positions.append(PostcodePosition(
            postcode=postcode, name=label[:255] or postcode,
            latitude=sum(latitudes) / len(latitudes), longitude=sum(longitudes) / len(longitudes),
        ))
    report.postcodes = len(positions)
    return positions, report


def load_positions(lines: list[str]) -> LoadReport:
    """Replace the table with the positions of ``lines`` (one transaction); raise
    :class:`PositionFileError`, changing nothing, when no line can be read."""
    positions, report = read_positions(lines)
    if not positions:
        detail = "; ".join(report.errors[:5])
        raise PositionFileError(_("Aucune position lisible dans ce fichier.") + (f" ({detail})" if detail else ""))
    with transaction.atomic():
        PostcodePosition.objects.all().delete()
        PostcodePosition.objects.bulk_create(positions, batch_size=1000)
    return report


def positions_of(postcodes: Iterable[str]) -> dict[str, PostcodePosition]:
    """The known positions of ``postcodes``, by normalised postcode (one query)."""
    wanted = {normalise_postcode(p) for p in postcodes if p}
    if not wanted:
        return {}
    return {p.postcode: p for p in PostcodePosition.objects.filter(postcode__in=wanted)}
