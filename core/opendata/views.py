"""Public pages: the data catalogue of an organisation (HTML and JSON) and the exports."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.hosts import absolute_url, serve_here
from core.models import Component, Organisation
from core.opendata import formats
from core.opendata.models import settings_for
from core.opendata.registry import FORMATS, datasets_for
from core.opendata.services import catalogue, export_rows, metadata, public_spaces
from core.plugins import SCOPE_COMPONENT, SCOPE_SPACE

#: Exports and the catalogue are computed from live data: shared caches may keep them this long.
MAX_AGE = 15 * 60
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def _not_found(request, message: str) -> HttpResponse:
    """A 404 that says what was not found (exports are fetched by programs and by people)."""
    return render(request, "opendata/not_found.html", {"message": message}, status=404)


def _public(response: HttpResponse, request, *, personal_page: bool = False) -> HttpResponse:
    """Shared-cacheable, except pages rendered for a signed-in person (their menu shows)."""
    if personal_page and request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _organisation(request, slug: str) -> Organisation | None:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        serve_here(request, organisation)
    return organisation


@require_GET
def catalogue_page(request, organisation: str):
    """Every dataset of every public space of the organisation, with its stable URLs."""
    found = _organisation(request, organisation)
    if found is None:
        return _not_found(request, _("Aucune organisation ne porte cet identifiant."))
    settings, published, entries = catalogue(found)
    response = render(request, "opendata/catalogue.html", {
        "organisation": found, "settings": settings, "licence": settings.licence_info,
        "datasets": list(published.values()), "entries": entries,
    })
    return _public(response, request, personal_page=True)


@require_GET
def catalogue_json(request, organisation: str):
    """The catalogue for programs: a small DCAT-like JSON document (docs/opendata.md)."""
    found = _organisation(request, organisation)
    if found is None:
        return _not_found(request, _("Aucune organisation ne porte cet identifiant."))
    settings, published, entries = catalogue(found)
    licence = settings.licence_info
    datasets = []
    for entry in entries:
        for item in entry.distributions:
            dataset = item.published.dataset
            datasets.append({
                "identifier": item.urls["json"],
                "key": item.published.key,
                "title": str(dataset.title),
                "description": str(dataset.description),
                "space": {"slug": entry.space.slug, "title": entry.space.title},
                "component": {"id": item.component.pk, "title": item.component.title} if item.component else None,
                "modified": item.last_modified.isoformat(timespec="seconds") if item.last_modified else None,
                "license": licence.url,
                "columns": [{"key": c.key, "type": c.type, "description": str(c.description)}
                            for c in dataset.columns],
                "suppression": ({"min_cell_size": settings.k, "counts": list(dataset.aggregate.counts)}
                                if dataset.aggregate else None),
                "distribution": [
                    {"format": fmt, "mediaType": CONTENT_TYPES[fmt].split(";")[0],
                     "downloadURL": absolute_url(url, found)}
                    for fmt, url in item.urls.items()
                ],
            })
    response = JsonResponse({
        "type": "Catalog",
        "title": _("Données ouvertes de %(name)s") % {"name": found.name},
        "publisher": {"name": found.name, "slug": found.slug},
        "license": {"id": licence.spdx, "name": licence.name, "url": licence.url},
        "homepage": absolute_url(request.path.rsplit("catalogue.json", 1)[0], found),
        "dataset": datasets,
    }, json_dumps_params={"ensure_ascii": False})
    return _public(response, request)


def _export(request, organisation: str, space: str, dataset: str, fmt: str, component: int | None):
    found = _organisation(request, organisation)
    if found is None:
        return _not_found(request, _("Aucune organisation ne porte cet identifiant."))
    target_space = public_spaces(found).filter(slug=space).first()
    if target_space is None:
        return _not_found(request, _("Cet espace n'existe pas ou n'est pas public pour cette organisation."))
    published = datasets_for(found).get(dataset)
    if published is None:
        return _not_found(request, _("Aucun jeu de données ne porte cet identifiant : consultez le catalogue."))
    if fmt not in FORMATS:
        return _not_found(request, _("Format inconnu : les formats proposés sont CSV, JSON et, pour les données localisées, GeoJSON."))
    if fmt not in published.formats:
        return _not_found(request, _("Ce jeu de données n'est pas localisé : il n'existe pas en GeoJSON."))
    scope = SCOPE_SPACE if component is None else SCOPE_COMPONENT
    if published.dataset.scope != scope:
        return _not_found(request, _("Ce jeu de données n'est pas publié à cette adresse : consultez le catalogue."))
    target_component = None
    if component is not None:
        target_component = Component.objects.select_related("phase").filter(
            pk=component, phase__space=target_space, component_type=published.dataset.component_type).first()
        if target_component is None:
            return _not_found(request, _("Ce composant n'existe pas dans cet espace."))
    settings = settings_for(found)
    meta = metadata(found, settings, published, target_space, target_component, request)
    rows = export_rows(published, target_component or target_space, settings.k)
    columns = published.column_keys
    if fmt == "csv":
        chunks = formats.csv_chunks(columns, rows, bom=request.GET.get("bom") == "1")
    elif fmt == "json":
        chunks = formats.json_chunks(meta, columns, rows)
    else:
        chunks = formats.geojson_chunks(meta, columns, rows, published.dataset.geometry)
    response = StreamingHttpResponse((chunk.encode() for chunk in chunks), content_type=CONTENT_TYPES[fmt])
    name = f"{target_space.slug}{f'-{target_component.pk}' if target_component else ''}-{published.key}.{fmt}"
    disposition = "attachment" if fmt == "csv" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    licence = settings.licence_info
    response["Link"] = f'<{licence.url}>; rel="license", <{meta["catalogue"]}>; rel="describedby"'
    return _public(response, request)


@require_GET
def space_export(request, organisation: str, space: str, dataset: str, fmt: str):
    return _export(request, organisation, space, dataset, fmt, None)


@require_GET
def component_export(request, organisation: str, space: str, component: int, dataset: str, fmt: str):
    return _export(request, organisation, space, dataset, fmt, component)
