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
        collect_postcode=True, postcode_required=False,
    )
    if demo.admin is None:
        return
    petition = services.create_petition(
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
    _demo_signatures(petition, demo.admin)


#: Demo signers: (name, shown publicly, postcode). Their addresses are on the reserved
#: example.org domain. The postcodes are the demo territory's (plugins/mapping/demo): the
#: petition's map shows the town centre and Les Granges, each with at least the open data's
#: minimum of signers (10).
SIGNERS = [
    ("Camille Roux", True, "38990"), ("Yanis Benali", False, "38990"), ("Louise Garnier", True, "38990"),
    ("Hugo Lefèvre", False, "38990"), ("Inès Moreau", True, "38990"), ("Lucas Perrin", False, "38990"),
    ("Chloé Marchand", True, "38990"), ("Nathan Girard", False, "38990"), ("Manon Blanc", True, "38990"),
    ("Théo Fontaine", False, "38990"), ("Sarah Chevalier", True, "38990"), ("Enzo Robin", False, "38990"),
    ("Jade Mercier", True, "38991"), ("Louis Bonnet", False, "38991"), ("Lina Dupuis", True, "38991"),
    ("Gabriel Lambert", False, "38991"), ("Zoé Fabre", True, "38991"), ("Raphaël Renaud", False, "38991"),
    ("Alice Gauthier", True, "38991"), ("Adam Caron", False, "38991"), ("Léna Picard", True, "38991"),
    ("Jules Masson", False, "38991"), ("Emma Brun", True, "38990"), ("Arthur Roche", False, "38990"),
]
#: Signatures collected on paper at the town hall, entered by an agent from sheet "Feuille 1".
PAPER_SIGNATURES = 3


def _demo_signatures(petition, agent) -> None:
    """A petition with a life: confirmed online signatures and a sheet of paper signatures.

    Where the box has eligibility rules (the demo commune's space keeps its petitions to its
    residents aged 16 or more), the online signers are accounts an agent verified at the town
    hall, and the agent attests the paper sheet was checked.
    """
    from datetime import date

    from core.identity.eligibility import has_rules
    from core.identity.methods import IN_PERSON
    from core.identity.verifications import record_verification
    from core.models import User
    from core.participation.identity import person_key_from_email
    from core.participation.services import participate
    from core.plugins import PROOF_AGE, PROOF_RESIDENCE
    from plugins.petitions.tasks import update_counts

    restricted = has_rules(petition.component)
    organisation = petition.component.phase.space.organisations.first()
    for number, (name, public, postcode) in enumerate(SIGNERS):
        email = f"signataire{number + 1}@example.org"
        user = None
        if restricted:
            user = User.objects.create_user(email=email, password=None, display_name=name)
            record_verification(user, IN_PERSON, proves=[PROOF_RESIDENCE, PROOF_AGE],
                                areas=[organisation.name], birth_date=date(1980 + number, 5, 1),
                                organisation=organisation, verified_by=agent)
        request = services.sign(petition, name=name, email=email, show_name=public, postcode=postcode, user=user)
        services.confirm_signature(request.token, user=user)
    for number in range(PAPER_SIGNATURES):
        participate(subject_key=petition.subject_key, channel="paper", entered_by=agent,
                    sheet_reference="Feuille 1", eligibility_attested=True,
                    person_key=person_key_from_email(f"papier{number + 1}@example.org"))
    update_counts()
