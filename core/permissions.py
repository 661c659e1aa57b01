"""Who may do what: roles are held per organisation; a space belongs to organisations."""

from __future__ import annotations

from collections.abc import Iterable

from core.models import Membership, Organisation, Space


def organisations_of(target) -> list[Organisation]:
    """The organisations responsible for a space, a contribution, or an organisation itself."""
    if isinstance(target, Organisation):
        return [target]
    if isinstance(target, Space):
        return list(target.organisations.all())
    space = getattr(target, "space", None)
    if space is not None:
        return list(space.organisations.all())
    raise TypeError(f"no organisation for {target!r}")


def roles_of(user, target) -> set[str]:
    """The roles ``user`` holds in the organisations responsible for ``target``."""
    if not getattr(user, "is_authenticated", False):
        return set()
    organisation_ids = [o.pk for o in organisations_of(target)]
    return set(
        Membership.objects.filter(user=user, organisation_id__in=organisation_ids).values_list("role", flat=True)
    )


def has_role(user, target, roles: Iterable[str]) -> bool:
    """True when ``user`` holds one of ``roles`` for ``target`` (superusers hold them all)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(roles_of(user, target) & set(roles))


def role_for(user, target, roles: Iterable[str]) -> tuple[str, Organisation] | None:
    """The first of ``roles`` (in the given order) that ``user`` holds for ``target``, with the
    organisation it is held in."""
    if not getattr(user, "is_authenticated", False):
        return None
    organisations = organisations_of(target)
    held = {
        (m.role, m.organisation_id): m
        for m in Membership.objects.filter(user=user, organisation__in=organisations)
    }
    for role in roles:
        for organisation in organisations:
            if (role, organisation.pk) in held:
                return role, organisation
    if user.is_superuser and organisations:
        return "admin", organisations[0]
    return None
