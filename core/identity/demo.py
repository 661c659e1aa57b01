"""Demo content: a census list of fictional residents and an eligibility rule."""

from __future__ import annotations

from core.identity.census import import_census
from core.identity.models import CensusList, EligibilityRule

#: Fictional residents of Saint-Aubin-des-Prés (try « Martin », « Camille », 14/07/1990).
RESIDENTS = """nom;prénoms;date de naissance;secteur
Martin;Camille Anne;14/07/1990;Centre-bourg
Durand;Louis;02/03/2008;Les Prés
Lefèvre;Inès;21/11/1975;Centre-bourg
N'Diaye;Awa;05/05/1962;La Gare
Moreau;Théo;30/09/2011;Les Prés
"""


def load_identity_demo(demo) -> None:
    """Called by ``core.demo.load_demo``: a census list for the commune and a rule on its
    space ("résident de Saint-Aubin-des-Prés, 16 ans ou plus")."""
    commune = demo.commune
    import_census(commune, RESIDENTS.encode(), uploaded_by=demo.admin,
                  kind=CensusList.Kind.RESIDENTS, area_name=commune.name)
    EligibilityRule.objects.get_or_create(
        space=demo.spaces["commune"], label="résident de Saint-Aubin-des-Prés, 16 ans ou plus",
        defaults={"residence_areas": commune.name, "min_age": 16},
    )
