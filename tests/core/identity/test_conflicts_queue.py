"""The agents' conflicts queue stays cheap: constant queries, fast at 10,000 cases."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.identity.models import CensusEntry, CensusList, ConflictCase
from core.models import User


def add_cases(commune, n: int) -> None:
    """``n`` open cases: as many (entry, claimant) pairs as needed, created in bulk."""
    census = CensusList.objects.filter(organisation=commune).first() or CensusList.objects.create(
        organisation=commune, purge_after=timezone.now() + timedelta(days=30))
    side = max(int(n ** 0.5) + 1, 2)
    start = User.objects.count()
    users = User.objects.bulk_create(User(email=f"c{start + i}@example.org") for i in range(side))
    base = CensusEntry.objects.count()
    entries = CensusEntry.objects.bulk_create(
        CensusEntry(census=census, identity_hash=f"{base + i:064x}", area="Centre",
                    birth_date=date(1980, 1, 1), claimed_by=users[0]) for i in range(side))
    now = timezone.now()
    ConflictCase.objects.bulk_create(
        (ConflictCase(organisation=commune, entry=entries[i % side], claimant=users[i // side],
                      holder=users[0], created_at=now - timedelta(seconds=i))
         for i in range(n)), batch_size=2000)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow(commune, agent):
    client = Client()
    client.force_login(agent)
    url = reverse("identity:conflicts", args=[commune.slug])
    add_cases(commune, 10)
    client.get(url)  # warm up: caches filled on a first request are not the page's cost
    few = queries_for(client, url)
    add_cases(commune, 290)
    assert ConflictCase.objects.count() == 300
    assert queries_for(client, url) == few
    assert queries_for(client, url + "?page=6") == few


def test_a_page_renders_fast_at_ten_thousand_cases(commune, agent):
    add_cases(commune, 10_000)
    client = Client()
    client.force_login(agent)
    url = reverse("identity:conflicts", args=[commune.slug])
    client.get(url)  # warm up templates
    for page in ("", "?page=100", "?page=200"):
        started = time.perf_counter()
        response = client.get(url + page)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") == 51  # header + 50 cases
        assert elapsed < 1.5, f"{page or 'page 1'} took {elapsed:.2f}s"
    assert "10000 conflits" in response.content.decode()
