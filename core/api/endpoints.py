"""The core's read endpoints: organisations, spaces, and the token's owner.

Organisations and spaces are those of the request's host name (``request.organisation``), or
of the whole instance on its own host name, like the web pages. Only published spaces.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router, Schema

from core.api.auth import TOKEN, caller, require_scope
from core.api.errors import ErrorOut
from core.api.pagination import Page, paginate, reject_unknown_parameters
from core.models import Component, Organisation, Phase, Space
from core.plugins import SCOPE_READ

router = Router()

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGING = {"page", "page_size"}


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    url: str


class ComponentOut(Schema):
    id: int
    type: str
    title: str
    url: str


class PhaseOut(Schema):
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    is_current: bool
    components: list[ComponentOut]


class SpaceOut(Schema):
    slug: str
    title: str
    summary: str
    organisations: list[str]
    url: str


class SpaceDetailOut(SpaceOut):
    phases: list[PhaseOut]


class MeOut(Schema):
    id: int
    display_name: str
    scopes: list[str]


def _organisations(request):
    organisations = Organisation.objects.order_by("name", "pk")
    if request.organisation:
        organisations = organisations.filter(pk=request.organisation.pk)
    return organisations


def _spaces(request):
    spaces = Space.objects.published().prefetch_related("organisations").order_by("-created_at", "-pk")
    if request.organisation:
        spaces = spaces.filter(organisations=request.organisation)
    return spaces


def _organisation_out(organisation: Organisation) -> dict:
    return {"slug": organisation.slug, "name": organisation.name, "kind": organisation.kind,
            "description": organisation.description, "url": organisation.get_absolute_url()}


def _space_out(space: Space) -> dict:
    return {"slug": space.slug, "title": space.title, "summary": space.summary,
            "organisations": sorted(o.slug for o in space.organisations.all()),
            "url": space.get_absolute_url()}


@router.get("/organisations", response={200: Page[OrganisationOut], **ERRORS}, url_name="organisations",
            summary="Organisations")
def list_organisations(request, page: int = 1, page_size: int = Query(20)):
    reject_unknown_parameters(request, PAGING)
    return paginate(_organisations(request), page, page_size, _organisation_out)


@router.get("/organisations/{slug}", response={200: OrganisationOut, **ERRORS}, url_name="organisation",
            summary="One organisation")
def get_organisation(request, slug: str):
    reject_unknown_parameters(request, set())
    organisation = _organisations(request).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return _organisation_out(organisation)


@router.get("/spaces", response={200: Page[SpaceOut], **ERRORS}, url_name="spaces",
            summary="Published participatory spaces")
def list_spaces(request, page: int = 1, page_size: int = Query(20), organisation: str | None = None):
    reject_unknown_parameters(request, PAGING | {"organisation"})
    spaces = _spaces(request)
    if organisation:
        spaces = spaces.filter(organisations__slug=organisation)
    return paginate(spaces, page, page_size, _space_out)


@router.get("/spaces/{slug}", response={200: SpaceDetailOut, **ERRORS}, url_name="space",
            summary="One space, its phases and components")
def get_space(request, slug: str):
    reject_unknown_parameters(request, set())
    phases = Phase.objects.order_by("sort_order").prefetch_related(
        Prefetch("components", queryset=Component.objects.order_by("sort_order", "pk")))
    space = _spaces(request).prefetch_related(Prefetch("phases", queryset=phases)).filter(slug=slug).first()
    if space is None:
        raise Http404
    return {
        **_space_out(space),
        "phases": [
            {"title": phase.title, "description": phase.description, "starts_at": phase.starts_at,
             "ends_at": phase.ends_at, "is_current": phase.is_current,
             "components": [
                 {"id": c.pk, "type": c.component_type, "title": c.title,
                  "url": c.get_absolute_url()}
                 for c in phase.components.all()
             ]}
            for phase in space.phases.all()
        ],
    }


@router.get("/me", auth=TOKEN, response={200: MeOut, 401: ErrorOut, 403: ErrorOut}, url_name="me",
            summary="The owner of the token")
def me(request):
    require_scope(request, SCOPE_READ)
    who = caller(request)
    return {"id": who.user.pk, "display_name": str(getattr(who.user, "display_name", "") or ""),
            "scopes": list(who.token.scopes)}
