"""Reading an uploaded census file: encodings, delimiters, columns, and every bad row.

The file is refused as a whole when any row is wrong; the report names each line and what to
fix. Names are hashed right away: they never reach the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from core.identity import conf
from core.identity.normalise import identity_hash, normalise_text

#: Accepted headers (normalised) for each column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "family_name": ("nom", "nom de famille", "nom de naissance", "family name", "family_name",
                    "last name"),
    "given_names": ("prenom", "prenoms", "prenom s", "given names", "given_names",
                    "first name", "first names"),
    "birth_date": ("date de naissance", "date naissance", "date_naissance", "naissance",
                   "birth date", "birth_date", "birthdate"),
    "area": ("secteur", "quartier", "code postal", "code_postal", "cp", "commune", "district",
             "postcode", "area"),
}
REQUIRED = ("family_name", "given_names", "birth_date")
#: Cells that a spreadsheet would run as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_REPORTED_ERRORS = 50
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass
class CensusRow:
    line: int
    identity_hash: str
    birth_date: date
    area: str


@dataclass
class CensusReport:
    rows: list[CensusRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message); 0: file
    ignored_columns: list[str] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    def error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, message))
        else:
            self.more_errors += 1


def decode(raw: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252; ``None`` for anything else."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _header_map(header: list[str], report: CensusReport) -> dict[str, int] | None:
    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = aliases.get(normalise_text(name))
        if key is None:
            if name.strip():
                report.ignored_columns.append(name.strip()[:60])
        elif key in found:
            report.error(1, _("La colonne « %(name)s » apparaît deux fois.") % {"name": name})
        else:
            found[key] = index
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        report.error(1, _(
            "Colonnes attendues : nom ; prénoms ; date de naissance ; secteur (quartier ou code "
            "postal). Il manque : %(missing)s. Vérifiez la première ligne du fichier."
        ) % {"missing": ", ".join(COLUMNS[key][0] for key in missing)})
        return None
    return found


def parse_census(raw: bytes, *, area_required: bool = True) -> CensusReport:
    """Check every row of ``raw``; return the rows to store (hashed) or the errors."""
    report = CensusReport()
    if len(raw) > conf.get_int("PARVIS_IDENTITY_CENSUS_MAX_BYTES"):
        report.error(0, _("Le fichier est trop volumineux (%(max)d Mo au plus).")
                     % {"max": conf.get_int("PARVIS_IDENTITY_CENSUS_MAX_BYTES") // (1024 * 1024)})
        return report
    text = decode(raw)
    if text is None or "\x00" in text:
        report.error(0, _("Le fichier n'est pas un fichier texte CSV en UTF-8 ou Windows-1252. "
                          "Enregistrez-le au format « CSV (séparateur : point-virgule) »."))
        return report
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        report.error(0, _("Le fichier est vide."))
        return report
    first = lines[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        report.error(0, _("Le fichier CSV est mal formé (%(detail)s).") % {"detail": exc})
        return report
    columns = _header_map(records[0], report)
    if columns is None:
        return report
    if "area" not in columns and area_required:
        report.error(1, _("Il manque la colonne « secteur » (quartier ou code postal)."))
        return report
    max_rows = conf.get_int("PARVIS_IDENTITY_CENSUS_MAX_ROWS")
    seen: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(report.rows) >= max_rows:
            report.error(number, _("Trop de lignes : %(max)d au plus par liste.") % {"max": max_rows})
            break
        _check_row(number, record, columns, report, seen, area_required)
    if not report.rows and report.ok:
        report.error(0, _("Le fichier ne contient aucune personne."))
    return report


def _check_row(number, record, columns, report, seen, area_required) -> None:
    if len(record) < len(set(columns.values())) or len(record) <= max(columns.values()):
        report.error(number, _("Il manque des cellules sur cette ligne."))
        return
    for cell in record:
        if cell.startswith(FORMULA_STARTS):
            report.error(number, _("Une cellule commence par « %(char)s » : les formules sont "
                                   "refusées.") % {"char": cell[0].strip() or _("tabulation")})
            return
    values = {key: record[index].strip() for key, index in columns.items()}
    if not values["family_name"] or not values["given_names"]:
        report.error(number, _("Le nom et le prénom sont obligatoires."))
        return
    if max(len(v) for v in values.values()) > 200:
        report.error(number, _("Une cellule dépasse 200 caractères."))
        return
    born = parse_date(values["birth_date"])
    if born is None or born.year < 1900 or born > date.today():
        report.error(number, _("Date de naissance « %(value)s » illisible : écrivez-la "
                               "JJ/MM/AAAA.") % {"value": values["birth_date"][:20]})
        return
    area = values.get("area", "")
    if area_required and not area:
        report.error(number, _("Le secteur (quartier ou code postal) est obligatoire."))
        return
    if re.search(r"[<>]", area):
        report.error(number, _("Le secteur contient des caractères non autorisés."))
        return
    key = identity_hash(values["family_name"], values["given_names"], born)
    if key in seen:
        report.error(number, _("Doublon de la ligne %(line)d (même nom, même prénom, même date "
                               "de naissance).") % {"line": seen[key]})
        return
    seen[key] = number
    report.rows.append(CensusRow(number, key, born, area))
