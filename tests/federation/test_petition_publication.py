"""The petitions services publish to the fediverse: a Create when a petition opens, an
Update when it closes or is answered/debated, written in the transaction of the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import Component
from federation.actors import space_actor
from federation.models import Activity, Actor, Delivery, Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(federation_settings, space, monkeypatch):
    from plugins.petitions.models import PetitionSettings

    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    component = Component.objects.create(phase=space.phases.first(), component_type="petitions.petition_box",
                                         title="Pétitions")
    PetitionSettings.objects.create(component=component, answer_threshold=50, debate_threshold=200)
    return component


@pytest.fixture
def follower(space):
    follower = Actor.objects.create(uri="https://partner.example/users/alice", domain="partner.example",
                                    kind="Person", inbox="https://partner.example/users/alice/inbox")
    Follow.objects.create(follower=follower, followed=space_actor(space), state=Follow.State.ACCEPTED)
    return follower


def _open(box, agent):
    from plugins.petitions import services

    return services.create_petition(box, author=agent, title="Des bancs au parc", text="Trois bancs.",
                                    on_behalf_of_organisation=True)


def _published(petition):
    return list(Activity.objects.filter(object_uri__endswith=f"/petitions/petition/{petition.pk}")
                .order_by("pk").values_list("type", "payload__object__state"))


def test_opening_publishes_a_create_to_the_followers(box, agent, follower):
    petition = _open(box, agent)
    assert _published(petition) == [("Create", "open")]
    activity = Activity.objects.get(type="Create")
    assert activity.actor == space_actor(box.phase.space) and activity.is_public
    assert list(Delivery.objects.filter(activity=activity).values_list("inbox", flat=True)) == [follower.inbox]


def test_a_citizen_petition_is_published_only_once_moderated(box, citizen, moderator, follower):
    from core.contributions.services import change_status
    from plugins.petitions import services
    from plugins.petitions import workflow as states

    petition = services.create_petition(box, author=citizen, title="Un composteur", text="Près de l'école.")
    if petition.status == states.AWAITING_SPONSORS:
        change_status(petition.contribution, states.UNDER_MODERATION, by=None, system=True)
    assert _published(petition) == []
    services.open_petition(petition, by=moderator)
    assert _published(petition) == [("Create", "open")]


def test_closing_answering_and_debating_publish_updates(box, agent, follower):
    from plugins.petitions import services

    petition = _open(box, agent)
    petition.closes_at = timezone.now() - timedelta(minutes=1)
    petition.save(update_fields=["closes_at"])
    assert services.close_due_petitions() == 1
    petition = type(petition).objects.get(pk=petition.pk)
    services.publish_response(petition, by=agent, body="Les bancs seront posés.", signature="La maire")
    assert _published(petition) == [("Create", "open"), ("Update", "closed"), ("Update", "answered")]

    debated = _open(box, agent)
    services.publish_response(debated, by=agent, body="Débattue en conseil.", signature="Le conseil",
                              debated=True)
    assert _published(debated) == [("Create", "open"), ("Update", "debated")]


def test_the_activity_is_rolled_back_with_the_change(box, agent, follower):
    from plugins.petitions import services

    petition = _open(box, agent)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish_response(petition, by=agent, body="Réponse.", signature="La maire")
        raise RuntimeError("the change fails after the publication")
    petition.contribution.refresh_from_db()
    assert petition.contribution.status == "open"
    assert _published(petition) == [("Create", "open")]
    assert Delivery.objects.count() == 1


def test_nothing_is_published_when_the_space_does_not_federate(box, agent, follower):
    from federation.models import Policy

    Policy.objects.create(space=box.phase.space, mode=Policy.Mode.OFF)
    petition = _open(box, agent)
    assert petition.status == "open"
    assert _published(petition) == []
