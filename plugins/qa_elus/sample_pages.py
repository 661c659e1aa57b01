"""The questions pages, declared for Parvis's every-page gates (see docs/gates.md).

Each callable receives the gates' fixtures ``fx``. The setups keep in ``fx.objects``:

- ``qa_box``: a question box (component) in the current phase of ``fx.space``;
- ``qa_mayor``: the mayor, an official profile of the ``official`` account, who opted in;
- ``qa_published``: a question of ``other_participant`` to the mayor, published;
- ``qa_submitted``: a question of ``participant`` to the council, awaiting moderation;
- ``qa_answered``: a question of ``participant`` the mayor answered;
- ``qa_rejected``: a question refused for a reason of the charter.

Pages with ``list_of`` are audited as a signed-in person, whose pages are never cached.
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import (
    MODERATOR,
    OFFICIAL,
    OTHER_PARTICIPANT,
    PARTICIPANT,
    POST_ONLY,
    SIGNED_IN,
    FormSample,
    SamplePage,
    statuses,
)

BOX = "qa_elus.questions"
NEW_TITLE = "Horaires de la médiathèque le samedi"
PUBLIC = statuses(200)
ROUTERS = statuses(403, anonymous=302, moderator=200, agent=200, admin=200)


# --- Setups ----------------------------------------------------------------------------------


def _box(fx):
    from core.models import Component
    from plugins.qa_elus.models import QaSettings

    if "qa_box" not in fx.objects:
        phase = fx.space.phases.order_by("sort_order").first()
        fx.objects["qa_box"] = Component.objects.create(phase=phase, component_type=BOX,
                                                        title="Questions aux élus de Saint-Aubin")
        QaSettings.objects.get_or_create(organisation=fx.organisation,
                                         defaults={"questions_per_month": 50, "questions_per_year": 500})
    return fx.objects["qa_box"]


def _mayor(fx):
    from plugins.qa_elus.models import Official

    if "qa_mayor" not in fx.objects:
        _box(fx)
        fx.objects["qa_mayor"] = Official.objects.create(
            organisation=fx.organisation, user=fx.users[OFFICIAL], name="Jeanne Maire", role="Maire",
            delegations="Finances, urbanisme", opted_in=True,
        )
    return fx.objects["qa_mayor"]


def _question(fx, key: str, author_role: str, title: str, official=True):
    from plugins.qa_elus import services

    if key not in fx.objects:
        fx.objects[key] = services.ask(
            _box(fx), author=fx.users[author_role], official=_mayor(fx) if official else None, title=title,
            text=f"{title} : qu'en pensez-vous ?", display_name=fx.users[author_role].display_name,
        )
    return fx.objects[key]


def _published(fx):
    from plugins.qa_elus import services

    if "qa_published" not in fx.objects:
        question = _question(fx, "qa_published_q", OTHER_PARTICIPANT, "Un arrêt de bus devant l'école")
        fx.objects["qa_published"] = services.publish(question, by=fx.users[MODERATOR])
    return fx.objects["qa_published"]


def _submitted(fx):
    _mayor(fx)
    return _question(fx, "qa_submitted", PARTICIPANT, "La cantine bio au collège", official=False)


def _answered(fx):
    from plugins.qa_elus import services

    if "qa_answered" not in fx.objects:
        question = services.publish(_question(fx, "qa_answered_q", PARTICIPANT, "Le marché de Noël"),
                                    by=fx.users[MODERATOR])
        services.answer(question, by=fx.users[OFFICIAL], body="<p>Il aura lieu place de la mairie.</p>")
        question.refresh_from_db()
        fx.objects["qa_answered"] = question
    return fx.objects["qa_answered"]


def _rejected(fx):
    from core.moderation.defaults import ensure_default_reasons
    from core.moderation.services import charter
    from plugins.qa_elus import services

    if "qa_rejected" not in fx.objects:
        question = _question(fx, "qa_rejected_q", OTHER_PARTICIPANT, "Des propos injurieux")
        ensure_default_reasons()  # a test on the live server empties the tables the migration filled
        reason = next(r for r in charter(fx.organisation) if r.code == "insult")
        fx.objects["qa_rejected"] = services.reject(question, by=fx.users[MODERATOR], reason=reason)
    return fx.objects["qa_rejected"]


def _everything(fx):
    _published(fx)
    _submitted(fx)
    _answered(fx)
    _rejected(fx)


# --- Listed items, for the query budgets --------------------------------------------------------


def _questions(fx, n: int, state: str = "published") -> None:
    """``n`` more questions to the mayor, bulk-created (half published, half answered)."""
    from django.utils import timezone

    from plugins.qa_elus.models import Question

    mayor = _mayor(fx)
    start = fx.objects.get("qa_listed", 0)
    now = timezone.now()
    Question.objects.bulk_create(
        Question(organisation=fx.organisation, component=_box(fx), official=mayor, author=fx.users[OTHER_PARTICIPANT],
                 display_name="Autre", title=f"Question n° {i}", text="Pour le quartier.",
                 state=state if state != "published" else ("published", "answered")[i % 2],
                 published_at=None if state == "submitted" else now, support_total=i % 13)
        for i in range(start, start + n)
    )
    fx.objects["qa_listed"] = start + n


def _submitted_questions(fx, n: int) -> None:
    _questions(fx, n, state="submitted")


def _ranked(fx, n: int) -> None:
    """``n`` more officials with their statistics, for the ranking page."""
    from plugins.qa_elus.models import Official, OfficialStats

    start = fx.objects.get("qa_ranked", 0)
    officials = Official.objects.bulk_create(
        Official(organisation=fx.organisation, name=f"Élu {i}", role="Conseiller municipal", opted_in=True)
        for i in range(start, start + n)
    )
    OfficialStats.objects.bulk_create(
        OfficialStats(official=o, period="", received=10 + i % 7, answered=i % 7, median_delay_days=i % 30)
        for i, o in enumerate(officials)
    )
    fx.objects["qa_ranked"] = start + n


# --- URLs and outcomes ----------------------------------------------------------------------------


def _url(name: str, key):
    return lambda fx: reverse(name, args=[key(fx).pk])


def _moderation_url(fx) -> str:
    return reverse("qa_elus:moderation", args=[fx.organisation.slug])


def _asked(fx, html: str) -> bool:
    from plugins.qa_elus.models import Question

    return Question.objects.filter(title=NEW_TITLE, author=fx.users[PARTICIPANT]).exists()


def _supported(fx, html: str) -> bool:
    from core.participation.models import ParticipationRecord

    return ParticipationRecord.objects.filter(subject_key=_published(fx).subject_key,
                                              user=fx.users[PARTICIPANT]).exists()


def _followed_up(fx, html: str) -> bool:
    from plugins.qa_elus.models import Question

    return Question.objects.filter(follow_up_of=_answered(fx)).exists()


def _answered_now(fx, html: str) -> bool:
    from plugins.qa_elus.models import Answer

    return Answer.objects.filter(question=_published(fx)).exists()


def _was_published(fx, html: str) -> bool:
    from plugins.qa_elus.models import Question

    return Question.objects.filter(pk=_submitted(fx).pk, state="published").exists()


# --- The declarations ------------------------------------------------------------------------


def sample_pages() -> list[SamplePage]:
    """Every named URL of the ``qa_elus`` namespace."""
    return [
        SamplePage(name="qa_elus:index", url=lambda fx: reverse("qa_elus:index"), setup=_mayor,
                   label="Questions aux élus"),
        SamplePage(name="qa_elus:questions", url=lambda fx: reverse("qa_elus:questions", args=[fx.organisation.slug]),
                   setup=_everything, list_of=_questions, audit_as=PARTICIPANT,
                   label="Questions aux élus d'une organisation"),
        SamplePage(name="qa_elus:component", url=_url("qa_elus:component", _box), setup=_everything,
                   list_of=_questions, audit_as=PARTICIPANT, label="Boîte à questions d'un espace"),
        SamplePage(name="qa_elus:ranking", url=lambda fx: reverse("qa_elus:ranking", args=[fx.organisation.slug]),
                   setup=_answered, list_of=_ranked, audit_as=PARTICIPANT, label="Taux de réponse des élus"),
        SamplePage(name="qa_elus:official", url=_url("qa_elus:official", _mayor), setup=_everything,
                   list_of=_questions, audit_as=PARTICIPANT, label="Fiche d'un élu"),
        SamplePage(name="qa_elus:dashboard", url=lambda fx: reverse("qa_elus:dashboard"), setup=_published,
                   get=SIGNED_IN, list_of=_questions, audit_as=OFFICIAL, label="Questions à répondre"),
        SamplePage(
            name="qa_elus:ask", url=_url("qa_elus:ask", _box), setup=_mayor, get=SIGNED_IN, post=statuses(302),
            label="Poser une question",
            form=FormSample(
                data=lambda fx: {"official": str(_mayor(fx).pk), "title": NEW_TITLE,
                                 "text": "La médiathèque pourrait-elle ouvrir jusqu'à 18 h le samedi ?",
                                 "display_name": "Léa M."},
                fields=("title", "text", "display_name"), submit="Envoyer la question", done=_asked,
            ),
        ),
        SamplePage(name="qa_elus:question", url=_url("qa_elus:question", _published), setup=_published,
                   label="Question publiée"),
        SamplePage(name="qa_elus:question", variant="reponse", url=_url("qa_elus:question", _answered),
                   setup=_answered, label="Question avec sa réponse", audit_as=PARTICIPANT),
        SamplePage(name="qa_elus:question", variant="refus", url=_url("qa_elus:question", _rejected),
                   setup=_rejected, label="Question refusée"),
        SamplePage(name="qa_elus:question", variant="moderation", url=_url("qa_elus:question", _submitted),
                   setup=_submitted, get=statuses(403, participant=200, moderator=200, agent=200, admin=200),
                   audit_as=PARTICIPANT, label="Question en attente de modération"),
        SamplePage(
            name="qa_elus:support", url=_url("qa_elus:support", _published), setup=_published, audit=False,
            get=POST_ONLY, post=statuses(302), label="Soutenir une question",
            form=FormSample(data=lambda fx: {}, submit="Je soutiens cette question",
                            shown_on=_url("qa_elus:question", _published), done=_supported),
        ),
        SamplePage(
            name="qa_elus:follow_up", url=_url("qa_elus:follow_up", _answered), setup=_answered, audit=False,
            get=POST_ONLY, post=statuses(403, anonymous=302, participant=302), label="Relancer une question",
            form=FormSample(data=lambda fx: {"text": "Et pour les exposants venus d'autres communes ?"},
                            submit="Envoyer la relance", shown_on=_url("qa_elus:question", _answered),
                            done=_followed_up),
        ),
        SamplePage(
            name="qa_elus:answer", url=_url("qa_elus:answer", _published), setup=_published,
            get=statuses(403, anonymous=302, official=200), post=statuses(403, anonymous=302, official=302),
            label="Répondre à une question",
            form=FormSample(data=lambda fx: {"body": "Un arrêt sera installé à la rentrée."}, role=OFFICIAL,
                            submit="Publier la réponse", done=_answered_now),
        ),
        SamplePage(name="qa_elus:moderation", url=_moderation_url, setup=_submitted, get=ROUTERS,
                   list_of=_submitted_questions, audit_as=MODERATOR, label="Questions à modérer"),
        SamplePage(
            name="qa_elus:moderate", url=_url("qa_elus:moderate", _submitted), setup=_submitted, audit=False,
            get=POST_ONLY, post=statuses(403, anonymous=302, moderator=302, admin=302),
            label="Modérer une question",
            form=FormSample(data=lambda fx: {"action": "publish", "official": str(_mayor(fx).pk), "reason": "",
                                             "note": "Publiée."},
                            role=MODERATOR, fields=("note",), submit="Valider", shown_on=_moderation_url,
                            done=_was_published),
        ),
    ]


