"""Background work: counting signatures in batches, thresholds, deadlines, confirmation e-mails."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from plugins.petitions import workflow as states
from plugins.petitions.models import Petition

COUNTED_STATUSES = (states.OPEN, states.CLOSED)
logger = logging.getLogger(__name__)


@shared_task(name="petitions.update_counts")
def update_counts() -> int:
    """Recount signatures per channel from the participation record (the source of truth) and
    store them on the petitions that changed; tell people when a threshold is reached.

    Signing never writes to the petition row: this task does, once per interval, so a rush of
    signatures does not queue on one hot row.
    """
    from core.participation.services import channel_counts

    updated = 0
    since = timezone.now() - timedelta(hours=24)
    petitions = Petition.objects.filter(contribution__status__in=COUNTED_STATUSES).select_related(
        "contribution", "component__petition_settings"
    )
    for petition in petitions:
        counts = channel_counts(petition.subject_key)
        web = counts.get("web", 0)
        paper = counts.get("paper", 0) + counts.get("assisted", 0)
        partner = counts.get("partner", 0)
        recent = petition.signatures.counted().filter(confirmed_at__gte=since).count()
        if (web, paper, partner, recent) == (petition.count_web, petition.count_paper, petition.count_partner, petition.recent_count):
            continue
        with transaction.atomic():
            Petition.objects.filter(pk=petition.pk).update(
                count_web=web, count_paper=paper, count_partner=partner, recent_count=recent, counted_at=timezone.now()
            )
            petition.count_web, petition.count_paper, petition.count_partner = web, paper, partner
            check_thresholds(petition)
        updated += 1
    return updated


def check_thresholds(petition: Petition) -> list[str]:
    """Record and announce, once each, the thresholds the petition has just reached."""
    from core.models import Membership, User
    from core.notifications.services import followers_of, notify
    from core.permissions import organisations_of

    rules = getattr(petition.component, "petition_settings", None)
    if rules is None:
        return []
    reached = []
    total = petition.signature_count
    for name, threshold in rules.thresholds:
        field = f"{name}_threshold_reached_at"
        if total >= threshold and getattr(petition, field) is None:
            # Conditional update: two runs at once announce it once.
            if Petition.objects.filter(pk=petition.pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}):
                reached.append(name)
    for name in reached:
        title = (
            _("« %(title)s » a atteint le seuil de réponse obligatoire") if name == "answer"
            else _("« %(title)s » a atteint le seuil de débat en conseil")
        ) % {"title": petition.title}
        body = _("%(count)d signatures.") % {"count": total}
        url = petition.get_absolute_url()
        staff = Membership.objects.filter(
            organisation__in=organisations_of(petition.contribution), role__in=("admin", "agent")
        ).values_list("user", flat=True)
        # Followers and staff, each once.
        recipients = User.objects.filter(
            Q(pk__in=staff) | Q(pk__in=followers_of(petition.contribution).values("pk"))
        )
        notify(recipients, "petitions.threshold_reached", title=title, body=body, url=url,
               owner=petition.component.phase.space)
    return reached


@shared_task(name="petitions.close_due")
def close_due() -> int:
    from plugins.petitions.services import close_due_petitions

    return close_due_petitions()


def confirmation_batch_seconds() -> float:
    """How long signing requests wait before waking the e-mail sender again (per process).
    0 when tasks run inline (tests): each signature's e-mail is then sent at once."""
    from django.conf import settings

    default = 0.0 if settings.CELERY_TASK_ALWAYS_EAGER else 1.0
    return float(getattr(settings, "PETITIONS_CONFIRMATION_BATCH_SECONDS", default))


#: What queueing a task raises when the broker cannot be reached (kombu's error, or the
#: socket's own).
PUBLISH_ERRORS = (OperationalError, OSError)

_woken_at = float("-inf")
_woken_lock = threading.Lock()


def wake_confirmation_sender() -> None:
    """Queue :func:`send_confirmations` unless this process queued it less than one batching
    interval ago: under a rush, one message per interval and process instead of one per
    signature, and the sender's own follow-up run picks up what arrived meanwhile.

    A broker that cannot be reached loses nothing: the signature is recorded, its e-mail goes
    with the next run (the periodic one at the latest), so the signer is not shown an error.
    """
    global _woken_at
    interval = confirmation_batch_seconds()
    now = time.monotonic()
    with _woken_lock:
        if interval > 0 and now - _woken_at < interval:
            return
        _woken_at = now
    try:
        send_confirmations.delay()
    except PUBLISH_ERRORS:
        logger.warning("Could not queue the signature confirmation e-mails; the periodic run will send them.",
                       exc_info=True)


@shared_task(name="petitions.send_confirmations", queue="mail")
def send_confirmations(batch: int = 200) -> int:
    """E-mail the confirmation link of every signature that waits for one; returns how many.

    Each row is claimed by emptying its nonce where it still holds the one read (a conditional
    UPDATE): two senders at once, or a new link asked for meanwhile, never send one link twice.
    A mail that fails gets its nonce back and goes with a later run. When this run sent
    something, it runs again one batching interval later for what arrived while it worked.
    """
    from core.hosts import origin_of
    from plugins.petitions.models import Signature

    sent = 0
    origins: dict[int, str] = {}  # the links' host, per space: read once per run
    while True:
        pending = list(
            Signature.objects.exclude(token_nonce="").filter(confirmed_at__isnull=True)
            .select_related("petition__component__phase__space").order_by("pk")[:batch]
        )
        for signature in pending:
            nonce = signature.token_nonce
            if not Signature.objects.filter(pk=signature.pk, token_nonce=nonce).update(token_nonce=""):
                continue
            space = signature.petition.component.phase.space
            if space.pk not in origins:
                origins[space.pk] = origin_of(space)
            try:
                _mail_link(signature, nonce, origins[space.pk])
            except Exception:
                Signature.objects.filter(pk=signature.pk, token_nonce="").update(token_nonce=nonce)
                raise
            sent += 1
        if len(pending) < batch:
            break
    interval = confirmation_batch_seconds()
    if sent and interval > 0:
        send_confirmations.apply_async(countdown=interval)
    return sent


def _mail_link(signature, nonce: str, origin: str) -> None:
    """E-mail the confirmation link, on ``origin``: the host of the petition's organisation."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    from plugins.petitions.services import link_token

    token = link_token(nonce)
    link = origin + reverse("petitions:confirm", kwargs={"token": token})
    body = render_to_string("petitions/email/confirm.txt", {"signature": signature, "link": link})
    subject = _("Confirmez votre signature : %(title)s") % {"title": signature.petition.title}
    EmailMessage(subject=subject, body=body, to=[signature.email]).send()
