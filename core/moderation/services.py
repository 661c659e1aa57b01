"""Reporting and moderating contributions and comments, with a record of every decision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.comments.models import Comment
from core.contributions.models import Contribution
from core.moderation.models import ModerationDecision, ModerationReason, Report
from core.permissions import organisations_of, role_for

MODERATOR_ROLES = ("moderator", "admin")
MAX_REPORT_MESSAGE = 2000
Action = ModerationDecision.Action


def charter(organisation) -> list[ModerationReason]:
    """The reasons in force for an organisation: its own, plus the defaults it did not replace."""
    reasons = ModerationReason.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True), is_active=True
    ).order_by("sort_order", "label")
    own = {r.code: r for r in reasons if r.organisation_id is not None}
    return [own.get(r.code, r) if r.organisation_id is None else r
            for r in reasons if r.organisation_id is not None or r.code not in own]


def _target_fields(target) -> dict:
    if isinstance(target, Contribution):
        return {"contribution": target}
    if isinstance(target, Comment):
        return {"comment": target}
    raise TypeError(f"cannot moderate {target!r}")


def report(target, *, reporter, reason: ModerationReason, message: str = "") -> Report:
    """File a report; a second open report by the same person on the same item is refused."""
    organisations = organisations_of(target)
    allowed = {r.pk for o in organisations for r in charter(o)}
    if reason.pk not in allowed:
        raise ValidationError(_("Ce motif ne fait pas partie de la charte de modération."))
    message = message.strip()
    if len(message) > MAX_REPORT_MESSAGE:
        raise ValidationError(_("Les précisions dépassent %(max)d caractères.") % {"max": MAX_REPORT_MESSAGE})
    try:
        with transaction.atomic():
            return Report.objects.create(reporter=reporter, reason=reason, message=message, **_target_fields(target))
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà signalé ce contenu ; les modérateurs vont l'examiner.")) from None


@transaction.atomic
def decide(target, action: str, *, moderator, reason: ModerationReason | None = None,
           note: str = "") -> ModerationDecision:
    """Hide, restore, approve (pre-moderation) or dismiss reports, and record the decision."""
    held = role_for(moderator, target, MODERATOR_ROLES)
    if held is None:
        raise PermissionDenied(_("Vous n'êtes pas modérateur de cette organisation."))
    _role, organisation = held
    if action not in Action.values:
        raise ValidationError(_("Action de modération inconnue."))
    if action == Action.HIDE and reason is None:
        raise ValidationError(_("Choisissez le motif de la charte qui justifie de masquer ce contenu."))
    if reason is not None and reason.pk not in {r.pk for r in charter(organisation)}:
        raise ValidationError(_("Ce motif ne fait pas partie de la charte de modération."))
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if action == Action.HIDE:
        target.is_hidden = True
        if getattr(target, "awaiting_moderation", False):  # rejected in pre-moderation
            target.awaiting_moderation = False
    elif action == Action.RESTORE:
        target.is_hidden = False
    elif action == Action.APPROVE:
        if not getattr(target, "awaiting_moderation", False):
            raise ValidationError(_("Ce contenu n'attend pas de modération."))
        target.awaiting_moderation = False
    fields = [f for f in ("is_hidden", "awaiting_moderation") if hasattr(target, f)]
    target.save(update_fields=fields)
    decision = ModerationDecision.objects.create(
        organisation=organisation, moderator=moderator, action=action, reason=reason,
        note=note.strip()[:2000], **_target_fields(target),
    )
    Report.objects.filter(resolved_at__isnull=True, **_target_fields(target)).update(resolved_at=timezone.now())
    if isinstance(target, Contribution):
        from core.search.services import index_contribution

        index_contribution(target)
    return decision
