"""Posting, editing and deleting comments."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.comments.models import Comment
from core.contributions.models import Contribution
from core.richtext import clean_rich_text, visible_text

MAX_LENGTH = 5000
EDIT_WINDOW = timedelta(minutes=getattr(settings, "PARVIS_COMMENT_EDIT_MINUTES", 15))


def _clean(body: str) -> str:
    if len(body) > MAX_LENGTH:
        raise ValidationError(_("Votre commentaire dépasse %(max)d caractères.") % {"max": MAX_LENGTH})
    cleaned = clean_rich_text(body)
    if not visible_text(cleaned):
        raise ValidationError(_("Votre commentaire est vide."))
    return cleaned


def post_comment(contribution: Contribution, *, author, body: str, parent: Comment | None = None) -> Comment:
    """Add a comment (or a reply) to a public, commentable contribution."""
    if not author.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour commenter."))
    spec = contribution.kind_spec
    if spec is None or not spec.commentable or not contribution.is_public:
        raise PermissionDenied(_("Cette contribution ne peut pas être commentée."))
    if parent is not None and (parent.contribution_id != contribution.pk or not parent.is_visible):
        raise ValidationError(_("Le commentaire auquel vous répondez n'existe plus."))
    comment = Comment.objects.create(contribution=contribution, author=author, body=_clean(body), parent=parent)
    if parent is not None and parent.author_id and parent.author_id != author.pk:
        from core.notifications.services import notify

        notify(
            [parent.author], "core.comment_reply",
            title=_("Nouvelle réponse à votre commentaire sur « %(title)s »") % {"title": contribution.title},
            body=visible_text(comment.body)[:500], url=contribution.get_absolute_url(), owner=contribution.space,
        )
    return comment


def can_edit(comment: Comment, user) -> bool:
    return (
        user.is_authenticated and comment.author_id == user.pk and comment.is_visible
        and timezone.now() - comment.created_at <= EDIT_WINDOW
    )


def edit_comment(comment: Comment, *, by, body: str) -> Comment:
    """Authors may correct their comment during the edit window."""
    if not can_edit(comment, by):
        raise PermissionDenied(_("Ce commentaire ne peut plus être modifié."))
    comment.body = _clean(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def delete_comment(comment: Comment, *, by) -> Comment:
    """Authors may delete their comment; a placeholder keeps the thread readable."""
    if not by.is_authenticated or comment.author_id != by.pk:
        raise PermissionDenied(_("Vous ne pouvez supprimer que vos propres commentaires."))
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.save(update_fields=["deleted_at", "body"])
    return comment


def thread(contribution: Contribution, *, max_depth: int = 4) -> list[tuple[Comment, int]]:
    """Every comment of a contribution in reading order with its depth, in one query.

    Replies deeper than ``max_depth`` are shown at ``max_depth`` so narrow screens stay readable.
    """
    comments = list(contribution.comments.select_related("author").order_by("created_at", "pk"))
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    ordered: list[tuple[Comment, int]] = []
    # Iterative depth-first walk: a very deep thread cannot exhaust the recursion limit.
    stack = [(comment, 0) for comment in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        ordered.append((comment, min(depth, max_depth)))
        stack.extend((reply, depth + 1) for reply in reversed(children.get(comment.pk, [])))
    return ordered
