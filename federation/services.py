"""What administrators and other apps do with the federation: agreements between instances,
following a remote actor, rotating keys."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.actors import instance_actor
from federation.models import (
    Activity,
    Actor,
    DomainRule,
    Follow,
    Policy,
    PolicyChange,
    RemoteObject,
)
from federation.outbox import send_to
from federation.processing import answer

_DOMAIN = re.compile(r"^(?=.{1,255}$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:[0-9]{1,5})?$")


def can_administer(user) -> bool:
    """Only the instance's administrators (superusers) decide how the instance federates."""
    return bool(user is not None and user.is_active and user.is_superuser)


def _check(by) -> None:
    if not can_administer(by):
        raise PermissionDenied(_("Seuls les administrateurs de l'instance règlent la fédération."))


def _log(action: str, summary: str, *, by, **details) -> PolicyChange:
    return PolicyChange.objects.create(action=action, summary=summary[:500], details=details, changed_by=by)


def pending_agreements():
    """Partner instances' Follows of our instance actor that wait for an administrator."""
    return (Follow.objects.filter(followed__is_local=True, followed__kind=Actor.Kind.APPLICATION,
                                  follower__is_local=False, state=Follow.State.PENDING)
            .select_related("follower").order_by("created_at"))


@transaction.atomic
def approve_follow(follow: Follow, *, by) -> Follow:
    """Approve a partner instance's Follow of our instance actor (an instance agreement)."""
    return _decide(follow, accept=True, by=by)


@transaction.atomic
def reject_follow(follow: Follow, *, by) -> Follow:
    return _decide(follow, accept=False, by=by)


def _decide(follow: Follow, *, accept: bool, by) -> Follow:
    _check(by)
    follow = Follow.objects.select_for_update().select_related("follower", "followed").get(pk=follow.pk)
    if follow.followed.kind != Actor.Kind.APPLICATION or not follow.followed.is_local:
        raise ValidationError(_("Seuls les accords entre instances attendent une décision."))
    state = Follow.State.ACCEPTED if accept else Follow.State.REJECTED
    if follow.state == state:
        return follow  # decided already (a second click): nothing more to send
    follow.state, follow.decided_at, follow.decided_by = state, timezone.now(), by
    follow.save(update_fields=["state", "decided_at", "decided_by"])
    answer(follow, accept=accept)
    action = PolicyChange.Action.AGREEMENT_APPROVED if accept else PolicyChange.Action.AGREEMENT_REJECTED
    _log(action, f"{follow.follower.uri}: {state}", by=by, partner=follow.follower.uri)
    return follow


@transaction.atomic
def set_policy(mode: str, *, space=None, by) -> Policy:
    """Set the federation mode of the instance (``space`` empty) or of one space."""
    _check(by)
    if mode not in Policy.Mode.values:
        raise ValidationError(_("Ce mode de fédération n'existe pas."))
    row = Policy.objects.select_for_update().filter(space=space, space__isnull=space is None).first()
    old = row.mode if row else None
    if row is None:
        row = Policy.objects.create(space=space, mode=mode)
    elif old != mode:
        row.mode = mode
        row.save(update_fields=["mode"])
    if old != mode:
        scope = space.slug if space is not None else "instance"
        _log(PolicyChange.Action.POLICY, f"{scope}: {old or '-'} → {mode}", by=by,
             scope=scope, old=old, new=mode)
    return row


def clean_domain(domain: str) -> str:
    value = domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not _DOMAIN.match(value):
        raise ValidationError(_("Indiquez un nom de domaine, par exemple « parvis.exemple.fr »."))
    return value


@transaction.atomic
def set_domain_rule(domain: str, kind: str, *, note: str = "", by) -> DomainRule:
    """Allow (a partner) or block a remote server. Blocking ends the follows with its actors:
    nothing more is delivered to them and their inbound activities are refused."""
    _check(by)
    if kind not in DomainRule.Kind.values:
        raise ValidationError(_("Cette règle par domaine n'existe pas."))
    domain = clean_domain(domain)
    row = DomainRule.objects.select_for_update().filter(domain=domain).first()
    old = row.kind if row else None
    if row is None:
        row = DomainRule.objects.create(domain=domain, kind=kind, note=note.strip()[:200])
    else:
        row.kind, row.note = kind, note.strip()[:200]
        row.save(update_fields=["kind", "note"])
    if kind == DomainRule.Kind.BLOCK:
        Follow.objects.filter(follower__domain=domain, follower__is_local=False).delete()
        Follow.objects.filter(followed__domain=domain, followed__is_local=False).delete()
        RemoteObject.objects.filter(actor__domain=domain).delete()
    _log(PolicyChange.Action.DOMAIN_RULE, f"{domain}: {old or '-'} → {kind}", by=by,
         domain=domain, old=old, new=kind, note=row.note)
    return row


@transaction.atomic
def remove_domain_rule(rule: DomainRule, *, by) -> None:
    _check(by)
    _log(PolicyChange.Action.DOMAIN_RULE_REMOVED, f"{rule.domain}: {rule.kind} → -", by=by,
         domain=rule.domain, old=rule.kind, new=None)
    rule.delete()


@transaction.atomic
def follow(remote: Actor, *, by: Actor | None = None) -> Follow:
    """Ask to follow a remote actor (by default as the instance actor: an agreement request)."""
    follower = by or instance_actor()
    row, _ = Follow.objects.get_or_create(follower=follower, followed=remote)
    activity = send_to(follower, remote, {"type": "Follow", "object": remote.uri})
    row.activity_uri, row.state = activity.uri, Follow.State.PENDING
    row.save(update_fields=["activity_uri", "state"])
    return row


@transaction.atomic
def unfollow(row: Follow) -> Activity:
    activity = send_to(row.follower, row.followed, {
        "type": "Undo", "object": {"id": row.activity_uri, "type": "Follow",
                                   "actor": row.follower.uri, "object": row.followed.uri},
    })
    row.delete()
    return activity


__all__ = [
    "approve_follow", "reject_follow", "follow", "unfollow", "pending_agreements", "set_policy",
    "set_domain_rule", "remove_domain_rule", "clean_domain", "can_administer",
]
