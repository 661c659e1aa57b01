"""The moderation pages, declared for the every-page gates (see docs/gates.md).

The core's ``sample_pages`` hook includes :func:`moderation_pages` (see core/sample_pages.py).
The reported and moderated items are the participant's contribution of
:func:`core.contributions.sample_pages.sample_contribution` and a comment on it.
"""

from __future__ import annotations

from django.urls import reverse

from core.contributions.sample_pages import KIND, PLUGIN, sample_contribution
from core.plugins import (
    MODERATOR,
    MODERATORS,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)


def default_reason(code: str = "spam"):
    """A reason of the default charter (created by a data migration; put back here when a
    test on the live server emptied the tables)."""
    from core.moderation.defaults import ensure_default_reasons
    from core.moderation.models import ModerationReason

    ensure_default_reasons()
    return ModerationReason.objects.get(organisation=None, code=code)


def sample_comment(fx):
    """A comment of the other participant on the sample contribution (made once)."""
    from core.comments.models import Comment

    if "comment" not in fx.objects:
        fx.objects["comment"] = Comment.objects.create(
            contribution=sample_contribution(fx), author=fx.users[OTHER_PARTICIPANT],
            body="<p>Et pourquoi pas des tables aussi ?</p>",
        )
    return fx.objects["comment"]


def _reported(fx, html: str) -> bool:
    from core.moderation.models import Report

    return Report.objects.filter(contribution=sample_contribution(fx),
                                 reporter=fx.users[OTHER_PARTICIPANT]).exists()


def _hidden(fx, html: str) -> bool:
    from core.contributions.models import Contribution

    return Contribution.objects.get(pk=sample_contribution(fx).pk).is_hidden


def _reports(fx, n: int) -> None:
    """``n`` more open reports in the organisation: on new contributions and on comments."""
    from core.comments.models import Comment
    from core.contributions.models import Contribution
    from core.moderation.models import Report

    start = Contribution.objects.count()
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[OTHER_PARTICIPANT],
                     title=f"Contribution signalée n° {start + i}", status="received")
        for i in range(n)
    )
    comments = Comment.objects.bulk_create(
        Comment(contribution=c, author=fx.users[OTHER_PARTICIPANT], body="<p>Un avis.</p>")
        for c in contributions[1::2]
    )
    reason = default_reason()
    Report.objects.bulk_create(
        [Report(contribution=c, reporter=fx.users[PARTICIPANT], reason=reason) for c in contributions[::2]]
        + [Report(comment=c, reporter=fx.users[PARTICIPANT], reason=reason, message="Hors sujet.")
           for c in comments]
    )
    # Contributions awaiting pre-moderation are listed too.
    Contribution.objects.bulk_create(
        Contribution(plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[OTHER_PARTICIPANT],
                     title=f"À valider n° {start + i}", status="received", awaiting_moderation=True)
        for i in range(n)
    )


def _reasons(fx, n: int) -> None:
    """``n`` more reasons of the organisation's own charter."""
    from core.moderation.models import ModerationReason

    start = ModerationReason.objects.count()
    ModerationReason.objects.bulk_create(
        ModerationReason(organisation=fx.organisation, code=f"motif-{start + i}",
                         label=f"Motif n° {start + i}", description="Un motif propre à la commune.",
                         sort_order=100 + start + i)
        for i in range(n)
    )


def _decisions(fx, n: int) -> None:
    """``n`` more decisions of the organisation's moderators, on contributions and comments."""
    from core.comments.models import Comment
    from core.contributions.models import Contribution
    from core.moderation.models import ModerationDecision

    start = Contribution.objects.count()
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[OTHER_PARTICIPANT],
                     title=f"Contribution masquée n° {start + i}", status="received", is_hidden=True)
        for i in range(n)
    )
    comments = Comment.objects.bulk_create(
        Comment(contribution=c, author=fx.users[OTHER_PARTICIPANT], body="<p>Un avis.</p>",
                is_hidden=True)
        for c in contributions[1::2]
    )
    reasons = [default_reason("spam"), None]
    moderator = fx.users[MODERATOR]
    hide, restore = ModerationDecision.Action.HIDE, ModerationDecision.Action.RESTORE
    ModerationDecision.objects.bulk_create(
        [ModerationDecision(organisation=fx.organisation, moderator=moderator, contribution=c,
                            action=hide, reason=reasons[0]) for c in contributions[::2]]
        + [ModerationDecision(organisation=fx.organisation, moderator=moderator, comment=c,
                              action=(hide, restore)[i % 2], reason=reasons[i % 2])
           for i, c in enumerate(comments)]
    )


def _queue_url(fx) -> str:
    return reverse("moderation:queue", args=[fx.organisation.slug])


def moderation_pages() -> list[SamplePage]:
    """Every named URL of ``core.moderation``."""
    report = FormSample(
        data=lambda fx: {"reason": str(default_reason().pk), "message": "Publicité déguisée."},
        role=OTHER_PARTICIPANT, fields=("message",), submit="Envoyer le signalement",
        done=_reported,
    )
    decision = FormSample(
        data=lambda fx: {"action": "hide", "reason": str(default_reason().pk),
                         "note": "Signalée trois fois."},
        role=MODERATOR, fields=("note",), submit="Enregistrer la décision", done=_hidden,
    )
    return [
        SamplePage(
            name="moderation:report", setup=sample_contribution,
            url=lambda fx: reverse("moderation:report", args=["contribution", sample_contribution(fx).pk]),
            label="Signaler une contribution", get=SIGNED_IN, post=statuses(302), form=report,
        ),
        SamplePage(
            name="moderation:report", variant="commentaire", setup=sample_comment,
            url=lambda fx: reverse("moderation:report", args=["comment", sample_comment(fx).pk]),
            label="Signaler un commentaire", get=SIGNED_IN,
        ),
        SamplePage(
            name="moderation:report", variant="inconnu", audit=False,
            url=lambda fx: reverse("moderation:report", args=["page", 1]),
            label="Signaler un contenu inconnu", get=statuses(404, anonymous=302),
        ),
        SamplePage(
            name="moderation:decide", setup=sample_contribution,
            url=lambda fx: reverse("moderation:decide", args=["contribution", sample_contribution(fx).pk]),
            label="Modérer une contribution", get=MODERATORS,
            post=statuses(403, anonymous=302, moderator=302, admin=302),
            redirect_params=("next",), form=decision,
        ),
        SamplePage(
            name="moderation:decide", variant="commentaire", setup=sample_comment,
            url=lambda fx: reverse("moderation:decide", args=["comment", sample_comment(fx).pk]),
            label="Modérer un commentaire", get=MODERATORS,
        ),
        SamplePage(
            name="moderation:queue", url=_queue_url, label="File de modération", get=MODERATORS,
            list_of=_reports,
        ),
        SamplePage(
            name="moderation:charter",
            url=lambda fx: reverse("moderation:charter", args=[fx.organisation.slug]),
            label="Charte de modération", list_of=_reasons,
        ),
        SamplePage(
            name="moderation:log", url=lambda fx: reverse("moderation:log", args=[fx.organisation.slug]),
            label="Journal public de modération", list_of=_decisions,
        ),
    ]
