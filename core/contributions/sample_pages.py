"""The contribution pages, declared for the every-page gates (see docs/gates.md).

The core's ``sample_pages`` hook includes :func:`contribution_pages` (see core/sample_pages.py).
Contributions belong to the sample plugin's kind ``suggestions.suggestion`` (installed in the
test environment, ``tests/sample_plugin``), whose workflow is the default one.
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import (
    AGENT,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    POST_ONLY,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

PLUGIN = "suggestions"
KIND = "suggestion"
TITLE = "Des bancs place de l'église"

#: POST-only actions of the agents, officials and administrators (the default workflow's roles
#: and the roles that publish official answers): they are sent back to the contribution.
STAFF_ACTION = statuses(403, anonymous=302, agent=302, official=302, admin=302)


def sample_contribution(fx):
    """A public contribution of the participant in the fixtures' space (made once)."""
    from core.contributions.services import register_contribution

    if "contribution" not in fx.objects:
        fx.objects["contribution"] = register_contribution(
            plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[PARTICIPANT], title=TITLE,
            summary="Pour pouvoir se reposer à l'ombre des tilleuls.",
        )
    return fx.objects["contribution"]


def _awaiting(fx):
    """A contribution of the participant awaiting pre-moderation (made once)."""
    from core.contributions.services import register_contribution

    if "awaiting" not in fx.objects:
        fx.objects["awaiting"] = register_contribution(
            plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[PARTICIPANT],
            title="Une idée à valider", premoderated=True,
        )
    return fx.objects["awaiting"]


def detail_url(fx) -> str:
    return reverse("contributions:detail", args=[sample_contribution(fx).pk])


def _my_contributions(fx, n: int) -> None:
    """``n`` more contributions of the participant, each with an official answer."""
    from core.contributions.models import Contribution, OfficialAnswer

    start = Contribution.objects.count()
    contributions = Contribution.objects.bulk_create(
        Contribution(plugin=PLUGIN, kind=KIND, space=fx.space, author=fx.users[PARTICIPANT],
                     title=f"Idée n° {start + i}", status="received")
        for i in range(n)
    )
    OfficialAnswer.objects.bulk_create(
        OfficialAnswer(contribution=c, organisation=fx.organisation, author=fx.users[AGENT],
                       role="agent", signature="Service voirie",
                       body="<p>Nous étudions votre proposition.</p>")
        for c in contributions
    )


def _comments(fx, n: int) -> None:
    """``n`` more comments (and replies) on the sample contribution."""
    from core.comments.models import Comment

    contribution = sample_contribution(fx)
    authors = [fx.users[PARTICIPANT], fx.users[OTHER_PARTICIPANT]]
    Comment.objects.bulk_create(
        Comment(contribution=contribution, author=authors[i % 2], body=f"<p>Avis n° {i}</p>")
        for i in range(n)
    )


def _activities(fx, n: int) -> None:
    """``n`` more entries of the space's public timeline."""
    from core.contributions.models import SpaceActivity

    start = SpaceActivity.objects.count()
    SpaceActivity.objects.bulk_create(
        SpaceActivity(space=fx.space, verb="status_changed", summary=f"Nouvelle étape n° {start + i}",
                      url=fx.space.get_absolute_url())
        for i in range(n)
    )


def _status(fx) -> str:
    from core.contributions.models import Contribution

    return Contribution.objects.get(pk=sample_contribution(fx).pk).status


def _answered(fx, html: str) -> bool:
    return sample_contribution(fx).answers.filter(signature="Service voirie").exists()


def contribution_pages() -> list[SamplePage]:
    """Every named URL of ``core.contributions``."""
    return [
        SamplePage(
            name="contributions:mine", url=lambda fx: reverse("contributions:mine"),
            label="Mes contributions", get=SIGNED_IN, list_of=_my_contributions,
        ),
        SamplePage(
            name="contributions:detail", setup=sample_contribution, url=detail_url,
            label="Contribution", list_of=_comments,
        ),
        # Awaiting pre-moderation: only its author and the moderators see it.
        SamplePage(
            name="contributions:detail", variant="en-attente", setup=_awaiting, audit=False,
            url=lambda fx: reverse("contributions:detail", args=[_awaiting(fx).pk]),
            label="Contribution en attente de modération",
            get=statuses(404, participant=200, moderator=200, admin=200),
        ),
        SamplePage(
            name="contributions:change_status", setup=sample_contribution, audit=False,
            url=lambda fx: reverse("contributions:change_status", args=[sample_contribution(fx).pk]),
            label="Changement de statut", get=POST_ONLY, post=STAFF_ACTION,
            form=FormSample(
                data=lambda fx: {"status": "under_review", "note": "Le service voirie étudie l'idée."},
                role=AGENT, fields=("note",), submit="Changer le statut", shown_on=detail_url,
                done=lambda fx, html: _status(fx) == "under_review",
            ),
        ),
        SamplePage(
            name="contributions:publish_answer", setup=sample_contribution, audit=False,
            url=lambda fx: reverse("contributions:publish_answer", args=[sample_contribution(fx).pk]),
            label="Réponse officielle", get=POST_ONLY, post=STAFF_ACTION,
            form=FormSample(
                data=lambda fx: {"body": "Les bancs seront installés au printemps.",
                                 "signature": "Service voirie"},
                role=AGENT, submit="Publier la réponse", shown_on=detail_url, done=_answered,
            ),
        ),
        SamplePage(
            name="contributions:space_activity",
            url=lambda fx: reverse("contributions:space_activity", args=[fx.space.slug]),
            label="Fil d'activité d'un espace", list_of=_activities,
        ),
    ]
