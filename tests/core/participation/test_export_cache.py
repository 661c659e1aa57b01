"""The server cache of the public ledger export: one entry per meaningful URL.

``export.json`` is cacheable (``Cache-Control: public``). Its server-side cache entry is keyed
on the parameters the view declares it understands (none): a client appending ``?x=1``,
``?x=2``... reads the same entry instead of filling the cache with copies.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.participation.services import publish_head

from .helpers import sign

pytestmark = pytest.mark.django_db


def _signatures(response) -> int:
    return json.loads(response.content)["totals"]["by_channel"]["web"]


def test_unknown_parameters_read_the_same_cache_entry(petition):
    cache.clear()
    sign(petition, 2)
    publish_head(petition)
    url = reverse("participation:export", args=[petition])
    first = Client().get(url, {"utm_source": "newsletter"})
    assert first.status_code == 200 and _signatures(first) == 2

    sign(petition, 3, start=2)  # the export changes; a cached copy does not
    publish_head(petition)
    again = Client().get(url, {"utm_source": "mastodon", "x": "1"})
    plain = Client().get(url)
    assert again.status_code == plain.status_code == 200
    assert again.content == plain.content == first.content
    assert "Age" in again and "Age" in plain  # both served from the entry the first one stored


def test_the_export_is_still_fresh_after_the_cache_is_emptied(petition):
    cache.clear()
    sign(petition, 2)
    publish_head(petition)
    url = reverse("participation:export", args=[petition])
    assert _signatures(Client().get(url, {"v": "1"})) == 2
    sign(petition, 1, start=2)
    cache.clear()
    assert _signatures(Client().get(url, {"v": "1"})) == 3
