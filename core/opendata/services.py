"""The catalogue of an organisation and the rows of one export, with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from core.hosts import absolute_url
from core.models import Component, Organisation, Space
from core.opendata.models import OpenDataSettings, settings_for
from core.opendata.registry import PublishedDataSet, datasets_for
from core.opendata.suppression import protect
from core.plugins import SCOPE_COMPONENT

__all__ = ["Distribution", "SpaceEntry", "catalogue", "public_spaces", "export_rows", "metadata"]


def public_spaces(organisation: Organisation):
    """The published spaces of ``organisation``: the only ones whose data are exported."""
    return Space.objects.published().filter(organisations=organisation).order_by("title", "pk")


def export_url(organisation: Organisation, space: Space, published: PublishedDataSet, fmt: str,
               component: Component | None = None) -> str:
    kwargs = {"organisation": organisation.slug, "space": space.slug, "dataset": published.key, "fmt": fmt}
    if component is None:
        return reverse("opendata:space_export", kwargs=kwargs)
    return reverse("opendata:component_export", kwargs={**kwargs, "component": component.pk})


@dataclass
class Distribution:
    """One dataset for one space (or one component of it), with its stable URLs."""

    published: PublishedDataSet
    space: Space
    component: Component | None
    urls: dict[str, str]
    last_modified: datetime | None


@dataclass
class SpaceEntry:
    space: Space
    distributions: list[Distribution] = field(default_factory=list)


def catalogue(organisation: Organisation) -> tuple[OpenDataSettings, dict[str, PublishedDataSet], list[SpaceEntry]]:
    """Settings, datasets and every distribution of ``organisation``'s public spaces.

    Queries: the settings, the spaces, the components of component-scoped datasets (one query
    for all), and one ``last_modified`` query per dataset: none per space.
    """
    settings = settings_for(organisation)
    published = datasets_for(organisation)
    spaces = list(public_spaces(organisation))
    component_types = {p.dataset.component_type for p in published.values() if p.dataset.scope == SCOPE_COMPONENT}
    components: dict[int, list[Component]] = {}
    if component_types and spaces:
        for component in (Component.objects.filter(phase__space__in=spaces, component_type__in=component_types)
                          .select_related("phase").order_by("phase__sort_order", "sort_order", "pk")):
            components.setdefault(component.phase.space_id, []).append(component)
    entries = [SpaceEntry(space) for space in spaces]
    for item in published.values():
        dataset = item.dataset
        if dataset.scope == SCOPE_COMPONENT:
            targets = [c for space in spaces for c in components.get(space.pk, []) if c.component_type == dataset.component_type]
        else:
            targets = spaces
        dates = dataset.last_modified(targets) if dataset.last_modified and targets else {}
        for entry in entries:
            if dataset.scope == SCOPE_COMPONENT:
                chosen = [c for c in components.get(entry.space.pk, []) if c.component_type == dataset.component_type]
            else:
                chosen = [None]
            for component in chosen:
                target = component or entry.space
                entry.distributions.append(Distribution(
                    item, entry.space, component,
                    {fmt: export_url(organisation, entry.space, item, fmt, component) for fmt in item.formats},
                    dates.get(target.pk),
                ))
    return settings, published, entries


def metadata(organisation: Organisation, settings: OpenDataSettings, published: PublishedDataSet,
             space: Space, component: Component | None, request=None) -> dict[str, Any]:
    """What every JSON and GeoJSON export starts with (and what CSV sends as HTTP headers)."""
    licence = settings.licence_info
    dataset = published.dataset
    catalogue_url = reverse("opendata:catalogue_json", kwargs={"organisation": organisation.slug})
    return {
        "dataset": published.key,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        "space": {"title": space.title, "slug": space.slug},
        "component": {"id": component.pk, "title": component.title} if component else None,
        "licence": {"id": licence.spdx, "name": licence.name, "url": licence.url},
        "min_cell_size": settings.k if dataset.aggregate else None,
        "generated_at": timezone.now().replace(microsecond=0),
        "catalogue": absolute_url(catalogue_url, organisation),
        "columns": [
            {"key": column.key, "type": column.type, "description": str(column.description)}
            for column in dataset.columns
        ] + ([{"key": "suppressed", "type": "boolean", "description": SUPPRESSED_DESCRIPTION}]
             if dataset.aggregate else []),
    }


SUPPRESSED_DESCRIPTION = (
    "true when a count of this row is hidden (left empty) because it is below the minimum cell size, "
    "or to keep another hidden count from being deduced"
)


def export_rows(published: PublishedDataSet, target: Any, k: int) -> Iterator[dict[str, Any]]:
    """The published rows: declared columns only (and the geometry), small counts hidden."""
    dataset = published.dataset
    keep = [column.key for column in dataset.columns]
    if dataset.geometry:
        keep.append(dataset.geometry)
    rows = ({key: row.get(key) for key in keep} for row in dataset.rows(target))
    if dataset.aggregate:
        rows = protect(rows, dataset.aggregate, k)
    return rows
