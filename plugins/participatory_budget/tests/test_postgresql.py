"""On a real PostgreSQL: one person sending many ballots at once ends with one record, one
ballot (the last one written) and a ledger whose last entry for them is that ballot.

Run with ``DATABASE_URL=postgres://... REDIS_URL=... pytest -m integration``.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from core.ledger import load_export, verify_export
from core.participation.models import LedgerEntry, ParticipationRecord
from core.participation.services import export, flush_pending, publish_head
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Ballot
from tests.core.participation.test_postgresql import _run_in_threads

from .conftest import verified_in

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_of_one_person(voting, resident):
    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL=postgres://..."
    budget, p = voting
    verified_in(resident, "Le Bourg")
    bourg = budget.districts.get(name="Le Bourg")
    options = [[p["bancs"].ballot_id], [p["jardin"].ballot_id], [p["bancs"].ballot_id, p["eau"].ballot_id],
               [p["livres"].ballot_id]]

    def cast(index: int):
        return services.cast_ballot(budget, user=resident, district=bourg, choice=options[index % len(options)])

    results = _run_in_threads(20, cast)
    assert not [r for r in results if isinstance(r, Exception)], results
    flush_pending(budget.subject_key)
    assert ParticipationRecord.objects.filter(subject_key=budget.subject_key).count() == 1
    ballot = Ballot.objects.get(budget=budget)
    casts = LedgerEntry.objects.filter(log__key=budget.subject_key, kind="cast").order_by("seq")
    assert casts.count() == 20
    # The counted ballot is the ledger's last ballot for this person.
    assert json.loads(casts.last().data)["choice"] == ballot.choice
    publish_head(budget.subject_key)
    assert verify_export(load_export(export(budget.subject_key))).ok
