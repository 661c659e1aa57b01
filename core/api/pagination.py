"""Page-number pagination with a clamped page size, two queries whatever the size."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema

from core.api.errors import ApiError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[T]


def clamp_page_size(page_size: int | None) -> int:
    if page_size is None:
        return DEFAULT_PAGE_SIZE
    return max(1, min(MAX_PAGE_SIZE, page_size))


def paginate(queryset, page: int, page_size: int | None, convert=lambda item: item) -> dict[str, Any]:
    """One page of ``queryset``. A page past the last one is empty (``results: []``), so that
    a client looping until an empty page stops; a page below 1 is refused."""
    if page < 1:
        raise ApiError(422, _("Le numéro de page commence à 1."), code="invalid", details={"page": page})
    size = clamp_page_size(page_size)
    count = queryset.count()
    pages = max(1, -(-count // size))
    if page > pages:
        items: list = []
    else:
        start = (page - 1) * size
        items = [convert(item) for item in queryset[start:start + size]]
    return {"count": count, "page": page, "page_size": size, "pages": pages, "results": items}


def reject_unknown_parameters(request, allowed: set[str]) -> None:
    """Refuse query parameters an endpoint does not know (a misspelt filter must not be ignored
    silently: the client would get unfiltered data)."""
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(400, _("Paramètres inconnus : %(names)s. Paramètres acceptés : %(allowed)s.")
                       % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
                       code="unknown_parameter", details={"unknown": unknown, "allowed": sorted(allowed)})
