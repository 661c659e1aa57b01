from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.models import Space
from core.plugin_host import loaded_plugins
from core.search.services import MAX_QUERY_LENGTH, search

PAGE_SIZE = 20


def search_view(request):
    query = request.GET.get("q", "").strip()
    organisation = request.organisation
    spaces = Space.objects.published()
    if organisation:
        spaces = spaces.filter(organisations=organisation)
    spaces = list(spaces.only("pk", "title", "slug").order_by("title"))
    # On an organisation's own site, only its spaces; on the instance's site, everything.
    space_ids = [s.pk for s in spaces] if organisation else None
    selected_space = request.GET.get("space", "")
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses.
    if selected_space.isascii() and selected_space.isdigit() and int(selected_space) in {s.pk for s in spaces}:
        space_ids = [int(selected_space)]
    else:
        selected_space = ""
    plugins = sorted(
        (p.slug, str(p.info.name)) for p in loaded_plugins()
        if not organisation or p.slug in organisation.enabled_plugins()
    )
    plugin = request.GET.get("plugin", "")
    if plugin not in {"core", *(slug for slug, _name in plugins)}:
        plugin = ""
    status = request.GET.get("status", "")[:40]
    error = ""
    page = None
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Votre recherche est trop longue (%(max)d caractères au plus).") % {"max": MAX_QUERY_LENGTH}
    elif query:
        results = search(query, space_ids=space_ids, plugin=plugin, status=status)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parvis_search/search.html", {
        "query": query, "page": page, "spaces": spaces, "selected_space": selected_space,
        "plugins": plugins, "selected_plugin": plugin, "status": status, "error": error,
    })
