"""An official's page: the all-time totals and the last 24 months of history."""

from __future__ import annotations

import pytest

from plugins.qa_elus.models import OfficialStats

pytestmark = pytest.mark.django_db


def test_the_totals_stay_after_thirty_months_of_history(client, mayor):
    months = [f"{2024 + (m // 12)}-{m % 12 + 1:02d}" for m in range(30)]  # 2024-01 … 2026-06
    OfficialStats.objects.bulk_create([OfficialStats(official=mayor, period=p, received=1, answered=1)
                                       for p in months])
    OfficialStats.objects.create(official=mayor, period="", received=30, answered=29, overdue=4)
    response = client.get(mayor.get_absolute_url())
    page = response.content.decode()
    assert "30 questions reçues, 29 réponses, 4 réponses en retard." in page
    history = [row.period for row in response.context["history"]]
    assert history == sorted(months, reverse=True)[:24]
    assert "2026-06" in page and "2024-07" in page and "2024-06" not in page
