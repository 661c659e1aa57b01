"""A seeded organisation for the open data tests: petitions with signatures and participations,
plus data that must never be exported (another organisation's, an unpublished space's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Component
from core.participation.models import ParticipationRecord
from core.testing import make_space, make_user
from plugins.petitions import services
from plugins.petitions.models import PetitionSettings, Signature

BOX = "petitions.petition_box"
#: Distinctive values that must never appear in any export.
SECRET_NAME = "Zéphyrine Quiconque-Secrète"
SECRET_DOMAIN = "zephyrine-secret.example"
SECRET_IP = "203.0.113.77"
SECRET_PERSON_KEY = "f00dfeed" * 8
FOREIGN_TITLE = "Pétition de l'autre organisation Xylophone"
HIDDEN_TITLE = "Espace brouillon Quokka"
FORMULA_TITLE = '=HYPERLINK("https://evil.example/","clic")'


@dataclass
class Seed:
    box: Component
    petitions: dict[str, object] = field(default_factory=dict)
    postcodes: dict[str, dict[str, int]] = field(default_factory=dict)


def make_box(space, *, collect_postcode: bool = True) -> Component:
    box = Component.objects.create(phase=space.phases.get(), component_type=BOX, title="Pétitions")
    PetitionSettings.objects.create(component=box, collect_postcode=collect_postcode, answer_threshold=50)
    return box


def open_petition(box, author, title: str):
    return services.create_petition(box, author=author, title=title, text="Texte.", on_behalf_of_organisation=True)


_counter = iter(range(10**9))


def add_signatures(petition, postcodes: dict[str, int]) -> None:
    """Confirmed online signatures with their participation records (and distinctive identities)."""
    now = timezone.now()
    signatures, records = [], []
    for postcode, n in postcodes.items():
        for _ in range(n):
            i = next(_counter)
            person_key = f"{i:064x}" if i else SECRET_PERSON_KEY
            records.append(ParticipationRecord(subject_key=petition.subject_key, person_key=person_key,
                                               channel="web"))
            signatures.append(Signature(
                petition=petition, email=f"signer{i}@{SECRET_DOMAIN}", email_domain=SECRET_DOMAIN,
                name=f"{SECRET_NAME} {i}", postcode=postcode, ip_address=SECRET_IP,
                token_hash=f"{i:064x}", confirmed_at=now - timedelta(hours=1),
            ))
    ParticipationRecord.objects.bulk_create(records)
    Signature.objects.bulk_create(signatures)


@pytest.fixture
def seeded(commune, association, space, agent):
    """Saint-Aubin's public space with three petitions; data that must stay out of exports."""
    box = make_box(space)
    seed = Seed(box)
    seed.postcodes = {
        # 3 and 1 are below k; with them hidden, 40 + 12 + 4 = 56 (the petition's total) would
        # give away 3 + 1: the smallest shown count (12) is hidden too.
        "mixed": {"75001": 40, "75002": 12, "75003": 3, "69001": 1},
        # One postcode, 4 signatures: the total gives it away, the row is withheld.
        "lonely": {"13001": 4},
        "large": {"44000": 25, "44100": 15},
    }
    for key, postcodes in seed.postcodes.items():
        seed.petitions[key] = open_petition(box, agent, f"Pétition {key}")
        add_signatures(seed.petitions[key], postcodes)
    seed.petitions["formula"] = open_petition(box, agent, FORMULA_TITLE)
    # Must never appear: another organisation's petition, a draft space of the commune.
    foreign_space = make_space(association, "espace-associatif")
    foreign = open_petition(make_box(foreign_space), make_user("a@collectif-air.example", organisation=association, role="agent"), FOREIGN_TITLE)
    add_signatures(foreign, {"99999": 30})
    hidden_space = make_space(commune, "brouillon", published=False)
    hidden_space.title = HIDDEN_TITLE
    hidden_space.save()
    open_petition(make_box(hidden_space), agent, HIDDEN_TITLE)
    return seed
