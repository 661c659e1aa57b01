"""Writes to the contribution registry. Views, the API, the back-office and federation all
call these functions; nothing happens behind the scenes in ``save()``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.contributions.models import Contribution, OfficialAnswer, SpaceActivity, StatusChange
from core.contributions.registry import contribution_kind
from core.models import Space
from core.permissions import has_role, role_for
from core.richtext import clean_rich_text, visible_text

MAX_ANSWER_LENGTH = 20_000
ANSWER_ROLES = ("official", "agent", "admin")


def _index(contribution: Contribution) -> None:
    from core.search.services import index_contribution

    index_contribution(contribution)


@transaction.atomic
def register_contribution(*, plugin: str, kind: str, space: Space, title: str, summary: str = "",
                          url: str = "", author=None, premoderated: bool = False,
                          component=None) -> Contribution:
    """Register a plugin's new contribution with the shared services.

    The contribution starts in its workflow's initial status; with ``premoderated`` (or a
    ``component`` that requires moderation) it stays out of public view until a moderator
    approves it. Its author follows it.
    """
    if component is not None and component.requires_moderation:
        premoderated = True
    spec = contribution_kind(plugin, kind)
    if spec is None:
        raise ValueError(f"No plugin declares the contribution kind {plugin}.{kind}.")
    contribution = Contribution.objects.create(
        plugin=plugin, kind=kind, space=space, title=title[:300], summary=summary, url=url,
        author=author, status=spec.workflow.initial, awaiting_moderation=premoderated,
    )
    if author is not None and spec.followable:
        from core.notifications.services import follow

        follow(author, contribution)
    _index(contribution)
    return contribution


def update_contribution(contribution: Contribution, **fields) -> Contribution:
    """Keep the registry in step when a plugin edits its object (title, summary, url)."""
    allowed = {"title", "summary", "url"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot update {', '.join(sorted(unknown))} this way.")
    for name, value in fields.items():
        setattr(contribution, name, value)
    contribution.save(update_fields=[*fields, "updated_at"])
    _index(contribution)
    return contribution


def record_activity(space: Space, verb: str, summary: str, url: str = "", key: str | None = None) -> SpaceActivity:
    """Add an entry to a space's public timeline (once per ``key`` when one is given)."""
    if key:
        activity, _created = SpaceActivity.objects.get_or_create(
            key=key, defaults={"space": space, "verb": verb, "summary": summary[:500], "url": url}
        )
        return activity
    return SpaceActivity.objects.create(space=space, verb=verb, summary=summary[:500], url=url)


@transaction.atomic
def change_status(contribution: Contribution, new_status: str, *, by, note: str = "",
                  system: bool = False) -> StatusChange:
    """Move a contribution to another public status of its workflow, and tell its followers.

    ``system=True`` is for moves the plugin makes by rule (a deadline passed, enough sponsors):
    no person acts (``by`` may be ``None``), but the workflow's allowed moves still apply.
    """
    spec = contribution.kind_spec
    if spec is None:
        raise ValidationError(_("Ce type de contribution n'est plus disponible."))
    if not system and not has_role(by, contribution, spec.workflow.roles):
        raise PermissionDenied(_("Vous ne pouvez pas changer le statut de cette contribution."))
    given = contribution
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    state = spec.workflow.state(new_status)
    if state is None or not spec.workflow.allows(contribution.status, new_status):
        raise ValidationError(
            _("Passage impossible du statut « %(old)s » au statut « %(new)s ».")
            % {"old": contribution.status_label, "new": state.label if state else new_status}
        )
    change = StatusChange.objects.create(
        contribution=contribution, old_status=contribution.status, new_status=new_status,
        changed_by=by, note=note.strip()[:5000],
    )
    contribution.status = new_status
    contribution.save(update_fields=["status", "updated_at"])
    given.status = new_status  # the caller's instance stays in step
    _index(contribution)
    title = _("« %(title)s » : %(status)s") % {"title": contribution.title, "status": state.label}
    record_activity(contribution.space, "status_changed", title, contribution.get_absolute_url())
    from core.notifications.services import notify_followers

    notify_followers(
        contribution, "core.status_changed", title=title, body=change.note,
        url=contribution.get_absolute_url(), exclude=by if by is not None and by.is_authenticated else None,
    )
    return change


@transaction.atomic
def publish_answer(contribution: Contribution, body: str, *, by, signature: str) -> OfficialAnswer:
    """Publish an official answer, signed by a person acting as official or agent."""
    held = role_for(by, contribution, ANSWER_ROLES)
    if held is None:
        raise PermissionDenied(_("Seuls les élus et les agents peuvent publier une réponse officielle."))
    cleaned = clean_rich_text(body)
    if not visible_text(cleaned):
        raise ValidationError(_("La réponse est vide."))
    if len(body) > MAX_ANSWER_LENGTH:
        raise ValidationError(_("La réponse dépasse %(max)d caractères.") % {"max": MAX_ANSWER_LENGTH})
    signature = signature.strip()[:200]
    if not signature:
        raise ValidationError(_("Indiquez le nom et la fonction du signataire."))
    role, organisation = held
    answer = OfficialAnswer.objects.create(
        contribution=contribution, organisation=organisation, author=by, role=role,
        signature=signature, body=cleaned,
    )
    title = _("Réponse officielle à « %(title)s »") % {"title": contribution.title}
    record_activity(contribution.space, "answer_published", title, contribution.get_absolute_url())
    if contribution.is_public:
        from federation.api import publish_object

        publish_object("core", "answer", answer)
    from core.notifications.services import notify_followers

    notify_followers(
        contribution, "core.answer_published", title=title, body=visible_text(cleaned)[:1000],
        url=contribution.get_absolute_url(), exclude=by,
    )
    return answer
