"""``noindex`` on the contribution pages of organisations that ask for it."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.retention.services import save_privacy_settings
from tests.core.retention.conftest import make_petition

META = '<meta name="robots" content="noindex">'


def _get(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response


def test_contribution_pages_of_an_organisation_that_asks_are_not_indexed(commune, association, agent, foreign_agent):
    mine = make_petition(commune, "bourg", agent)
    theirs = make_petition(association, "air", foreign_agent)
    response = _get(mine.get_absolute_url())
    assert META not in response.content.decode() and "X-Robots-Tag" not in response

    save_privacy_settings(commune, delays={}, noindex_contributions=True)
    cache.clear()  # visitors' copies of public pages expire on their own (a few seconds)
    response = _get(mine.get_absolute_url())
    assert META in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"

    other = _get(theirs.get_absolute_url())
    assert META not in other.content.decode() and "X-Robots-Tag" not in other


def test_pages_that_are_not_contributions_stay_indexable(commune, agent):
    make_petition(commune, "bourg", agent)
    save_privacy_settings(commune, delays={}, noindex_contributions=True)
    for url in (reverse("petitions:index"), reverse("retention:privacy_notice", args=[commune.slug])):
        response = _get(url)
        assert META not in response.content.decode() and "X-Robots-Tag" not in response
