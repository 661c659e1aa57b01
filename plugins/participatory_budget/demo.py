"""Demo content: a participatory budget of the commune, from proposals to implementation.

Two districts with their envelopes and a city-wide envelope; residents' proposals, reviewed
(feasible with a cost, or not with a public reason), two similar ones merged; residents verified
at the town hall vote online (knapsack ballots), an agent enters paper ballots; the Method of
Equal Shares counts; the funded projects are being built, with a first milestone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.models import Component
from plugins.participatory_budget import services
from plugins.participatory_budget.models import Budget, CountingRule, District, Stage, VoteType

DISTRICTS = [("Le Bourg", 60_000), ("Les Hameaux", 50_000)]
#: (title, district index or None for city-wide, requested cost, reviewed cost or None if not feasible)
PROPOSALS = [
    ("Des bancs ombragés place de l'Église", 0, 12_000, 9_500),
    ("Un jardin partagé derrière l'école", 0, 25_000, 28_000),
    ("Des toilettes publiques au parc", 0, 40_000, 42_000),
    ("Un abri vélo sécurisé à la mairie", 0, 15_000, 14_000),
    ("Éclairer le chemin des Hameaux à l'arrêt de car", 1, 20_000, 18_000),
    ("Un terrain de pétanque aux Hameaux", 1, 8_000, 7_500),
    ("Une aire de jeux aux Hameaux", 1, 30_000, 31_000),
    ("Une navette gratuite vers la gare", None, 200_000, None),
    ("Une boîte à livres dans chaque quartier", None, 3_000, 2_400),
    ("Des récupérateurs d'eau de pluie pour les jardins", None, 18_000, 16_000),
]
#: Two proposals that say the same thing: the second is merged into the first.
DUPLICATE = ("Des bancs à l'ombre près de l'église", 0)
#: Online ballots: (district index, titles chosen).
BALLOTS = [
    (0, [0, 3, 8]), (0, [0, 1, 8]), (0, [2, 8, 9]), (0, [0, 3, 9]), (0, [1, 3]),
    (0, [0, 1, 9]), (1, [4, 5, 8]), (1, [4, 6]), (1, [5, 6, 9]), (1, [4, 5, 8, 9]),
]


def load_demo(demo) -> None:
    space = demo.spaces["commune"]
    phase = space.phases.order_by("sort_order").first()
    component = Component.objects.create(phase=phase, component_type="participatory_budget.budget",
                                         title="Budget participatif 2026 de Saint-Aubin-des-Prés")
    budget = services.budget_for(component)
    Budget.objects.filter(pk=budget.pk).update(
        citywide_envelope=30_000, vote_type=VoteType.KNAPSACK, rule=CountingRule.MES, completion=True,
        categories="Cadre de vie\nEnvironnement\nMobilités\nJeunesse",
    )
    budget.refresh_from_db()
    districts = [District.objects.create(budget=budget, name=name, envelope=envelope,
                                         areas=f"{name}\n{space.organisations.first().name}")
                 for name, envelope in DISTRICTS]
    if demo.admin is None:
        return
    _full_life(budget, districts, demo.admin)


def _resident(email: str, name: str, district: District, organisation, agent, number: int):
    from core.identity.methods import IN_PERSON
    from core.identity.verifications import record_verification
    from core.models import User
    from core.plugins import PROOF_AGE, PROOF_RESIDENCE

    user = User.objects.create_user(email=email, password=None, display_name=name)
    record_verification(user, IN_PERSON, proves=[PROOF_RESIDENCE, PROOF_AGE],
                        areas=[organisation.name, district.name], birth_date=date(1970 + number, 3, 1),
                        organisation=organisation, verified_by=agent)
    return user


def _full_life(budget: Budget, districts: list[District], agent) -> None:
    from core.participation.identity import person_key_from_email
    from core.participation.services import participate
    from plugins.participatory_budget.results import publish_results

    organisation = budget.component.phase.space.organisations.first()
    residents = [_resident(f"habitant{n + 1}@example.org", f"Habitant {n + 1}", districts[d], organisation, agent, n)
                 for n, (d, _chosen) in enumerate(BALLOTS)]
    projects = []
    for number, (title, district, requested, _cost) in enumerate(PROPOSALS):
        projects.append(services.propose(
            budget, author=residents[number % len(residents)], title=title,
            description=f"{title}. Proposition d'un habitant, étudiée par les services techniques.",
            district=districts[district] if district is not None else None, category="Cadre de vie",
            requested_cost=requested,
        ))
    duplicate = services.propose(budget, author=residents[1], title=DUPLICATE[0],
                                 description="Quelques bancs à l'ombre pour les anciens, près de l'église.",
                                 district=districts[DUPLICATE[1]])
    services.set_stage(budget, Stage.REVIEW, by=agent)
    services.merge(duplicate, projects[0], by=agent)
    for number, (project, (_title, _district, _requested, cost)) in enumerate(zip(projects, PROPOSALS, strict=True)):
        if cost is None:
            services.review(project, by=agent, feasibility="unfeasible", cost=None,
                            note="Le transport relève de la communauté de communes ; la proposition lui est transmise.")
        else:
            # Placed on the map around the village centre by the agent during the review.
            services.review(project, by=agent, feasibility="feasible", cost=cost,
                            note="Chiffrage des services techniques, pose comprise.",
                            latitude=Decimal("45.1885") + Decimal(number * 17 % 11 - 5) / 2000,
                            longitude=Decimal("5.7245") + Decimal(number * 7 % 13 - 6) / 2000)
    services.set_stage(budget, Stage.VOTING, by=agent)
    for user, (district, chosen) in zip(residents, BALLOTS, strict=True):
        services.cast_ballot(budget, user=user, district=districts[district],
                             choice=[projects[i].ballot_id for i in chosen])
    # Two paper ballots from the town hall, entered by an agent.
    for number, (district, chosen) in enumerate([(0, [0, 3]), (1, [4, 5])]):
        record = participate(subject_key=budget.subject_key, channel="paper", entered_by=agent,
                             sheet_reference="Urne de la mairie", eligibility_attested=True,
                             person_key=person_key_from_email(f"papier-budget{number + 1}@example.org"),
                             choice=sorted((projects[i].ballot_id for i in chosen), key=int)).record
        services.record_paper_ballot(budget.subject_key, record, {
            "district": districts[district].name, "ballot": ", ".join(projects[i].ballot_id for i in chosen)})
    services.set_stage(budget, Stage.RESULTS, by=agent)
    budget = publish_results(budget.pk)
    services.set_stage(budget, Stage.IMPLEMENTATION, by=agent)
    funded = [p for p in projects if p.pk in {pid for a in budget.results["areas"].values() for pid in a["selected"]}]
    if funded:
        funded[0].refresh_from_db()
        services.update_implementation(funded[0], by=agent, progress=40, milestone={
            "date": date(2026, 10, 15), "title": "Commande passée", "text": "Le marché est attribué ; pose prévue au printemps."})
