"""Agents' paper entry and CSV import, printable forms, and the public ledger pages."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.hosts import absolute_url, serve_here
from core.middleware import cache_parameters
from core.participation import paper_import
from core.participation.forms import CsvImportForm, ReceiptForm, paper_form_class, person_key_for
from core.participation.models import LedgerLog, LedgerPublicKey
from core.participation.receipts import receipt_status
from core.participation.registry import Subject, UnknownSubject, get_subject
from core.participation.services import (
    AlreadyParticipated,
    ParticipationError,
    channel_counts,
    export,
    participate,
)
from core.permissions import has_role

AGENT_ROLES = ("agent", "admin")


def _subject(request, subject_key: str) -> Subject:
    """The subject, on the host of its organisation (``core.hosts.serve_here``)."""
    try:
        subject = get_subject(subject_key)
    except UnknownSubject:
        raise Http404 from None
    if subject.info.space is not None:
        serve_here(request, subject.info.space)
    return subject


def can_enter_paper(user, subject: Subject) -> bool:
    """Agents and administrators of one of the subject's organisations (and superusers)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(has_role(user, organisation, AGENT_ROLES) for organisation in subject.organisations)


def _agent_subject(request, subject_key: str) -> Subject:
    subject = _subject(request, subject_key)
    if not can_enter_paper(request.user, subject):
        raise PermissionDenied
    return subject


def eligibility_conditions(subject: Subject) -> list[str]:
    """The conditions of the subject's eligibility rules, in words (empty: open to everyone)."""
    from core.identity.services import conditions_of

    return conditions_of(subject.info.target) if subject.info.target is not None else []


def _save_sheet(request, subject: Subject, form) -> dict:
    """Record one sheet; return what the confirmation shows. Raises ParticipationError."""
    data = {**form.cleaned_data, "subject_key": subject.key}
    assisted = bool(data.get("assisted"))
    choice = subject.type.choice_from_paper(data) if subject.type.choice_from_paper else None
    with transaction.atomic():
        participation = participate(
            subject_key=subject.key, person_key=person_key_for(subject.type, data),
            channel="assisted" if assisted else "paper", choice=choice, entered_by=request.user,
            sheet_reference=data["sheet_reference"], subject=subject,
            eligibility_attested=bool(data.get("eligibility_checked")),
        )
        if subject.type.on_paper_entry is not None:
            subject.type.on_paper_entry(subject.key, participation.record, data)
    # The receipt is private: shown only when the person is at the desk (assisted entry).
    return {"sheet_reference": data["sheet_reference"], "assisted": assisted,
            "receipt": participation.receipt if assisted else None}


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, subject_key: str):
    """One paper sheet per submission; the empty form comes back for the next sheet."""
    subject = _agent_subject(request, subject_key)
    form_class = paper_form_class(subject.type)
    conditions = eligibility_conditions(subject)
    form, confirmed = form_class(conditions=conditions), None
    if request.method == "POST":
        form = form_class(request.POST, conditions=conditions)
        if form.is_valid():
            try:
                confirmed = _save_sheet(request, subject, form)
            except AlreadyParticipated as exc:
                form.add_error(None, exc.message_for_agent)
            except (ParticipationError, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                form = form_class(conditions=conditions)
    return render(request, "participation/paper_entry.html",
                  {"subject": subject, "form": form, "confirmed": confirmed,
                   "conditions": conditions})


@login_required
@require_http_methods(["GET", "POST"])
def paper_import_view(request, subject_key: str):
    """Upload a CSV of paper sheets: a row-level report, and all rows imported or none."""
    subject = _agent_subject(request, subject_key)
    conditions = eligibility_conditions(subject)
    form, report, imported = CsvImportForm(conditions=conditions), None, None
    if request.method == "POST":
        form = CsvImportForm(request.POST, request.FILES, conditions=conditions)
        if form.is_valid():
            # Reading one byte more than allowed is enough to refuse a file that is too big.
            data = form.cleaned_data["file"].read(paper_import.MAX_BYTES + 1)
            report = paper_import.check_file(subject, data)
            if report.ok:
                try:
                    imported = paper_import.import_rows(
                        subject, report.rows, agent=request.user,
                        eligibility_attested=bool(form.cleaned_data.get("eligibility_checked")),
                    )
                except ParticipationError as exc:  # someone took part meanwhile: nothing imported
                    form.add_error(None, str(exc))
                else:
                    report = None
    fields = paper_form_class(subject.type)(with_assisted=False).fields
    return render(request, "participation/paper_import.html", {
        "subject": subject, "form": form, "report": report, "imported": imported,
        "columns": list(fields.items()), "max_rows": paper_import.MAX_ROWS,
        "max_mb": paper_import.MAX_BYTES // (1024 * 1024), "conditions": conditions,
    })


@require_GET
def printable(request, subject_key: str):
    """An A4 form to print, with a QR code leading to the subject's online page."""
    subject = _subject(request, subject_key)
    url = absolute_url(subject.info.url, subject.info.space)
    qr = segno.make(url, error="m").svg_inline(scale=3, title=_("Participer en ligne"))
    qr = qr.replace("<svg ", '<svg role="img" ', 1)
    fields = paper_form_class(subject.type)(with_assisted=False).fields
    boxes = [(name, field) for name, field in fields.items() if name != "sheet_reference"]
    return render(request, "participation/printable.html",
                  {"subject": subject, "fields": boxes, "url": url, "qr_svg": qr,
                   "conditions": eligibility_conditions(subject)})


@require_GET
def ledger(request, subject_key: str):
    """The public page of a subject's ledger: size, signed heads, keys, counts, export."""
    log = LedgerLog.objects.filter(key=subject_key).first()
    try:
        subject = get_subject(subject_key)
    except UnknownSubject:
        subject = None  # a plugin was removed: its ledger stays public
    if log is None and subject is None:
        raise Http404
    if subject is not None and subject.info.space is not None:
        serve_here(request, subject.info.space)
    heads = list(log.heads.order_by("-pk")[:5]) if log is not None else []
    return render(request, "participation/ledger.html", {
        "subject": subject, "subject_key": subject_key, "log": log, "heads": heads,
        "keys": list(LedgerPublicKey.objects.all()), "counts": channel_counts(subject_key),
        "receipt_form": ReceiptForm(),
    })


@require_GET
@cache_parameters()  # none: ?utm_source=... reads the same cached copy
def export_view(request, subject_key: str):
    """The public export (JSON) that ``parvis verify`` checks."""
    if not LedgerLog.objects.filter(key=subject_key).exists():
        raise Http404
    response = HttpResponse(export(subject_key), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="ledger-{slugify(subject_key)}.json"'
    patch_cache_control(response, public=True, max_age=60, stale_while_revalidate=300)
    return response


@require_GET
def receipt(request):
    """Check a receipt: counted, replaced, withdrawn, invalidated, pending or unknown."""
    form = ReceiptForm(request.GET or None)
    status = receipt_status(form.cleaned_data["receipt"]) if form.is_valid() else None
    return render(request, "participation/receipt.html", {"form": form, "status": status})


@require_GET
def keys(request):
    """Every public key that signed heads on this instance, with its key id."""
    return render(request, "participation/keys.html",
                  {"keys": list(LedgerPublicKey.objects.all())})
