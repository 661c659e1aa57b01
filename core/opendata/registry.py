"""The datasets declared through the ``open_data_sets`` hook, checked and named."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.plugin_host import call_each
from core.plugins import COLUMN_TYPES, SCOPE_COMPONENT, SCOPE_SPACE, OpenDataSet

__all__ = ["FORMATS", "PublishedDataSet", "datasets_for", "check_dataset"]

#: Every format an export may be asked in (GeoJSON only for datasets with a geometry).
FORMATS = ("csv", "json", "geojson")
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
#: The column the core adds to aggregate datasets.
SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class PublishedDataSet:
    """A dataset with its public key (``"<plugin>.<key>"``, bare for the core)."""

    key: str
    plugin: str
    dataset: OpenDataSet

    @property
    def formats(self) -> tuple[str, ...]:
        return FORMATS if self.dataset.geometry else FORMATS[:2]

    @property
    def column_keys(self) -> list[str]:
        keys = [column.key for column in self.dataset.columns]
        return [*keys, SUPPRESSED] if self.dataset.aggregate else keys


def check_dataset(dataset: OpenDataSet) -> None:
    """Raise ``ValueError`` naming what is wrong with a declaration."""
    name = dataset.key
    if not KEY.fullmatch(dataset.key):
        raise ValueError(f"open data set {name!r}: the key must match {KEY.pattern}")
    keys = [column.key for column in dataset.columns]
    if not keys or len(set(keys)) != len(keys) or SUPPRESSED in keys:
        raise ValueError(f"open data set {name!r}: columns must be unique, non-empty, not {SUPPRESSED!r}")
    for column in dataset.columns:
        if column.type not in COLUMN_TYPES:
            raise ValueError(f"open data set {name!r}: column {column.key!r} has type "
                             f"{column.type!r}; use one of {COLUMN_TYPES}")
    if dataset.scope not in (SCOPE_SPACE, SCOPE_COMPONENT):
        raise ValueError(f"open data set {name!r}: scope must be {SCOPE_SPACE!r} or {SCOPE_COMPONENT!r}")
    if dataset.scope == SCOPE_COMPONENT and not dataset.component_type:
        raise ValueError(f"open data set {name!r}: a component scope needs a component_type")
    if dataset.aggregate:
        types = {column.key: column.type for column in dataset.columns}
        for count in dataset.aggregate.counts:
            if types.get(count) != "integer":
                raise ValueError(f"open data set {name!r}: protected count {count!r} is not an integer column")
        unknown = set(dataset.aggregate.group_by) - set(keys)
        if unknown:
            raise ValueError(f"open data set {name!r}: group_by names unknown columns {sorted(unknown)}")


def datasets_for(organisation) -> dict[str, PublishedDataSet]:
    """The datasets of the core and of the plugins ``organisation`` uses, by public key."""
    found: dict[str, PublishedDataSet] = {}
    for slug, declared in call_each("open_data_sets", only=set(organisation.enabled_plugins())):
        for dataset in declared:
            check_dataset(dataset)
            key = dataset.key if slug == "core" else f"{slug}.{dataset.key}"
            if key in found:
                raise ValueError(f"open data set {key!r} is declared twice")
            found[key] = PublishedDataSet(key, slug, dataset)
    return found
