"""The map of signatures by postcode on a petition's page (mapping plugin, when the box collects
postcodes): counts by postcode under the open data's small-cell rule, in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import PluginSetting
from plugins.mapping.positions import load_positions
from plugins.mapping.testing import map_markers
from plugins.petitions.models import PetitionSettings, Signature

pytestmark = pytest.mark.django_db




def _sign(petition, postcode: str, n: int, *, confirmed: bool = True) -> None:
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(petition=petition, email=f"{postcode}-{i}-{confirmed}@example.org", email_domain="example.org",
                  name="S", postcode=postcode, token_hash=f"{postcode}-{i}-{confirmed}".ljust(64, "x"),
                  confirmed_at=now if confirmed else None)
        for i in range(n)
    )


@pytest.fixture
def positions(db):
    lines = ["postcode,name,latitude,longitude"] + [f"{35000 + i},Commune {i},{48 + i / 100},{-2 + i / 100}" for i in range(60)]
    load_positions(lines)


@pytest.fixture
def collecting(box):
    rules = PetitionSettings.objects.get(component=box)
    rules.collect_postcode = True
    rules.save()
    return rules


def test_postcodes_with_enough_signers_are_on_the_map_and_small_ones_are_not(client, open_petition, collecting, positions):
    _sign(open_petition, "35001", 14)
    _sign(open_petition, "35002", 11)
    _sign(open_petition, "35003", 3)   # below the minimum of 10: hidden
    _sign(open_petition, "35004", 20, confirmed=False)  # does not count
    page = client.get(open_petition.get_absolute_url()).content.decode()
    markers = map_markers(page)
    # 3 hidden signers alone could be read off the total: the smallest shown count is hidden too.
    assert [(m["label"], m["weight"]) for m in markers] == [("35001 Commune 1", 14)]
    assert "14 signatures" in page and "Commune 3" not in page and "Commune 2" not in page
    assert "Signatures en ligne par code postal" in page


def test_the_page_costs_the_same_queries_for_few_or_many_postcodes(client, open_petition, collecting, positions):
    for i in range(3):
        _sign(open_petition, f"350{10 + i}", 10)

    def queries(n):
        with CaptureQueriesContext(connection) as ctx:  # ?n: not the page kept for visitors
            page = client.get(f"{open_petition.get_absolute_url()}?n={n}").content.decode()
        return len(ctx.captured_queries), len(map_markers(page))

    few = queries(1)
    for i in range(3, 40):
        _sign(open_petition, f"350{10 + i}", 10)
    many = queries(2)
    assert (few[1], many[1]) == (3, 40)
    assert few[0] == many[0]


def test_no_map_when_the_box_does_not_ask_for_postcodes(client, open_petition, positions):
    _sign(open_petition, "35001", 12)
    assert "parvis-map" not in client.get(open_petition.get_absolute_url()).content.decode()


def test_no_map_and_no_query_for_it_without_the_mapping_plugin(client, open_petition, collecting, positions):
    from wagtail.models import Page, Site

    _sign(open_petition, "35001", 12)
    organisation = open_petition.component.phase.space.organisations.get()
    organisation.site = Site.objects.create(hostname="commune.example", port=80, root_page=Page.get_first_root_node())
    organisation.save()
    url = open_petition.get_absolute_url()
    with CaptureQueriesContext(connection) as enabled:
        page = client.get(f"{url}?n=1", HTTP_HOST="commune.example").content.decode()
    assert "parvis-map" in page
    PluginSetting.objects.create(organisation=organisation, plugin="mapping", enabled=False)
    with CaptureQueriesContext(connection) as disabled:
        page = client.get(f"{url}?n=2", HTTP_HOST="commune.example").content.decode()
    assert "parvis-map" not in page and open_petition.title in page
    # The counts, the positions and the organisation's open data settings are not read.
    assert len(disabled.captured_queries) == len(enabled.captured_queries) - 3
