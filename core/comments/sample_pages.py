"""The comment endpoints and pages, declared for the every-page gates (see docs/gates.md).

The core's ``sample_pages`` hook includes :func:`comment_pages` (see core/sample_pages.py).
Comments are posted on the participant's contribution of
:func:`core.contributions.sample_pages.sample_contribution`.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from core.contributions.sample_pages import detail_url, sample_contribution
from core.plugins import (
    PARTICIPANT,
    FormSample,
    SamplePage,
    statuses,
)

COMMENT = "Et des fontaines à boire, aussi."
#: Only the author of a comment may edit or delete it.
AUTHOR_ONLY = statuses(403, anonymous=302, participant=200)


def _own_comment(fx):
    """A comment the participant has just posted (made once): still editable."""
    from core.comments.models import Comment

    if "own_comment" not in fx.objects:
        fx.objects["own_comment"] = Comment.objects.create(
            contribution=sample_contribution(fx), author=fx.users[PARTICIPANT],
            body="<p>Il faudrait aussi de l'ombre.</p>",
        )
    return fx.objects["own_comment"]


def _old_comment(fx):
    """A comment the participant posted 20 minutes ago (made once): past the edit window."""
    from django.utils import timezone

    from core.comments.models import Comment

    if "old_comment" not in fx.objects:
        comment = Comment.objects.create(
            contribution=sample_contribution(fx), author=fx.users[PARTICIPANT],
            body="<p>Un avis déjà ancien.</p>",
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=20))
        fx.objects["old_comment"] = comment
    return fx.objects["old_comment"]


def _posted(fx, html: str) -> bool:
    from core.comments.models import Comment

    return Comment.objects.filter(author=fx.users[PARTICIPANT], body__contains=COMMENT).exists()


def _edited(fx, html: str) -> bool:
    from core.comments.models import Comment

    return Comment.objects.get(pk=_own_comment(fx).pk).edited_at is not None


def _deleted(fx, html: str) -> bool:
    from core.comments.models import Comment

    return Comment.objects.get(pk=_own_comment(fx).pk).deleted_at is not None


def comment_pages() -> list[SamplePage]:
    """Every named URL of ``core.comments``."""
    return [
        # The form is on the contribution's page; only POST is allowed, even before signing in.
        SamplePage(
            name="comments:post", setup=sample_contribution, audit=False,
            url=lambda fx: reverse("comments:post", args=[sample_contribution(fx).pk]),
            label="Publier un commentaire", get=statuses(405), post=statuses(302),
            form=FormSample(
                data=lambda fx: {"body": COMMENT}, submit="Publier le commentaire",
                shown_on=detail_url, done=_posted,
            ),
        ),
        SamplePage(
            name="comments:edit", setup=_own_comment,
            url=lambda fx: reverse("comments:edit", args=[_own_comment(fx).pk]),
            label="Modifier mon commentaire", get=AUTHOR_ONLY,
            post=statuses(403, anonymous=302, participant=302),
            form=FormSample(
                data=lambda fx: {"body": "Il faudrait aussi de l'ombre, et des arbres."},
                submit="Enregistrer", done=_edited,
            ),
        ),
        # Past the edit window, not even the author may edit it.
        SamplePage(
            name="comments:edit", variant="delai-depasse", setup=_old_comment, audit=False,
            url=lambda fx: reverse("comments:edit", args=[_old_comment(fx).pk]),
            label="Commentaire qui ne peut plus être modifié", get=statuses(403, anonymous=302),
        ),
        SamplePage(
            name="comments:delete", setup=_own_comment, audit=False,
            url=lambda fx: reverse("comments:delete", args=[_own_comment(fx).pk]),
            label="Supprimer mon commentaire", get=statuses(405),
            post=statuses(403, anonymous=302, participant=302),
            form=FormSample(data=lambda fx: {}, submit="Supprimer", shown_on=detail_url, done=_deleted),
        ),
    ]
