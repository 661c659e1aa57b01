"""The search page, declared for the every-page gates (see docs/gates.md).

The core's ``sample_pages`` hook includes :func:`search_pages` (see core/sample_pages.py).
The search form is a GET form (``q``, ``space``, ``plugin``): its parameters are declared as
variants of the page's URL, including one with hostile values.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from core.plugins import SamplePage

WORD = "lampadaires"
#: What the hostile variant sends in every parameter of the search form.
MARK = "pvx"
HOSTILE = {
    "q": f"\"><svg/onload=alert('{MARK}')> OR * NEAR( \"{WORD}",
    "space": "²",
    "plugin": f"<script>alert('{MARK}')</script>",
    "status": "' OR 1=1 --",
    "page": "NaN",
}


def _search_url(**params) -> str:
    url = reverse("search:search")
    return f"{url}?{urlencode(params)}" if params else url


def _documents(fx, n: int) -> None:
    """``n`` more public documents of the fixtures' space that match :data:`WORD`."""
    from wagtail.search.backends import get_search_backends

    from core.search.models import SearchDocument

    start = SearchDocument.objects.count()
    documents = SearchDocument.objects.bulk_create(
        SearchDocument(key=f"suggestions:exemple-{start + i}", plugin="suggestions",
                       space=fx.space, title=f"Des {WORD} rue n° {start + i}",
                       body="Pour éclairer le chemin de l'école.", url=fx.space.get_absolute_url(),
                       status="received")
        for i in range(n)
    )
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(SearchDocument, documents)


def search_pages() -> list[SamplePage]:
    """Every named URL of ``core.search``."""
    return [
        SamplePage(name="search:search", url=lambda fx: _search_url(), label="Rechercher"),
        SamplePage(
            name="search:search", variant="resultats", list_of=_documents,
            url=lambda fx: _search_url(q=WORD),
            label="Résultats de recherche",
        ),
        SamplePage(
            name="search:search", variant="filtres", list_of=_documents,
            url=lambda fx: _search_url(q=WORD, space=fx.space.pk, plugin="suggestions"),
            label="Résultats de recherche dans un espace",
        ),
        # The form's parameters with hostile values: never a server error.
        SamplePage(
            name="search:search", variant="saisie-hostile", audit=False,
            url=lambda fx: _search_url(**HOSTILE), label="Recherche aux paramètres hostiles",
        ),
    ]
