"""Helpers of the signing benchmark, run in the benchmark's environment: create an open
petition (prints its id), count its signatures, or create the baseline's table."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def create_petition() -> int:
    from django.utils import timezone

    from core.models import Component, Organisation, Phase, Space, User
    from plugins.petitions.models import PetitionSettings
    from plugins.petitions.services import create_petition as create

    organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    space, _ = Space.objects.get_or_create(slug="bench", defaults={"title": "Bench", "is_published": True})
    space.organisations.add(organisation)
    space.save()
    phase = Phase.objects.create(space=space, title="Signatures", starts_at=timezone.now() - timezone.timedelta(days=1))
    component = Component.objects.create(phase=phase, component_type="petitions.petition_box", title="Bench")
    PetitionSettings.objects.create(component=component)
    agent = User.objects.filter(email="bench@example.org").first() or User.objects.create_superuser("bench@example.org", "x")
    petition = create(component, author=agent, title="Pétition de charge", text="…", on_behalf_of_organisation=True)
    return petition.pk


if __name__ == "__main__":
    if sys.argv[1:2] == ["--count"]:
        from plugins.petitions.models import Signature

        print(Signature.objects.filter(petition_id=int(sys.argv[2])).count())
    elif sys.argv[1:2] == ["--bare-table"]:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_signature (id bigserial PRIMARY KEY, "
                           "email varchar(254), name varchar(150), created_at timestamptz)")
    else:
        print(create_petition())
