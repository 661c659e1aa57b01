"""The accessibility statement ("déclaration d'accessibilité", RGAA) of each organisation.

The browser gate (``tests/gates/test_browser.py``) audits every declared page with axe-core and
writes ``test-reports/axe/summary.json``; ``parvis a11y_record test-reports/axe/summary.json``
keeps that summary in the data directory, and each organisation's statement
(``/o/<slug>/accessibilite/``) states the conformity computed from it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.hosts import serve_here
from core.models import Organisation

FORMAT = "parvis-axe-summary/1"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")

#: The three statuses of the RGAA, from the last automated audit.
NON_CONFORME = "non"
PARTIELLEMENT_CONFORME = "partiel"
TOTALEMENT_CONFORME = "total"
STATUS_LABELS = {
    NON_CONFORME: _("non conforme"),
    PARTIELLEMENT_CONFORME: _("partiellement conforme"),
    TOTALEMENT_CONFORME: _("totalement conforme"),
}


class InvalidAudit(ValueError):
    pass


def audit_path() -> Path:
    return Path(settings.DATA_DIR) / "accessibility-audit.json"


def validate(summary: Any) -> dict:
    """The summary written by the browser gate, checked; raises InvalidAudit with the reason."""
    if not isinstance(summary, dict) or summary.get("format") != FORMAT:
        raise InvalidAudit(f"not a summary of the browser gate (expected \"format\": \"{FORMAT}\")")
    when = summary.get("generated_at")
    if not isinstance(when, str) or parse_datetime(when) is None:
        raise InvalidAudit("\"generated_at\" must be an ISO 8601 date and time")
    pages = summary.get("pages")
    if not isinstance(pages, list) or not pages:
        raise InvalidAudit("\"pages\" must list at least one audited page")
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("url"), str):
            raise InvalidAudit(f"each page needs a \"url\": {page!r}")
        counts = page.get("violations")
        if not isinstance(counts, dict) or not all(
            isinstance(counts.get(impact), int) and counts[impact] >= 0 for impact in IMPACTS
        ):
            raise InvalidAudit(f"page {page.get('url')}: \"violations\" must count {', '.join(IMPACTS)}")
    return summary


def record(summary: dict) -> dict:
    """Keep ``summary`` as the last audit of the instance (in the data directory)."""
    validate(summary)
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    tmp.replace(path)
    return summary


_cache: dict[str, Any] = {"key": None, "audit": None}


def last_audit() -> dict | None:
    """The last recorded audit, or ``None`` (none recorded, or unreadable)."""
    path = audit_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if _cache["key"] != key:
        try:
            audit = validate(json.loads(path.read_text()))
        except (OSError, ValueError):
            audit = None
        _cache.update(key=key, audit=audit)
    return _cache["audit"]


def conformity(audit: dict | None) -> str:
    """Non conforme without an audit or with a serious or critical violation; partiellement
    conforme with minor or moderate ones only; totalement conforme with none."""
    if audit is None:
        return NON_CONFORME
    totals = {impact: sum(page["violations"][impact] for page in audit["pages"]) for impact in IMPACTS}
    if any(totals[impact] for impact in BLOCKING):
        return NON_CONFORME
    if any(totals.values()):
        return PARTIELLEMENT_CONFORME
    return TOTALEMENT_CONFORME


def current_status_label():
    """The conformity of the instance's pages, from the last recorded audit."""
    return STATUS_LABELS[conformity(last_audit())]


def statement(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    serve_here(request, organisation)
    audit = last_audit()
    pages = []
    if audit:
        for page in audit["pages"]:
            counts = page["violations"]
            pages.append({
                "label": page.get("label") or page.get("id") or page["url"],
                "url": page["url"],
                "blocking": sum(counts[impact] for impact in BLOCKING),
                "other": counts["moderate"] + counts["minor"],
            })
    generated = parse_datetime(audit["generated_at"]) if audit else None
    return render(request, "core/accessibility_statement.html", {
        "organisation": organisation,
        "audit": audit,
        "audit_date": generated if isinstance(generated, datetime) else None,
        "status": conformity(audit),
        "status_label": STATUS_LABELS[conformity(audit)],
        "pages": pages,
        "failing_pages": sum(1 for page in pages if page["blocking"]),
    })
