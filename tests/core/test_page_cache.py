"""The server cache keys a view's answers on the query parameters it declares understanding."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils.cache import patch_cache_control

from core.middleware import cache_parameters

_served = itertools.count()


def _answer(request):
    response = HttpResponse(f"answer {next(_served)} page={request.GET.get('page', '1')}")
    patch_cache_control(response, public=True, max_age=60)
    return response


@cache_parameters("page")
def _paged_answer(request):
    return _answer(request)


urlpatterns = [
    path("declared/", _paged_answer),
    path("undeclared/", _answer),
]

pytestmark = [pytest.mark.urls("tests.core.test_page_cache"), pytest.mark.django_db]


def test_declared_parameters_make_distinct_entries_and_the_others_do_not():
    cache.clear()
    first = Client().get("/declared/", {"page": "2", "utm_source": "a"}).content
    assert Client().get("/declared/", {"utm_source": "b", "page": "2"}).content == first
    second_page = Client().get("/declared/", {"page": "3"}).content
    assert second_page != first and b"page=3" in second_page


def test_a_view_without_declaration_is_keyed_on_its_whole_query_string():
    cache.clear()
    first = Client().get("/undeclared/", {"x": "1"}).content
    assert Client().get("/undeclared/", {"x": "1"}).content == first
    assert Client().get("/undeclared/", {"x": "2"}).content != first
