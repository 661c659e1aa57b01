"""The search index: one document per public item of any plugin, searched through Wagtail."""

from __future__ import annotations

from django.db import models
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class SearchDocumentQuerySet(SearchableQuerySetMixin, models.QuerySet):
    pass


class SearchDocument(index.Indexed, models.Model):
    """A searchable item. Contributions and spaces are indexed by the core; plugins add
    other public content through the ``search_documents`` hook."""

    key = models.CharField(max_length=200, unique=True)  # e.g. "contribution:12", "space:3"
    plugin = models.CharField(max_length=80)
    space = models.ForeignKey("core.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    status = models.CharField(max_length=40, blank=True)
    is_public = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SearchDocumentQuerySet.as_manager()

    # Indexed explicitly by core.search.services, never behind the scenes on save().
    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("plugin"),
        index.FilterField("space_id"),
        index.FilterField("status"),
        index.FilterField("is_public"),
    ]

    class Meta:
        indexes = [models.Index(fields=["plugin", "status"])]

    def __str__(self) -> str:
        return self.title
