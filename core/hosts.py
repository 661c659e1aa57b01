"""Which host name an organisation's pages live on, and absolute addresses on it.

An organisation with a Wagtail site of its own lives on that site's host name; an organisation
without one (or whose site is the default site) lives on the instance's address,
``PARVIS_BASE_URL``. A space shared by several organisations lives on each of their hosts.

Two uses (docs/operators.md, "Host names"):

- :func:`absolute_url` builds the links of e-mails, notifications and open data on the host of
  the organisation the object belongs to;
- :func:`serve_here`, called by every view that shows an object belonging to an organisation,
  sends a visitor who asked for it on another organisation's host to its own host (a 302 for
  ``GET``/``HEAD``, a 404 for any other method), so that a page never carries the branding of an
  organisation it does not belong to.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest

__all__ = ["OrganisationElsewhere", "absolute_url", "home_annotation", "link_to", "origin_of", "serve_here"]

#: The methods answered with a redirect; others get a 404 (a redirected form loses its body).
REDIRECTED_METHODS = ("GET", "HEAD")


class OrganisationElsewhere(Exception):
    """Raised by :func:`serve_here`: the page lives at ``url``. The organisation middleware
    answers it with a redirect."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def instance_origin() -> str:
    """``PARVIS_BASE_URL`` without its trailing slash: the address of the default site."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def site_origin(site) -> str:
    """``scheme://hostname[:port]`` of a Wagtail site. The scheme is that of ``PARVIS_BASE_URL``
    (a site has none); ports 80 and 443 are left out. The default site (or none) is
    ``PARVIS_BASE_URL`` itself: its host name is often left at Wagtail's ``localhost``."""
    if site is None or site.is_default_site:
        return instance_origin()
    scheme = urlsplit(instance_origin()).scheme or "https"
    port = "" if site.port in (80, 443) else f":{site.port}"
    return f"{scheme}://{site.hostname}{port}"


def _organisations(owner) -> list:
    """The organisations ``owner`` (an organisation or a space) belongs to, by primary key."""
    from core.models import Organisation, Space

    if owner is None:
        return []
    if isinstance(owner, Organisation):
        return [owner]
    if isinstance(owner, Space):
        return sorted(owner.organisations.all(), key=lambda organisation: organisation.pk)
    raise TypeError(f"An organisation or a space owns pages, not {owner!r}.")


def _own_sites(organisations) -> dict:
    """``{organisation pk: Site}`` for those of ``organisations`` that have a site other than the
    default one (one query, none when no organisation has a site)."""
    from wagtail.models import Site

    site_ids = {o.site_id for o in organisations if o.site_id}
    if not site_ids:
        return {}
    sites = Site.objects.filter(pk__in=site_ids, is_default_site=False).in_bulk()
    return {o.pk: sites[o.site_id] for o in organisations if o.site_id in sites}


def origin_of(owner=None) -> str:
    """The address (``scheme://host[:port]``) where ``owner`` (an organisation, a space, or
    ``None`` for the instance) lives: the first of its organisations with a site of its own,
    else ``PARVIS_BASE_URL``."""
    organisations = _organisations(owner)
    own = _own_sites(organisations)
    for organisation in organisations:
        if organisation.pk in own:
            return site_origin(own[organisation.pk])
    return instance_origin()


def absolute_url(url: str, owner=None) -> str:
    """``url`` (a path) made absolute on the host of ``owner`` (an organisation or a space; see
    :func:`origin_of`), or on ``PARVIS_BASE_URL`` for the instance's own pages (accounts,
    notifications' settings). An address that is already absolute is returned unchanged."""
    if not url:
        return ""
    return urljoin(origin_of(owner) + "/", url)


def link_to(url: str, owner=None) -> str:
    """The link to keep in a row (a notification) for ``url``, a path of ``owner``: the path
    itself when ``owner`` lives on the instance address (the row then survives a change of
    ``PARVIS_BASE_URL``), else the absolute address on its organisation's host, which the row
    could not find again."""
    if not url or owner is None or not url.startswith("/") or url.startswith("//"):
        return url
    origin = origin_of(owner)
    return url if origin == instance_origin() else origin + url


def serve_here(request: HttpRequest, owner) -> None:
    """Check that the request's host is a home of ``owner`` (an organisation or a space), before
    a view shows it or something of it (a petition, a budget, a contribution...).

    At home: the host of one of its organisations or, for an organisation without a site of its
    own, the instance's host (``PARVIS_BASE_URL``, the default site's, or any host no
    organisation's site names); ``request.organisation`` then becomes that organisation (the
    one given, when ``owner`` is an organisation), so the page carries its name and menus.
    Elsewhere: :class:`OrganisationElsewhere` (answered with a 302 to the same path on its first
    home) for ``GET`` and ``HEAD``, ``Http404`` for other methods."""
    organisations = _organisations(owner)
    if not organisations:
        return
    current = getattr(request, "organisation", None)
    if current and any(o.pk == current.pk for o in organisations):
        if len(organisations) == 1:
            request.organisation = organisations[0]  # the object read, not the lazy one
        return
    own = _own_sites(organisations)
    if not current or _is_default_site(current.site_id):
        for organisation in organisations:
            if organisation.pk not in own:
                request.organisation = organisation
                return
    homes = [own[o.pk] for o in organisations if o.pk in own]
    origin = site_origin(homes[0]) if homes else instance_origin()
    if urlsplit(origin).netloc == request.get_host():
        # PARVIS_BASE_URL names an organisation's own site: serve rather than loop.
        request.organisation = organisations[0] if len(organisations) == 1 else current
        return
    if request.method not in REDIRECTED_METHODS:
        raise Http404("This page belongs to another organisation's site.")
    raise OrganisationElsewhere(origin + request.get_full_path())


def _is_default_site(site_id: int | None) -> bool:
    from wagtail.models import Site

    return site_id is not None and Site.objects.filter(pk=site_id, is_default_site=True).exists()


def home_annotation(request: HttpRequest, space_field: str):
    """For views that read their object in one query (the petition a signature spike hits): an
    ``Exists`` to annotate it with, true when the request's host is certainly a home of the
    space at ``space_field`` (``"component__phase__space"``). When false, call
    :func:`serve_here`, which decides (it also covers the rarer homes this leaves out)."""
    from django.db.models import Exists, OuterRef, Q

    from core.models import Space

    owners = Space.organisations.through.objects.filter(space_id=OuterRef(f"{space_field}_id"))
    current = getattr(request, "organisation", None)
    if current:
        return Exists(owners.filter(organisation_id=current.pk))
    # A host no organisation's site names: the instance's, home of organisations without one.
    return Exists(owners.filter(Q(organisation__site__isnull=True) | Q(organisation__site__is_default_site=True)))
