"""Signing through a partner: this instance counts the signatures a partner instance sends for
its petitions (channel ``partner``, eligibility applied to what the partner vouches for), and
sends its own members' signatures of a partner's petitions, showing them the partner's answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.identity.models import EligibilityRule
from core.models import Component
from core.participation.services import channel_counts
from federation import partners
from federation.actors import instance_actor
from federation.models import (
    Activity,
    Actor,
    DomainRule,
    Follow,
    PartnerParticipation,
    RemoteObject,
)
from federation.outbox import object_id
from federation.remote import store_actor
from tests.conftest import make_user
from tests.federation.conftest import REMOTE, signed_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(federation_settings, space, agent):
    from plugins.petitions import services
    from plugins.petitions.models import PetitionSettings

    box = Component.objects.create(phase=space.phases.first(), component_type="petitions.petition_box",
                                   title="Pétitions")
    PetitionSettings.objects.create(component=box)
    return services.create_petition(box, author=agent, title="Des bancs au parc", text="Trois bancs.",
                                    on_behalf_of_organisation=True)


@pytest.fixture
def partner_instance(remote, partner):
    """partner.example's instance actor, with an approved agreement with ours."""
    actor = remote.actor("instance")
    document = actor.document() | {"type": "Application"}
    remote.documents[actor.uri] = document
    row = store_actor(document)
    Follow.objects.create(follower=row, followed=instance_actor(), state=Follow.State.ACCEPTED)
    return actor


def partner_count(petition) -> int:
    counts = channel_counts(petition.subject_key)
    assert sum(counts.values()) == counts["partner"], counts  # nothing on another channel
    return counts["partner"]


def signature(sender, petition_uri: str, person: str = "a" * 64, **attributes) -> dict:
    return sender.activity("Create", {
        "id": f"{REMOTE}/federation/signatures/{person[:8]}", "type": "Signature",
        "attributedTo": sender.uri, "inReplyTo": petition_uri, "personKey": person,
        "attributes": {"areas": [], "identityLevel": 1, **attributes},
    })


def send(client, sender, activity):
    response = signed_post(client, "/federation/inbox", sender, activity)
    assert response.status_code == 202, response.content
    return Activity.objects.filter(direction="out", payload__object=activity["id"]).get()


# --- Counting a partner's signatures ---------------------------------------------------------


def test_a_partners_signature_is_counted_in_the_partner_channel_and_accepted(client, petition, partner_instance):
    from plugins.petitions.tasks import update_counts

    uri = object_id("petitions", "petition", petition.pk)
    answer = send(client, partner_instance, signature(partner_instance, uri))
    assert answer.type == "Accept" and answer.actor == instance_actor()
    assert list(answer.deliveries.values_list("inbox", flat=True)) == [f"{REMOTE}/inbox"]
    assert partner_count(petition) == 1
    update_counts()
    petition.refresh_from_db()
    assert (petition.count_partner, petition.count_web, petition.signature_count) == (1, 0, 1)
    # The same person again (same pseudonym): refused with the reason, still one signature.
    again = send(client, partner_instance, signature(partner_instance, uri) | {"id": f"{REMOTE}/activities/again"})
    assert again.type == "Reject" and "déjà" in again.payload["content"]
    assert partner_count(petition) == 1


def test_an_instance_without_an_agreement_is_refused(client, petition, remote, partner):
    stranger = remote.actor("instance")
    remote.documents[stranger.uri] = stranger.document() | {"type": "Application"}
    answer = send(client, stranger, signature(stranger, object_id("petitions", "petition", petition.pk)))
    assert answer.type == "Reject" and "partenaire" in answer.payload["content"]
    assert partner_count(petition) == 0


def test_eligibility_rules_apply_to_what_the_partner_vouches_for(client, petition, partner_instance):
    EligibilityRule.objects.create(component=petition.component, label="habitant du Bourg, 16 ans ou plus",
                                   residence_areas="Le Bourg", min_age=16)
    uri = object_id("petitions", "petition", petition.pk)
    refused = send(client, partner_instance, signature(partner_instance, uri, "b" * 64, areas=["Ailleurs"], ageAtLeast=30))
    assert refused.type == "Reject" and refused.payload["content"]
    too_young = send(client, partner_instance, signature(partner_instance, uri, "c" * 64, areas=["Le Bourg"], ageAtLeast=15))
    assert too_young.type == "Reject"
    accepted = send(client, partner_instance, signature(partner_instance, uri, "d" * 64, areas=["le bourg"], ageAtLeast=16))
    assert accepted.type == "Accept"
    assert partner_count(petition) == 1


def test_what_takes_no_signature_is_refused(client, petition, partner_instance):
    closed_uri = object_id("petitions", "petition", 999_999)
    assert send(client, partner_instance, signature(partner_instance, closed_uri)).type == "Reject"
    uri = object_id("petitions", "petition", petition.pk)
    forged = signature(partner_instance, uri)
    forged["object"]["attributedTo"] = f"{REMOTE}/users/someone"
    # The inbox itself refuses an object attributed to another actor (origin rule).
    assert signed_post(client, "/federation/inbox", partner_instance, forged).status_code == 400
    assert partner_count(petition) == 0


# --- Signing a partner's petition from here -------------------------------------------------


@pytest.fixture
def partner_petition(partner_instance):
    group = store_actor({"id": f"{REMOTE}/federation/actors/centre", "type": "Group",
                         "inbox": f"{REMOTE}/federation/actors/centre/inbox"})
    return RemoteObject.objects.create(
        uri=f"{REMOTE}/federation/objects/petitions/petition/7", actor=group, type="Page",
        name="Une piste cyclable", url=f"{REMOTE}/petitions/7/", state="open",
        document={"signatureCounts": [{"channel": "web", "count": 12}]})


def test_a_member_signs_a_partners_petition_and_sees_the_answer(client, partner_petition, partner_instance):
    from core.identity.methods import IN_PERSON
    from core.identity.verifications import record_verification
    from core.plugins import PROOF_RESIDENCE

    camille = make_user("camille@example.org", display_name="Camille Martin")
    record_verification(camille, IN_PERSON, proves=[PROOF_RESIDENCE], areas=["Le Bourg"])
    client.force_login(camille)
    url = reverse("federation:partner_sign", args=[partner_petition.pk])
    page = client.get(url).content.decode()
    assert "Le Bourg" in page and "Signer depuis cette instance" in page
    assert client.post(url).status_code == 302
    sent = PartnerParticipation.objects.get(user=camille)
    assert sent.state == "sent" and sent.partner_domain == "partner.example"
    create = Activity.objects.get(uri=sent.activity_uri)
    obj = create.payload["object"]
    assert create.payload["to"] == [partner_instance.uri] and obj["type"] == "Signature"
    assert obj["inReplyTo"] == partner_petition.uri and obj["attributes"]["areas"] == ["Le Bourg"]
    assert obj["personKey"] == partners.pseudonym(camille, "partner.example")
    assert obj["personKey"] != partners.pseudonym(camille, "other.example")
    assert "camille" not in str(create.payload).lower() and "Martin" not in str(create.payload)
    assert list(create.deliveries.values_list("inbox", flat=True)) == [f"{REMOTE}/inbox"]
    # A second submission sends nothing more.
    client.post(url)
    assert PartnerParticipation.objects.count() == 1 and Activity.objects.filter(type="Create").count() == 1

    # The partner refuses it, with its reason: the member reads it on the page.
    reject = partner_instance.activity("Reject", sent.activity_uri, content="Réservée aux habitants de Voisine.")
    assert signed_post(client, "/federation/inbox", partner_instance, reject).status_code == 202
    sent.refresh_from_db()
    assert (sent.state, sent.reason) == ("refused", "Réservée aux habitants de Voisine.")
    assert "Réservée aux habitants de Voisine." in client.get(url).content.decode()


def test_an_accept_from_another_server_changes_nothing(client, partner_petition, partner_instance, remote):
    camille = make_user("camille@example.org")
    sent = partners.sign(camille, partner_petition)
    other = remote.actor("intruder", host="https://other.example")
    DomainRule.objects.create(domain="other.example", kind=DomainRule.Kind.ALLOW)
    accept = other.activity("Accept", sent.activity_uri)
    accept["id"] = accept["id"].replace(REMOTE, "https://other.example")
    assert signed_post(client, "/federation/inbox", other, accept).status_code == 202
    sent.refresh_from_db()
    assert sent.state == "sent"
    accept = partner_instance.activity("Accept", sent.activity_uri)
    signed_post(client, "/federation/inbox", partner_instance, accept)
    sent.refresh_from_db()
    assert sent.state == "accepted"


def test_no_signing_without_a_partnership(client, partner_petition, partner_instance):
    Follow.objects.filter(followed=instance_actor()).delete()
    camille = make_user("camille@example.org")
    client.force_login(camille)
    url = reverse("federation:partner_sign", args=[partner_petition.pk])
    assert "pas (ou plus) partenaire" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not PartnerParticipation.objects.exists()
    assert not Activity.objects.filter(type="Create").exists()


def test_the_publications_page_offers_signing_for_partners_open_petitions(client, partner_petition):
    page = client.get(reverse("federation:partner_publications")).content.decode()
    assert reverse("federation:partner_sign", args=[partner_petition.pk]) in page
    Actor.objects.filter(kind="Application", is_local=False).update(domain="elsewhere.example")
    page = client.get(reverse("federation:partner_publications")).content.decode()
    assert reverse("federation:partner_sign", args=[partner_petition.pk]) not in page
