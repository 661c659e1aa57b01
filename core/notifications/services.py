"""Follows and notifications: the functions every plugin and the core call.

Plugins declare their kinds of notification through the ``notification_kinds`` hook, then call
:func:`notify` or :func:`notify_followers`. Rows are written in the caller's transaction; the
e-mails are sent by a background task queued once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.contributions.models import Contribution
from core.hosts import link_to
from core.models import Organisation, Space
from core.notifications.models import Follow, Notification
from core.plugin_host import call_each
from core.plugins import NotificationKind

__all__ = [
    "follow",
    "unfollow",
    "is_following",
    "followers_of",
    "notify",
    "notify_followers",
    "notification_kinds",
]

#: How many notification ids one e-mail task receives (big follower lists are split).
EMAIL_BATCH_SIZE = 500

Target = Space | Contribution


def _target_filter(target: Target) -> dict[str, Any]:
    if isinstance(target, Space):
        return {"space": target}
    if isinstance(target, Contribution):
        return {"contribution": target}
    raise TypeError(f"Only spaces and contributions can be followed, not {target!r}.")


def follow(user, target: Target) -> Follow:
    """Make ``user`` follow ``target`` (a space or a contribution). Idempotent."""
    row, _created = Follow.objects.get_or_create(user=user, **_target_filter(target))
    return row


def unfollow(user, target: Target) -> None:
    """Stop ``user`` following ``target``. Idempotent."""
    Follow.objects.filter(user=user, **_target_filter(target)).delete()


def is_following(user, target: Target) -> bool:
    """Whether ``user`` (possibly anonymous) follows ``target``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, **_target_filter(target)).exists()


def followers_of(target: Target) -> QuerySet:
    """The active users following exactly ``target`` (a space's followers do not include the
    followers of its contributions)."""
    lookup = {f"follows__{key}": value for key, value in _target_filter(target).items()}
    return get_user_model().objects.filter(is_active=True, **lookup)


def notification_kinds() -> dict[str, NotificationKind]:
    """Every declared kind, as ``{"<plugin slug>.<key>": NotificationKind}``.

    Read from the hook on each call (it is cheap), so plugins registered later are seen.
    """
    return {
        f"{slug}.{kind.key}": kind
        for slug, kinds in call_each("notification_kinds")
        for kind in kinds
    }


def _user_ids(users) -> set[int]:
    """Ids of one user (possibly ``request.user``, a lazy object), several, or a queryset."""
    if users is None:
        return set()
    if isinstance(users, QuerySet):
        return set(users.values_list("pk", flat=True))
    # Checked before Iterable: the lazy request.user proxies __iter__ as well.
    if hasattr(users, "pk") or not isinstance(users, Iterable):
        users = [users]
    return {user.pk for user in users if user is not None and user.pk is not None}


def _check_url(url: str) -> None:
    # Stored URLs become links in pages and e-mails: only site paths and web addresses.
    if not url:
        return
    if len(url) > Notification._meta.get_field("url").max_length:
        raise ValueError("Notification url is too long.")
    if url.startswith("/") and not url.startswith("//"):
        return
    if url.startswith(("https://", "http://")):
        return
    raise ValueError(f"Notification url must be a path or an http(s) address, not {url!r}.")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def notify(recipients, kind: str, *, title: str, body: str = "", url: str = "",
           exclude=None, owner: Space | Organisation | None = None) -> int:
    """Notify ``recipients`` (a user, users, or a queryset of users) of something of ``kind``.

    ``kind`` is ``"<plugin slug>.<key>"`` as declared through the ``notification_kinds`` hook;
    an unknown kind raises ``ValueError``. Recipients are de-duplicated; ``exclude`` (a user or
    several, e.g. the person who acted) and inactive users are skipped. ``owner``, the space or
    organisation ``url`` belongs to, puts the link on its organisation's host name (in the
    inbox and in the e-mail; ``core.hosts.link_to``). The rows are created in the current
    transaction; the e-mail task is queued when it commits. Returns the number of
    notifications created.
    """
    if kind not in notification_kinds():
        raise ValueError(f"Unknown notification kind {kind!r}: declare it with the "
                         "notification_kinds hook.")
    if not title or not title.strip():
        raise ValueError("A notification needs a title.")
    _check_url(url)
    url = link_to(url, owner)
    User = get_user_model()
    if isinstance(recipients, QuerySet):
        candidates = User.objects.filter(pk__in=recipients.values("pk"))
    else:
        candidates = User.objects.filter(pk__in=_user_ids(recipients))
    excluded = _user_ids(exclude)
    recipient_ids = sorted(
        set(candidates.filter(is_active=True).exclude(pk__in=excluded).values_list("pk", flat=True))
    )
    if not recipient_ids:
        return 0
    now = timezone.now()
    title = _shorten(title, Notification._meta.get_field("title").max_length)
    rows = Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind=kind, title=title, body=body, url=url, created_at=now)
        for pk in recipient_ids
    )
    ids = [row.pk for row in rows]
    if None in ids:  # a database that cannot return ids from a bulk insert
        ids = list(
            Notification.objects.filter(
                recipient_id__in=recipient_ids, kind=kind, created_at=now
            ).values_list("pk", flat=True)
        )
    _queue_emails(ids)
    return len(rows)


def _queue_emails(ids: list[int]) -> None:
    from core.notifications.tasks import send_emails

    for start in range(0, len(ids), EMAIL_BATCH_SIZE):
        # robust: a broker outage must not turn a committed request into an error page.
        transaction.on_commit(
            partial(send_emails.delay, ids[start:start + EMAIL_BATCH_SIZE]), robust=True
        )


def notify_followers(target: Target, kind: str, *, title: str, body: str = "", url: str = "",
                     exclude=None) -> int:
    """Notify every active follower of ``target`` (see :func:`notify`); the link is on the
    host of the target's space."""
    owner = target if isinstance(target, Space) else target.space
    return notify(followers_of(target), kind, title=title, body=body, url=url, exclude=exclude, owner=owner)
