"""Personal data of comments: the comments a person wrote."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.comments.models import Comment
from core.plugins import PersonalData


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "comments": [
            {"contribution": c.contribution.title, "body": c.body, "created_at": _iso(c.created_at),
             "edited_at": _iso(c.edited_at), "deleted_at": _iso(c.deleted_at), "hidden_by_moderation": c.is_hidden}
            for c in Comment.objects.filter(author=user).select_related("contribution").order_by("created_at")
        ],
    }


def erase(user) -> None:
    # Replies hang from these comments: the text stays, signed by no one.
    Comment.objects.filter(author=user).update(author=None)


def personal_data() -> PersonalData:
    return PersonalData(
        key="comments", models=("comments.Comment",), export=export, erase=erase,
        description=_("Vos commentaires restent affichés sans nom d'auteur, car d'autres personnes y ont répondu."),
    )
