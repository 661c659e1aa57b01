"""Petitions, signatures and participation records in two organisations, made at a known time."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.contributions.services import change_status
from core.models import Component
from core.participation.models import ParticipationRecord
from core.testing import make_space
from plugins.petitions import services
from plugins.petitions import workflow as states
from plugins.petitions.models import PetitionSettings, Signature

#: When the rows of the tests are created.
T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


def make_petition(organisation, slug: str, author):
    space = make_space(organisation, slug=slug)
    box = Component.objects.create(phase=space.phases.get(), component_type="petitions.petition_box",
                                   title=f"Pétitions {slug}")
    PetitionSettings.objects.create(component=box)
    return services.create_petition(box, author=author, title=f"Une pétition pour {slug}",
                                    text="Un texte.", on_behalf_of_organisation=True)


def make_signature(petition, email: str, *, confirmed: bool = True, ip: str | None = "203.0.113.7") -> Signature:
    return Signature.objects.create(
        petition=petition, email=email, email_domain=email.rpartition("@")[2], name=f"Nom de {email}",
        show_name=True, postcode="35000", wants_updates=True, ip_address=ip,
        token_hash=secrets.token_hex(32), confirmed_at=petition.opened_at if confirmed else None,
    )


def close(petition):
    change_status(petition.contribution, states.CLOSED, by=None, system=True)


def link_record(petition, user) -> ParticipationRecord:
    return ParticipationRecord.objects.create(subject_key=petition.subject_key, person_key=secrets.token_hex(32),
                                              channel="web", user=user, withdrawn_by=user)


@pytest.fixture
def at_t0():
    with time_machine.travel(T0, tick=False):
        yield T0


@pytest.fixture
def petitions(at_t0, commune, association, agent, foreign_agent):
    """An open petition of each organisation, created at T0."""
    return {"commune": make_petition(commune, "bourg", agent),
            "association": make_petition(association, "air", foreign_agent)}


def second(n: int = 1) -> timedelta:
    return timedelta(seconds=n)
