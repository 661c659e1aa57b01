from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Phase


@shared_task(name="contributions.record_phase_activity")
def record_phase_activity() -> int:
    """Add "phase started" to the timeline of spaces; idempotent (one entry per phase)."""
    from core.contributions.services import record_activity

    now = timezone.now()
    phases = Phase.objects.filter(starts_at__lte=now, starts_at__gte=now - timedelta(days=2)).select_related("space")
    for phase in phases:
        record_activity(
            phase.space, "phase_started", _("Début de la phase « %(title)s »") % {"title": phase.title},
            phase.space.get_absolute_url(), key=f"phase-started:{phase.pk}",
        )
    return len(phases)
