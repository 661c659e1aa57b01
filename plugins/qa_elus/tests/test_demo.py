"""The demo: the mayor with an answered question (supported on the web and on paper), a
pending one, one awaiting moderation, a rejected one, and the statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.demo import load_demo
from plugins.qa_elus.models import Official, OfficialStats, Question

pytestmark = pytest.mark.django_db


def test_demo_has_the_mayor_answered_and_pending_questions_and_statistics(client):
    load_demo()
    mayor = Official.objects.get(role="Maire")
    assert mayor.user.email == "maire@example.org"
    states = sorted(Question.objects.values_list("state", flat=True))
    assert states == ["answered", "published", "rejected", "submitted"]
    answered = Question.objects.get(state="answered")
    assert (answered.support_web, answered.support_paper) == (2, 1)
    stats = OfficialStats.objects.get(official=mayor, period="")
    assert (stats.received, stats.answered, stats.median_delay_days) == (2, 1, 5.0)
    html = client.get(reverse("qa_elus:ranking", args=[mayor.organisation.slug])).content.decode()
    assert "Jeanne Maire" in html and "50 %" in html
