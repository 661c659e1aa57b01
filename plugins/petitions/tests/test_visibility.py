"""One rule says which petitions are public (``Petition.objects.public()``), and every surface
follows it: the list, the petition's page, the search, the API, the open data, federation.

A petition is public once submitted, whatever its state (awaiting sponsors, under review by the
town, open, closed, answered, rejected), unless it is a draft, hidden by the moderators, held
for pre-moderation, or in an unpublished space."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Component
from core.moderation.models import ModerationReason
from core.moderation.services import decide
from core.search.models import SearchDocument
from federation.models import Activity
from plugins.petitions import federation, opendata, services
from plugins.petitions import workflow as states
from plugins.petitions.models import Petition, PetitionSettings
from tests.conftest import make_space

PUBLIC = ("awaiting", "under_review", "open", "rejected")
NOT_PUBLIC = ("draft", "hidden", "premoderated", "unpublished_space")


def _box(space, **rules) -> Component:
    component = Component.objects.create(phase=space.phases.get(), component_type="petitions.petition_box",
                                         title="Pétitions", **rules)
    PetitionSettings.objects.create(component=component, sponsors_required=0)
    return component


@pytest.fixture
def petitions(box, space, commune, agent, citizen_author, moderator, monkeypatch):
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    made = {"draft": Petition.objects.create(component=box, author=citizen_author, title="Un brouillon jamais déposé",
                                             text="Brouillon.")}
    made["awaiting"] = services.create_petition(box, author=citizen_author, title="Des bancs place du marché",
                                                text="Pour s'asseoir.")  # the box wants two sponsors
    PetitionSettings.objects.filter(component=box).update(sponsors_required=0)
    made["under_review"] = services.create_petition(box, author=citizen_author, title="Une piste cyclable rue Haute",
                                                    text="Sécuriser les trajets.")
    made["open"] = services.create_petition(box, author=agent, title="Un éclairage public économe",
                                            text="Éteindre la nuit.", on_behalf_of_organisation=True)
    made["rejected"] = services.create_petition(box, author=citizen_author, title="Un parking sur le square",
                                                text="Des places.")
    services.reject_petition(made["rejected"], by=moderator, reason="Le square est classé.")
    made["hidden"] = services.create_petition(box, author=agent, title="Une pétition masquée", text="Masquée.",
                                              on_behalf_of_organisation=True)
    decide(made["hidden"].contribution, "hide", moderator=moderator,
           reason=ModerationReason.objects.get(organisation=None, code="spam"))
    held = _box(space, requires_moderation=True)
    made["premoderated"] = services.create_petition(held, author=agent, title="Une pétition à pré-modérer",
                                                    text="Pas encore vue.", on_behalf_of_organisation=True)
    hidden_space = make_space(commune, "brouillon", published=False)
    made["unpublished_space"] = services.create_petition(_box(hidden_space), author=agent,
                                                         title="Une pétition d'un espace non publié",
                                                         text="Pas publiée.", on_behalf_of_organisation=True)
    made = {key: Petition.objects.select_related("contribution").get(pk=p.pk) for key, p in made.items()}
    assert made["awaiting"].status == states.AWAITING_SPONSORS
    assert made["under_review"].status == states.UNDER_MODERATION
    assert made["premoderated"].contribution.awaiting_moderation
    return made


def _ids(petitions, keys) -> set[int]:
    return {petitions[key].pk for key in keys}


def test_the_rule(petitions):
    assert set(Petition.objects.public().values_list("pk", flat=True)) == _ids(petitions, PUBLIC)
    for key, petition in petitions.items():
        petition = Petition.objects.select_related("contribution", "component__phase__space").get(pk=petition.pk)
        assert petition.is_public is (key in PUBLIC), key


def test_the_list_of_every_state(client, petitions):
    page = client.get(reverse("petitions:index"), {"show": "all"}).content.decode()
    for key, petition in petitions.items():
        assert (f'href="{petition.get_absolute_url()}"' in page) is (key in PUBLIC), key


def test_the_petition_s_page(client, petitions):
    for key in PUBLIC:
        response = client.get(petitions[key].get_absolute_url())
        assert response.status_code == 200 and petitions[key].title in response.content.decode(), key
    for key in ("draft", "premoderated", "unpublished_space"):
        assert client.get(petitions[key].get_absolute_url()).status_code == 404, key
    # A hidden petition keeps its address, with a placeholder that names nothing of it.
    hidden = client.get(petitions["hidden"].get_absolute_url())
    assert "Pétition masquée" in hidden.content.decode() and "Une pétition masquée" not in hidden.content.decode()


def test_the_search(petitions):
    public = set(SearchDocument.objects.filter(is_public=True, plugin="petitions").values_list("url", flat=True))
    assert public == {petitions[key].get_absolute_url() for key in PUBLIC}


def test_the_api_list_and_detail(client, petitions):
    listed = client.get("/api/v1/petitions/", {"page_size": 100}).json()["results"]
    assert {p["id"] for p in listed} == _ids(petitions, PUBLIC)
    for key, petition in petitions.items():
        response = client.get(f"/api/v1/petitions/{petition.pk}")
        assert response.status_code == (200 if key in PUBLIC else 404), key
    under_review = client.get("/api/v1/petitions/", {"state": states.UNDER_MODERATION}).json()["results"]
    assert [p["id"] for p in under_review] == [petitions["under_review"].pk]


def test_the_open_data(space, petitions):
    rows = {row["id"] for row in opendata._petition_rows(space)}
    assert rows == _ids(petitions, PUBLIC)
    subjects = {row["key"] for row in opendata.public_subjects(space)}
    assert subjects == {petitions[key].subject_key for key in PUBLIC}


def test_federation_serves_and_publishes_only_public_petitions(client, settings, petitions, moderator):
    settings.PARVIS_FEDERATION_BASE_URL = "http://testserver"
    for key, petition in petitions.items():
        assert (federation.load(str(petition.pk)) is not None) is (key in PUBLIC), key
        response = client.get(f"/federation/objects/petitions/petition/{petition.pk}")
        assert response.status_code == (200 if key in PUBLIC else 404), key
    def published(key):
        uri = f"/petitions/petition/{petitions[key].pk}"
        return list(Activity.objects.filter(object_uri__endswith=uri).order_by("pk").values_list("type", flat=True))

    # The pre-moderated petition opened, but nobody may see it yet: it is not published. The
    # hidden one was published when it opened, while it was public.
    assert published("open") == published("hidden") == ["Create"] and published("premoderated") == []
    services.close_due_petitions(now=petitions["hidden"].closes_at)
    assert published("open") == ["Create", "Update"]
    assert published("hidden") == ["Create"] and published("premoderated") == []  # hidden since: no Update
