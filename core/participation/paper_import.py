"""CSV import of paper sheets: every row is checked first, then all rows or none are imported.

Accepted files: UTF-8 (with or without a byte-order mark) or Windows-1252, ``;`` or ``,`` as
delimiter, a header line naming the columns (field names or their French aliases). Cells
beginning with ``= + - @``, a tab or a carriage return are refused: a spreadsheet would run
them as formulas when the file is opened again.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from core.participation.forms import paper_form_class, person_key_for
from core.participation.models import ParticipationRecord
from core.participation.registry import Subject
from core.participation.services import (
    AlreadyParticipated,
    ParticipationError,
    flush_pending,
    participate,
)

__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportReport", "RowError", "check_file", "import_rows"]

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ALIASES = {
    "nom": "family_name", "nom_de_famille": "family_name", "prenom": "given_names",
    "prenoms": "given_names", "date_de_naissance": "birth_date", "date_naissance": "birth_date",
    "code_postal": "postcode", "courriel": "email", "e_mail": "email",
    "adresse_electronique": "email", "reference": "sheet_reference", "feuille": "sheet_reference",
    "reference_feuille": "sheet_reference", "reference_de_la_feuille": "sheet_reference",
}
TRUE_WORDS = {"1", "oui", "o", "x", "yes", "true", "vrai"}


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header
    column: str
    message: str


@dataclass
class ValidRow:
    line: int
    person_key: str
    cleaned_data: dict[str, Any]


@dataclass
class ImportReport:
    rows: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _name(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "_".join(text.replace("-", " ").replace("'", " ").split())


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if b"\x00" in data:
        raise ValueError(_("Le fichier semble être en UTF-16 : enregistrez-le au format « CSV UTF-8 »."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(_("Encodage du fichier non reconnu : enregistrez-le au format « CSV UTF-8 ».")) from None


def _records(text: str) -> list[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, start = [], 1
    for row in reader:
        if any(cell.strip() for cell in row):
            records.append((start, row))
        start = reader.line_num + 1
    return records


def _columns(subject: Subject, header: list[str], form_fields: dict, report: ImportReport) -> list[str | None]:
    by_label = {_name(str(f.label or "")): name for name, f in form_fields.items()}
    columns: list[str | None] = []
    for cell in header:
        key = _name(cell)
        name = key if key in form_fields else ALIASES.get(key) or by_label.get(key)
        if name is None or name == "assisted":
            report.errors.append(RowError(1, cell, _("Colonne inconnue.")))
        elif name in columns:
            report.errors.append(RowError(1, cell, _("Colonne en double.")))
        columns.append(name)
    required = [n for n, f in form_fields.items() if f.required and n not in columns]
    for name in required:
        report.errors.append(RowError(1, name, _("Colonne obligatoire absente.")))
    return columns


def _cell_value(formfield: forms.Field, cell: str) -> Any:
    if isinstance(formfield, forms.MultipleChoiceField):
        return [part.strip() for part in cell.split("|") if part.strip()]
    if isinstance(formfield, forms.BooleanField):
        return "on" if cell.strip().casefold() in TRUE_WORDS else ""
    return cell.strip()


def _check_row(form_class, fields, columns, header, line, row, report) -> dict | None:
    if len(row) != len(columns):
        report.errors.append(RowError(line, "—", _("%(found)s colonnes au lieu de %(expected)s.")
                                      % {"found": len(row), "expected": len(columns)}))
        return None
    bad = False
    for cell, title in zip(row, header, strict=True):
        if cell.lstrip(" ").startswith(FORMULA_STARTS):
            report.errors.append(RowError(line, title, _(
                "Cellule refusée : elle commence par « %(char)s », qu'un tableur exécuterait comme "
                "une formule. Corrigez la cellule.") % {"char": cell.lstrip(" ")[:1].replace("\t", "tab").replace("\r", "CR")}))
            bad = True
    if bad:
        return None
    data = {name: _cell_value(fields[name], cell) for name, cell in zip(columns, row, strict=True)}
    form = form_class(data=data, with_assisted=False)
    if form.is_valid():
        return form.cleaned_data
    titles = dict(zip(columns, header, strict=True))
    for name, errors in form.errors.items():
        for message in errors:
            report.errors.append(RowError(line, titles.get(name, name if name != "__all__" else "—"), message))
    return None


def check_file(subject: Subject, data: bytes) -> ImportReport:
    """Decode and check every row; the report lists the valid rows and every error."""
    report = ImportReport()
    if len(data) > MAX_BYTES:
        report.errors.append(RowError(0, "—", _("Le fichier dépasse %(mb)s Mo : découpez-le.") % {"mb": MAX_BYTES // (1024 * 1024)}))
        return report
    try:
        records = _records(_decode(data))
    except (ValueError, csv.Error) as exc:
        report.errors.append(RowError(0, "—", str(exc)))
        return report
    if not records:
        report.errors.append(RowError(0, "—", _("Le fichier est vide.")))
        return report
    if len(records) - 1 > MAX_ROWS:
        report.errors.append(RowError(0, "—", _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS}))
        return report
    form_class = paper_form_class(subject.type)
    (_line, header), rows = records[0], records[1:]
    fields = form_class(with_assisted=False).fields
    columns = _columns(subject, header, fields, report)
    if report.errors:
        return report
    if not rows:
        report.errors.append(RowError(0, "—", _("Le fichier ne contient aucune ligne après l'en-tête.")))
        return report
    seen: dict[str, int] = {}
    for line, row in rows:
        cleaned = _check_row(form_class, fields, columns, header, line, row, report)
        if cleaned is None:
            continue
        key = person_key_for(subject.type, cleaned)
        if key in seen:
            report.errors.append(RowError(line, "—", _("Même personne qu'à la ligne %(line)s.") % {"line": seen[key]}))
            continue
        seen[key] = line
        report.rows.append(ValidRow(line, key, cleaned))
    _check_existing(subject, report)
    report.errors.sort(key=lambda error: error.line)
    return report


def _check_existing(subject: Subject, report: ImportReport) -> None:
    by_key = {row.person_key: row for row in report.rows}
    keys = list(by_key)
    for start in range(0, len(keys), 500):
        records = ParticipationRecord.objects.filter(subject_key=subject.key, person_key__in=keys[start:start + 500])
        for record in records:
            if record.withdrawn_at is None or record.invalidated_at is not None:
                row = by_key[record.person_key]
                report.errors.append(RowError(row.line, "—", AlreadyParticipated(record).message_for_agent))


def import_rows(subject: Subject, rows: list[ValidRow], *, agent: Any,
                eligibility_attested: bool = False) -> int:
    """Import checked rows in one transaction (all or none), then append them to the ledger.

    ``eligibility_attested``: the agent checked that every person meets the subject's
    eligibility rules (required when it has some; see :func:`participate`).
    """
    choice_from_paper = subject.type.choice_from_paper or (lambda cleaned: None)
    with transaction.atomic():
        for row in rows:
            data = {**row.cleaned_data, "subject_key": subject.key}
            try:
                choice = choice_from_paper(data)
            except ValueError as exc:  # the plugin refuses the ballot: nothing is imported
                raise ParticipationError(_("Ligne %(line)s : %(error)s") % {"line": row.line, "error": exc}) from None
            participation = participate(
                subject_key=subject.key, person_key=row.person_key, channel="paper",
                choice=choice, entered_by=agent,
                sheet_reference=row.cleaned_data["sheet_reference"], subject=subject, append=False,
                eligibility_attested=eligibility_attested,
            )
            if subject.type.on_paper_entry is not None:
                subject.type.on_paper_entry(subject.key, participation.record, data)
    flush_pending(subject.key)
    return len(rows)
