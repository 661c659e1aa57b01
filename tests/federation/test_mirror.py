"""Public objects of followed partners are mirrored for the page of partners' publications."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from federation.actors import instance_actor
from federation.models import Actor, Follow, RemoteObject
from tests.federation.conftest import REMOTE, signed_post

pytestmark = pytest.mark.django_db
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def group(remote, partner):
    return remote.actor("centre")


def _follow(group):
    remote = Actor.objects.get_or_create(uri=group.uri, defaults={"domain": "partner.example", "kind": "Group",
                                                                  "inbox": f"{group.uri}/inbox"})[0]
    return Follow.objects.create(follower=instance_actor(), followed=remote, state=Follow.State.ACCEPTED)


def _page(group, n=1, state="open", **extra):
    return {"id": f"{REMOTE}/objects/{n}", "type": "Page", "attributedTo": group.uri, "name": "Des arbres",
            "content": "<script>x</script>Planter des arbres.", "url": f"{REMOTE}/petitions/{n}/", "state": state,
            "to": [PUBLIC], "signatureCounts": [{"channel": "web", "count": 7}, {"channel": "paper", "count": 2}],
            **extra}


def test_a_followed_partners_petition_is_mirrored_updated_and_deleted(client, group):
    _follow(group)
    assert signed_post(client, "/federation/inbox", group, group.activity("Create", _page(group))).status_code == 202
    mirrored = RemoteObject.objects.get()
    assert (mirrored.name, mirrored.state, mirrored.signature_count) == ("Des arbres", "open", 9)
    page = client.get("/federation/partenaires/publications/").content.decode()
    assert "Des arbres" in page and f"{REMOTE}/petitions/1/" in page and "<script>x" not in page

    signed_post(client, "/federation/inbox", group, group.activity("Update", _page(group, state="closed")))
    assert RemoteObject.objects.get().state == "closed"
    signed_post(client, "/federation/inbox", group,
                group.activity("Delete", {"id": f"{REMOTE}/objects/1", "type": "Tombstone"}))
    assert not RemoteObject.objects.exists()


def test_objects_of_actors_nobody_follows_or_not_public_are_not_mirrored(client, group):
    signed_post(client, "/federation/inbox", group, group.activity("Create", _page(group)))
    assert not RemoteObject.objects.exists()
    _follow(group)
    private = _page(group, n=2, to=[instance_actor().uri])
    signed_post(client, "/federation/inbox", group, group.activity("Create", private, to=[instance_actor().uri]))
    bad_url = _page(group, n=3, url="javascript:alert(1)")
    signed_post(client, "/federation/inbox", group, group.activity("Create", bad_url))
    assert list(RemoteObject.objects.values_list("uri", "url")) == [(f"{REMOTE}/objects/3", "")]


def test_blocking_the_domain_drops_its_mirrored_objects(client, group, superuser):
    from federation import services

    _follow(group)
    signed_post(client, "/federation/inbox", group, group.activity("Create", _page(group)))
    services.set_domain_rule("partner.example", "block", by=superuser)
    assert not RemoteObject.objects.exists()
    assert signed_post(client, "/federation/inbox", group,
                       group.activity("Create", _page(group, n=4))).status_code == 403


def test_the_publications_page_costs_the_same_queries_whatever_their_number(client, federation_settings):
    from federation.sample_pages import _publications

    class Fx:
        objects: dict = {}

    fx = Fx()
    _publications(fx, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/federation/partenaires/publications/").status_code == 200
    _publications(fx, 80)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/federation/partenaires/publications/").content.decode()
    assert "Pétition voisine 82" in html and "Page suivante" in html
    assert len(many) == len(few)
    assert client.get("/federation/partenaires/publications/?page=abc").status_code == 200
