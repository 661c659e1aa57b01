"""Demo content: a petition box in the commune's space, and a petition open for signatures."""

from __future__ import annotations

from core.models import Component
from plugins.petitions import services
from plugins.petitions.models import PetitionSettings


def load_demo(demo) -> None:
    space = demo.spaces["commune"]
    phase = space.phases.order_by("sort_order").first()
    box = Component.objects.create(
        phase=phase, component_type="petitions.petition_box", title="Pétitions de Saint-Aubin-des-Prés"
    )
    PetitionSettings.objects.create(
        component=box, sponsors_required=2, answer_threshold=50, debate_threshold=300, duration_days=60,
    )
    if demo.admin is None:
        return
    services.create_petition(
        box, author=demo.admin, on_behalf_of_organisation=True,
        title="Pour une extinction de l'éclairage public entre 1 h et 5 h",
        text=(
            "La commune propose d'éteindre l'éclairage public au cœur de la nuit, sauf aux "
            "carrefours dangereux, pour économiser l'énergie et protéger la faune nocturne.\n\n"
            "Signez pour soutenir la proposition : à 50 signatures, le conseil municipal répond "
            "publiquement ; à 300, il en débat en séance."
        ),
        category="Environnement", territory="Toute la commune",
    )
