"""The open data pages, declared for the every-page gates (see docs/gates.md).

Everything is public: every role gets 200 (the pages have no form; a POST answers 405).
``fx.objects["opendata_box"]`` is a petition box of ``fx.space`` that collects postcodes, for
the component-scoped dataset of the petitions plugin. The query-budget gate counts the queries
of the catalogue with 10 then 1,000 more public spaces; the exports are streamed (their queries
run while the body is read), so their budgets are asserted in tests/core/opendata/.
"""

from __future__ import annotations

from django.urls import reverse

from core.plugins import SamplePage, statuses

PUBLIC = statuses(200)



def _box(fx):
    from core.models import Component
    from plugins.petitions.models import PetitionSettings

    if "opendata_box" not in fx.objects:
        box = Component.objects.create(phase=fx.space.phases.first(), component_type="petitions.petition_box",
                                       title="Pétitions (données ouvertes)")
        PetitionSettings.objects.create(component=box, collect_postcode=True)
        fx.objects["opendata_box"] = box
    return fx.objects["opendata_box"]


def _spaces(fx, n: int) -> None:
    """``n`` more public spaces of the organisation, each listed with its datasets."""
    from core.models import Space

    start = fx.objects.get("opendata_spaces", 0)
    spaces = Space.objects.bulk_create(
        Space(title=f"Espace ouvert {i}", slug=f"espace-ouvert-{i}", is_published=True)
        for i in range(start, start + n)
    )
    Space.organisations.through.objects.bulk_create(
        Space.organisations.through(space=space, organisation=fx.organisation) for space in spaces
    )
    fx.objects["opendata_spaces"] = start + n


def _export(name: str, dataset: str, fmt: str, component: bool = False):
    def url(fx) -> str:
        kwargs = {"organisation": fx.organisation.slug, "space": fx.space.slug, "dataset": dataset, "fmt": fmt}
        if component:
            kwargs["component"] = _box(fx).pk
        return reverse(f"opendata:{name}", kwargs=kwargs)

    return url


def opendata_pages() -> list[SamplePage]:
    return [
        SamplePage(name="opendata:catalogue", label="Catalogue des données ouvertes", get=PUBLIC, post=None,
                   url=lambda fx: reverse("opendata:catalogue", kwargs={"organisation": fx.organisation.slug}),
                   list_of=_spaces, audit_as="participant"),
        SamplePage(name="opendata:catalogue_json", label="Catalogue des données ouvertes (JSON)",
                   get=PUBLIC, audit=False, list_of=_spaces,
                   url=lambda fx: reverse("opendata:catalogue_json", kwargs={"organisation": fx.organisation.slug})),
        SamplePage(name="opendata:space_export", label="Export d'un jeu de données (CSV)", get=PUBLIC, audit=False,
                   url=_export("space_export", "contributions", "csv")),
        SamplePage(name="opendata:space_export", variant="json", label="Export d'un jeu de données (JSON)",
                   get=PUBLIC, audit=False, url=_export("space_export", "phases", "json")),
        SamplePage(name="opendata:component_export", label="Export d'un jeu de données par composant",
                   get=PUBLIC, audit=False, setup=_box,
                   url=_export("component_export", "petitions.signatures-by-postcode", "csv", component=True)),
    ]
