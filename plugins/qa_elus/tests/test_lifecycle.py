"""A question's life through the public pages and the services: ask, moderate, support (web
and paper), answer, notify, follow up, and the statistics that follow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.moderation.services import charter
from core.notifications.models import Notification
from core.participation.models import ParticipationRecord
from plugins.qa_elus import services, tasks
from plugins.qa_elus.models import Answer, Delegation, Official, OfficialStats, Question
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _ask(box, author, official, title="Horaires de la piscine", text="Pourquoi fermer la piscine le dimanche ?"):
    return services.ask(box, author=author, official=official, title=title, text=text, display_name="Léa M.")


def test_the_whole_journey_through_the_pages(client, box, mayor, asker, moderator, official, agent,
                                             django_capture_on_commit_callbacks):
    client.force_login(asker)
    response = client.post(reverse("qa_elus:ask", args=[box.pk]), {
        "official": str(mayor.pk), "title": "Horaires de la piscine", "display_name": "Léa M.",
        "text": "Pourquoi la piscine ferme-t-elle le dimanche ?"})
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.state == "submitted" and question.contribution.awaiting_moderation
    # Not public before moderation.
    client.logout()
    assert client.get(question.get_absolute_url()).status_code == 403

    client.force_login(moderator)
    page = client.get(reverse("qa_elus:moderation", args=[box.phase.space.organisations.get().slug]))
    assert "Horaires de la piscine" in page.content.decode()
    client.post(reverse("qa_elus:moderate", args=[question.pk]), {"action": "publish", "official": ""})
    question.refresh_from_db()
    assert question.state == "published" and not question.contribution.awaiting_moderation
    assert question.due_at.date() == (question.published_at + timedelta(days=15)).date()
    assert Notification.objects.filter(recipient=official, kind="qa_elus.question_to_answer").exists()

    supporter = make_user("soutien@example.org", display_name="Paul")
    client.force_login(supporter)
    client.post(reverse("qa_elus:support", args=[question.pk]))
    client.post(reverse("qa_elus:support", args=[question.pk]))  # a second time: refused
    client.force_login(agent)
    paper = client.post(reverse("participation:paper_entry", args=[question.subject_key]),
                        {"email": "papier@example.org", "sheet_reference": "F1"})
    assert paper.status_code == 200
    assert tasks.recount_supports() == 1
    question.refresh_from_db()
    assert (question.support_web, question.support_paper, question.support_total) == (1, 1, 2)
    assert ParticipationRecord.objects.filter(subject_key=question.subject_key).count() == 2

    client.force_login(official)
    dashboard = client.get(reverse("qa_elus:dashboard")).content.decode()
    assert "Horaires de la piscine" in dashboard
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("qa_elus:answer", args=[question.pk]), {"body": "<p>Elle ouvrira le dimanche matin.</p>"})
    question.refresh_from_db()
    assert question.state == "answered" and question.answer.signature == "Jeanne Maire, Maire"
    assert Notification.objects.filter(recipient__in=[asker, supporter], kind="qa_elus.question_answered").count() == 2
    assert any("asker@example.org" in m.to for m in mail.outbox)
    stats = OfficialStats.objects.get(official=mayor, period="")
    assert (stats.received, stats.answered, stats.answer_rate, stats.median_delay_days) == (1, 1, 100.0, 0.0)
    ranking = client.get(reverse("qa_elus:ranking", args=["saint-aubin"])).content.decode()
    assert "Jeanne Maire" in ranking and "100 %" in ranking

    client.force_login(asker)
    client.post(reverse("qa_elus:follow_up", args=[question.pk]), {"text": "Et le dimanche après-midi ?"})
    relaunch = Question.objects.get(follow_up_of=question)
    assert relaunch.official == mayor and relaunch.state == "submitted"
    second = client.post(reverse("qa_elus:follow_up", args=[question.pk]), {"text": "Encore ?"})
    assert second.status_code == 400 and "Une seule relance" in second.content.decode()


def test_a_question_to_the_council_is_routed_then_published(box, mayor, asker, agent, moderator):
    question = _ask(box, asker, None)
    with pytest.raises(ValidationError):
        services.publish(question, by=moderator)  # nobody to answer yet
    with pytest.raises(PermissionDenied):
        services.publish(question, by=agent, official=mayor)  # agents route, moderators decide
    services.route(question, mayor, by=agent)
    services.publish(question, by=moderator)
    question.refresh_from_db()
    assert question.official == mayor and question.state == "published"


def test_rejected_questions_stay_listed_with_their_reason_without_their_text(client, box, mayor, asker, moderator):
    question = _ask(box, asker, mayor, title="Titre injurieux", text="Texte injurieux")
    reason = next(r for r in charter(mayor.organisation) if r.code == "insult")
    services.reject(question, by=moderator, reason=reason)
    assert question.contribution.__class__.objects.get(pk=question.contribution_id).is_hidden
    html = client.get(reverse("qa_elus:questions", args=["saint-aubin"])).content.decode()
    assert reason.label in html and "Texte injurieux" not in html and "Titre injurieux" not in html
    page = client.get(question.get_absolute_url()).content.decode()
    assert reason.label in page and "Texte injurieux" not in page
    assert Notification.objects.filter(recipient=asker, kind="qa_elus.question_rejected").exists()


def test_quota_per_month_and_year(box, mayor, asker):
    _ask(box, asker, mayor, title="Un")
    _ask(box, asker, mayor, title="Deux")
    with pytest.raises(ValidationError, match="ce mois-ci"):
        _ask(box, asker, mayor, title="Trois")
    Question.objects.update(created_at=timezone.now() - timedelta(days=40))
    _ask(box, asker, mayor, title="Trois")
    with pytest.raises(ValidationError, match="cette année"):
        _ask(box, asker, mayor, title="Quatre")


def test_the_ask_page_says_why_a_question_is_refused_and_keeps_the_text(client, box, mayor, asker):
    for title in ("Un", "Deux"):
        _ask(box, asker, mayor, title=title)
    client.force_login(asker)
    response = client.post(reverse("qa_elus:ask", args=[box.pk]), {
        "official": str(mayor.pk), "title": "Trois", "text": "Mon texte précieux", "display_name": "Léa"})
    html = response.content.decode()
    assert response.status_code == 200 and "ce mois-ci" in html and "Mon texte précieux" in html


def test_officials_who_did_not_opt_in_or_whose_mandate_ended_get_no_question(box, mayor, asker):
    former = Official.objects.create(organisation=mayor.organisation, name="Ancien", role="Adjoint", opted_in=True,
                                     mandate_end=date.today() - timedelta(days=1))
    shy = Official.objects.create(organisation=mayor.organisation, name="Discret", role="Adjoint")
    for person in (former, shy):
        with pytest.raises(ValidationError, match="ne reçoit pas"):
            _ask(box, asker, person)


def test_only_the_official_or_delegated_staff_answer_and_the_answer_says_who_wrote_it(box, mayor, asker, moderator,
                                                                                       agent):
    question = services.publish(_ask(box, asker, mayor), by=moderator)
    with pytest.raises(PermissionDenied):
        services.answer(question, by=agent, body="Réponse")
    Delegation.objects.create(official=mayor, staff=agent)
    written = services.answer(question, by=agent, body="<p>Réponse</p><script>alert(1)</script>")
    assert written.writer_name == "agent" and agent.email not in written.writer_name and written.official == mayor
    assert "<script>" not in written.body


def test_copied_answers_are_flagged_publicly(client, box, mayor, asker, moderator, official):
    other = make_user("autre@example.org")
    first = services.publish(_ask(box, asker, mayor, title="Le stade"), by=moderator)
    second = services.publish(_ask(box, other, mayor, title="La piscine"), by=moderator)
    services.answer(first, by=official, body="Nous étudions la question avec attention.")
    copied = services.answer(second, by=official, body="<p>Nous étudions la question, avec attention !</p>")
    assert copied.copy_of == Answer.objects.get(question=first)
    html = client.get(second.get_absolute_url()).content.decode()
    assert "Réponse reprise d'une autre question" in html


def test_overdue_questions_are_counted_once(box, mayor, asker, moderator):
    question = services.publish(_ask(box, asker, mayor), by=moderator)
    later = question.due_at + timedelta(hours=1)
    assert services.mark_overdue(later) == 1
    assert services.mark_overdue(later) == 0
    assert OfficialStats.objects.get(official=mayor, period="").overdue == 1


def test_similar_questions_are_suggested_before_asking(client, box, mayor, asker, moderator):
    services.publish(_ask(box, asker, mayor, title="Fermeture de la piscine municipale",
                          text="La piscine municipale ferme le dimanche."), by=moderator)
    client.force_login(make_user("autre@example.org"))
    html = client.post(reverse("qa_elus:ask", args=[box.pk]), {
        "official": str(mayor.pk), "title": "Piscine municipale fermée", "check": "1",
        "text": "Pourquoi la piscine municipale est-elle fermée le dimanche ?", "display_name": "X"}).content.decode()
    assert "Questions proches déjà posées" in html and "Fermeture de la piscine municipale" in html
    assert Question.objects.count() == 1  # checking did not post


def test_median_delay_from_the_histogram():
    assert services._median({"2": 1, "10": 1, "4": 1}) == 4.0
    assert services._median({"2": 2, "10": 2}) == 6.0
    assert services._median({}) is None


@pytest.mark.parametrize("page", ["questions", "ranking", "official"])
def test_public_pages_cost_the_same_queries_whatever_the_number_of_questions(client, box, mayor, asker, moderator,
                                                                              page):
    def count() -> int:
        url = (reverse(f"qa_elus:{page}", args=["saint-aubin"]) if page != "official"
               else reverse("qa_elus:official", args=[mayor.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.publish(_ask(box, asker, mayor), by=moderator)
    few = count()
    now = timezone.now()
    Question.objects.bulk_create(
        Question(organisation=mayor.organisation, component=box, official=mayor, display_name="X", title=f"Q{i}",
                 text="T", state="published", published_at=now) for i in range(200))
    assert count() == few


def test_pages_are_french_first_and_translated_to_english(client, box, mayor):
    url = reverse("qa_elus:ranking", args=["saint-aubin"])
    assert "Taux de réponse des élus de Saint-Aubin" in client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Answer rates of the officials of Saint-Aubin" in english


def test_administrators_manage_officials_in_the_back_office(client, superuser, mayor):
    client.force_login(superuser)
    html = client.get("/admin/snippets/qa_elus/official/").content.decode()
    assert "Jeanne Maire" in html
