"""``{% load notifications %}``: the follow button and the unread count."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from core.contributions.models import Contribution
from core.models import Space

register = template.Library()


def _followed(request, user) -> set[tuple[str, int]]:
    """What ``user`` follows, read once per request however many buttons a page shows."""
    cached = getattr(request, "_parvis_followed", None) if request is not None else None
    if cached is None:
        cached = set()
        for space_id, contribution_id in user.follows.values_list("space_id", "contribution_id"):
            cached.add(("space", space_id) if space_id else ("contribution", contribution_id))
        if request is not None:
            request._parvis_followed = cached
    return cached


@register.inclusion_tag("notifications/follow_button.html", takes_context=True)
def follow_button(context, target) -> dict:
    """``{% follow_button space %}``: a no-JavaScript form to follow or stop following a space
    or a contribution; for anonymous visitors, a link to log in."""
    if isinstance(target, Space):
        target_type = "space"
    elif isinstance(target, Contribution):
        target_type = "contribution"
    else:
        raise template.TemplateSyntaxError("follow_button takes a space or a contribution.")
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    next_url = request.get_full_path() if request is not None else ""
    authenticated = bool(user and user.is_authenticated)
    return {
        "authenticated": authenticated,
        "following": authenticated and (target_type, target.pk) in _followed(request, user),
        "action": reverse("notifications:follow", kwargs={"target_type": target_type, "pk": target.pk}),
        "login_url": resolve_url(settings.LOGIN_URL),
        "next": next_url,
        # A contribution hidden by moderation keeps its follow button, not its title.
        "label": str(target) if target_type == "space" or target.is_public else "",
    }


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    """``{% unread_notifications_count %}``: how many unread notifications the user has."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return 0
    cached = getattr(request, "_parvis_unread", None) if request is not None else None
    if cached is None:
        cached = user.notifications.filter(read_at__isnull=True).count()
        if request is not None:
            request._parvis_unread = cached
    return cached
