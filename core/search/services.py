"""Keeping the search index in step with the content, and querying it."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from wagtail.search import index

from core.plugin_host import call_each
from core.plugins import SearchDocumentData
from core.search.models import SearchDocument

MAX_QUERY_LENGTH = 200


def _store(key: str, *, plugin: str, space_id: int | None, title: str, body: str, url: str,
           status: str, is_public: bool) -> SearchDocument:
    document, _created = SearchDocument.objects.update_or_create(
        key=key,
        defaults={"plugin": plugin, "space_id": space_id, "title": title[:300], "body": body,
                  "url": url, "status": status, "is_public": is_public},
    )
    # The database search backend keeps its index in the same database: updating it in the
    # same transaction keeps the two consistent.
    index.insert_or_update_object(document)
    return document


def index_contribution(contribution) -> SearchDocument:
    public = contribution.is_public and contribution.space.is_published
    return _store(
        f"contribution:{contribution.pk}", plugin=contribution.plugin, space_id=contribution.space_id,
        title=contribution.title, body=contribution.summary, url=contribution.get_absolute_url(),
        status=contribution.status, is_public=public,
    )


def index_space(space) -> SearchDocument:
    """Index a space, and re-evaluate its contributions (publishing a space publishes them)."""
    from core.contributions.models import Contribution

    if space.is_published:
        for contribution in Contribution.objects.filter(space=space).select_related("space"):
            index_contribution(contribution)
    else:
        SearchDocument.objects.filter(space=space).update(is_public=False)
    return _store(
        f"space:{space.pk}", plugin="core", space_id=space.pk, title=space.title, body=space.summary,
        url=space.get_absolute_url(), status="", is_public=space.is_published,
    )


def index_plugin_document(plugin: str, data: SearchDocumentData) -> SearchDocument:
    return _store(
        f"{plugin}:{data.key}", plugin=plugin, space_id=data.space_id, title=data.title,
        body=data.body, url=data.url, status=data.status, is_public=True,
    )


def reindex_all() -> int:
    """Rebuild every document from the database and the plugins' hook; returns the count."""
    from core.contributions.models import Contribution
    from core.models import Space

    count = 0
    for space in Space.objects.all():
        index_space(space)
        count += 1
    for contribution in Contribution.objects.select_related("space"):
        index_contribution(contribution)
        count += 1
    for slug, documents in call_each("search_documents", organisation_ids=None):
        for data in documents:
            index_plugin_document(slug, data)
            count += 1
    return count


def search(query: str, *, space_ids: Iterable[int] | None = None, plugin: str = "", status: str = ""):
    """Public documents matching ``query`` (French stemming on PostgreSQL), best first."""
    documents = SearchDocument.objects.filter(is_public=True)
    if space_ids is not None:
        documents = documents.filter(space_id__in=list(space_ids))
    if plugin:
        documents = documents.filter(plugin=plugin)
    if status:
        documents = documents.filter(status=status)
    words = search_words(query[:MAX_QUERY_LENGTH])
    if not words:
        return documents.none()
    return documents.search(words, operator="and")


def search_words(query: str) -> str:
    """The query as the search backends can take it: double quotes and control characters
    become spaces.

    Wagtail's SQLite backend puts each word between double quotes without escaping the ones
    it contains (FTS5 then fails on ``"``, ``=HYPERLINK("https:...``), and neither SQLite nor
    PostgreSQL accept a NUL character. The indexes split words on both anyway.
    """
    return " ".join("".join(
        " " if char == '"' or unicodedata.category(char) == "Cc" else char for char in query
    ).split())
