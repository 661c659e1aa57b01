"""The petitions in the public API: what is visible to whom and where, filters and order,
signing and confirming with the same rules as the web form, and no signer ever exposed."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from core.api import tokens
from core.models import Component, PluginSetting
from core.participation.models import ParticipationRecord
from plugins.petitions import services
from plugins.petitions import workflow as states
from plugins.petitions.models import PetitionSettings, Signature
from tests.conftest import make_space, make_user

LIST = "/api/v1/petitions/"
SIGNER = {"name": "Léa Martin", "email": "lea.martin@example.org", "consent": True}


def detail(petition) -> str:
    return f"/api/v1/petitions/{petition.pk}"


def sign_url(petition) -> str:
    return f"/api/v1/petitions/{petition.pk}/sign"


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def bearer(user, scopes=("petitions:sign",)) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.create_token(user, name='Script', scopes=list(scopes)).raw}"}


def site_for(organisation, hostname: str) -> dict:
    organisation.site = Site.objects.create(hostname=hostname, port=80, root_page=Page.get_first_root_node())
    organisation.save()
    return {"HTTP_HOST": hostname}


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {p["id"] for p in response.json()["results"]}


@pytest.fixture
def petitions(box, agent, citizen_author, association):
    """One petition in each state that matters, and one of another organisation."""
    open_ = services.create_petition(box, author=agent, title="Un éclairage public économe la nuit",
                                     text="Éteindre entre 1 h et 5 h.", category="Environnement",
                                     territory="Centre-bourg", on_behalf_of_organisation=True)
    awaiting = services.create_petition(box, author=citizen_author, title="Des bancs sur la place du marché",
                                        text="Pour s'asseoir.")
    PetitionSettings.objects.filter(component=box).update(sponsors_required=0)
    moderated = services.create_petition(box, author=citizen_author, title="Une piste cyclable rue Haute",
                                         text="Sécuriser.")
    hidden = services.create_petition(box, author=agent, title="Une pétition masquée par la modération",
                                      text="Masquée.", on_behalf_of_organisation=True)
    hidden.contribution.is_hidden = True
    hidden.contribution.save()
    elsewhere_space = make_space(association, "air-pur")
    elsewhere_box = Component.objects.create(phase=elsewhere_space.phases.get(),
                                             component_type="petitions.petition_box", title="Air")
    foreign_agent = make_user("agent@collectif.example")
    from core.models import Membership, Role
    Membership.objects.create(user=foreign_agent, organisation=association, role=Role.AGENT)
    elsewhere = services.create_petition(elsewhere_box, author=foreign_agent, title="Moins de pollution au port",
                                         text="Mesurer l'air.", category="Santé", on_behalf_of_organisation=True)
    return {"open": open_, "awaiting": awaiting, "moderated": moderated, "hidden": hidden, "elsewhere": elsewhere}


# --- Reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "citizen_author", "citizen", "moderator", "agent", "official",
                                  "commune_admin", "foreign_admin"])
def test_only_public_petitions_are_listed_for_every_role(request, client, commune, petitions, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    host = site_for(commune, "saint-aubin.example")
    # Public in every state once submitted (Petition.objects.public()), as on the web pages.
    public = {petitions[key].pk for key in ("open", "awaiting", "moderated")}
    assert ids(client.get(LIST, **host)) == public
    for key in ("open", "awaiting", "moderated"):
        assert client.get(detail(petitions[key]), **host).json()["id"] == petitions[key].pk
    for key in ("hidden", "elsewhere"):
        response = client.get(detail(petitions[key]), **host)
        assert response.status_code == 404, key
        assert response.json()["error"]["code"] == "not_found"
    # The instance's own host name lists every organisation's public petitions, nothing else.
    assert ids(client.get(LIST)) == public | {petitions["elsewhere"].pk}


def test_the_other_organisation_sees_only_its_own(client, association, petitions):
    host = site_for(association, "collectif.example")
    assert ids(client.get(LIST, **host)) == {petitions["elsewhere"].pk}
    assert client.get(detail(petitions["open"]), **host).status_code == 404


def test_a_disabled_plugin_answers_404_in_the_api(client, commune, petitions):
    host = site_for(commune, "saint-aubin.example")
    PluginSetting.objects.create(organisation=commune, plugin="petitions", enabled=False)
    response = client.get(LIST, **host)
    assert response.status_code == 404 and response.json()["error"]["code"] == "module_disabled"
    assert post_json(client, sign_url(petitions["open"]), SIGNER, **host).status_code == 404
    assert not Signature.objects.exists()


def test_the_detail_has_the_counts_per_channel_and_the_thresholds(client, open_petition):
    type(open_petition).objects.filter(pk=open_petition.pk).update(count_web=2, count_paper=1, count_partner=0)
    body = client.get(detail(open_petition)).json()
    assert body["channels"] == {"web": 2, "paper": 1, "partner": 0} and body["signature_count"] == 3
    assert body["thresholds"] == [{"kind": "answer", "signatures": 3}, {"kind": "debate", "signatures": 5}]
    assert body["next_threshold"] == {"kind": "debate", "signatures": 5}
    assert body["is_open"] is True and body["status"] == states.OPEN


def _many(box, agent, n, start=0):
    made = []
    for i in range(start, start + n):
        made.append(services.create_petition(
            box, author=agent, title=f"Pétition numéro {i:03d}", text="Texte.", on_behalf_of_organisation=True,
            category="Mobilités" if i % 2 else "Environnement", territory="Le Port" if i % 3 else "Les Hauts",
        ))
    return made


def test_filters_and_orders(client, box, agent):
    made = _many(box, agent, 6)
    for i, petition in enumerate(made):
        type(petition).objects.filter(pk=petition.pk).update(count_web=10 * i)
    services.close_due_petitions(now=made[-1].closes_at)  # the six close
    reopened = _many(box, agent, 1, start=50)[0]
    assert ids(client.get(LIST, {"state": "open"})) == {reopened.pk}
    assert len(ids(client.get(LIST, {"state": "closed"}))) == 6
    assert all(p["category"] == "Mobilités" for p in client.get(LIST, {"category": "Mobilités"}).json()["results"])
    assert ids(client.get(LIST, {"territory": "Les Hauts"})) == {made[0].pk, made[3].pk}
    assert len(ids(client.get(LIST, {"space": "centre-bourg"}))) == 7
    assert ids(client.get(LIST, {"space": "ailleurs"})) == set()
    top = client.get(LIST, {"order": "-signatures", "page_size": 2}).json()["results"]
    assert [p["id"] for p in top] == [made[5].pk, made[4].pk]
    titles = [p["title"] for p in client.get(LIST, {"order": "title"}).json()["results"]]
    assert titles == sorted(titles)


@pytest.mark.parametrize("params, status", [
    ({"order": "author__email"}, 422), ({"order": "-password"}, 422), ({"state": "draft"}, 422),
    ({"state": "awaiting_moderation"}, 422), ({"author": "1"}, 400), ({"signatures__email": "x"}, 400),
])
def test_unknown_filters_and_order_fields_are_refused_with_a_message(client, open_petition, params, status):
    response = client.get(LIST, params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"] and error["details"]


def test_the_list_costs_the_same_number_of_queries_for_10_and_100_petitions(client, box, agent):
    from django.db import connection

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    _many(box, agent, 10)
    few = count()
    _many(box, agent, 90, start=10)
    assert count() == few


def test_no_signer_is_ever_exposed(client, open_petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.sign(open_petition, name="Zoé Secrète", email="zoe.secrete@example.org", show_name=True)
    services.confirm_signature(request.token)
    everything = client.get(LIST).content.decode() + client.get(detail(open_petition)).content.decode()
    everything += client.get("/api/v1/openapi.json").content.decode()
    assert "zoe.secrete" not in everything and "Zoé Secrète" not in everything and "Zo\\u00e9" not in everything


# --- Signing and confirming ----------------------------------------------------------------------------


def _link_token(message) -> str:
    return re.search(r"/petitions/confirm/([^/\s]+)/", message.body).group(1)


def test_anonymous_signing_goes_through_the_emailed_confirmation(client, open_petition,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, sign_url(open_petition), SIGNER)
    assert response.status_code == 202 and response.json()["status"] == "confirmation_sent"
    assert "lea.martin" not in response.content.decode()
    signature = Signature.objects.get()
    assert signature.confirmed_at is None and not ParticipationRecord.objects.exists()
    token = _link_token(mail.outbox[-1])
    confirmed = post_json(client, "/api/v1/petitions/confirm", {"token": token})
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["confirmed"] is True and body["already_confirmed"] is False and body["receipt"].startswith("pvr1.")
    assert ParticipationRecord.objects.count() == 1
    again = post_json(client, "/api/v1/petitions/confirm", {"token": token}).json()
    assert again["already_confirmed"] is True and ParticipationRecord.objects.count() == 1
    # Signing again answers as for a new signer (whether an address signed is told to it only).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        twice = post_json(client, sign_url(open_petition), SIGNER)
    assert twice.status_code == 202 and twice.json() == response.json()
    assert Signature.objects.count() == 1 and [m.to for m in mail.outbox] == [[SIGNER["email"]]]
    assert "déjà signée" in mail.outbox[0].body


@pytest.mark.parametrize("body, field", [
    ({"name": "Léa", "email": "pas-une-adresse", "consent": True}, "email"),
    ({"name": "Léa", "email": "lea@example.org"}, "consent"),
    ({"name": "=HYPERLINK(1)", "email": "lea@example.org", "consent": True}, "name"),
    ({"name": "a" * 151, "email": "lea@example.org", "consent": True}, "name"),
    ({"name": "Léa\x00", "email": "lea@example.org", "consent": True}, "name"),
])
def test_the_form_s_validation_applies(client, open_petition, body, field):
    response = post_json(client, sign_url(open_petition), body)
    assert response.status_code == 422
    assert field in response.json()["error"]["details"]
    assert not Signature.objects.exists()


def test_malformed_bodies_are_clean_4xx(client, open_petition):
    assert client.post(sign_url(open_petition), "{", content_type="application/json").status_code == 400
    assert post_json(client, sign_url(open_petition), {"name": 3}).status_code == 422
    assert post_json(client, sign_url(open_petition), []).status_code in {400, 422}
    assert post_json(client, "/api/v1/petitions/confirm", {"token": "x" * 5000}).status_code == 404
    assert not Signature.objects.exists()


def test_a_closed_petition_is_not_signed(client, petitions):
    assert post_json(client, sign_url(petitions["hidden"]), SIGNER).status_code == 404
    response = post_json(client, sign_url(petitions["awaiting"]), SIGNER)
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_open"
    services.close_due_petitions(now=petitions["open"].closes_at)
    response = post_json(client, sign_url(petitions["open"]), SIGNER)
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_open"


def test_the_same_rate_limits_as_the_form_apply(client, open_petition, settings):
    settings.PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 2
    for i in range(2):
        assert post_json(client, sign_url(open_petition), SIGNER | {"email": f"p{i}@example.org"}).status_code == 202
    response = post_json(client, sign_url(open_petition), SIGNER | {"email": "p9@example.org"})
    assert response.status_code == 429 and response.json()["error"]["code"] == "rate_limited"
    assert Signature.objects.count() == 2


def test_a_token_needs_the_sign_scope(client, open_petition, citizen):
    response = post_json(client, sign_url(open_petition), SIGNER, **bearer(citizen, scopes=("read",)))
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"
    assert post_json(client, sign_url(open_petition), SIGNER, **bearer(citizen)).status_code == 202


def test_a_session_call_needs_the_csrf_token_a_token_call_does_not(open_petition, citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = post_json(client, sign_url(open_petition), SIGNER)
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    assert not Signature.objects.exists()
    client.get("/compte/api/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    assert post_json(client, sign_url(open_petition), SIGNER, HTTP_X_CSRFTOKEN=csrf).status_code == 202
    # A token call ignores the session and its CSRF.
    other = SIGNER | {"email": "autre@example.org"}
    assert post_json(client, sign_url(open_petition), other, **bearer(citizen)).status_code == 202
    # Anonymous callers without a session cookie need no CSRF token (nothing to ride on).
    assert post_json(Client(enforce_csrf_checks=True), sign_url(open_petition),
                     SIGNER | {"email": "tiers@example.org"}).status_code == 202


def test_eligibility_rules_reserve_signing_to_eligible_token_holders(client, open_petition, box, commune,
                                                                     django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from core.identity.models import EligibilityRule
    from core.identity.services import verify_in_person

    EligibilityRule.objects.create(component=box, label="résident", residence_areas="Saint-Aubin-des-Prés")
    resident = make_user("resident@example.org")
    verify_in_person(None, commune, resident, areas=["Saint-Aubin-des-Prés"],
                     birth_date=timezone.localdate() - timedelta(days=365 * 30))
    outsider = make_user("ailleurs@example.org")

    anonymous = post_json(client, sign_url(open_petition), SIGNER)
    assert anonymous.status_code == 403 and anonymous.json()["error"]["details"]["conditions"]
    assert post_json(client, sign_url(open_petition), SIGNER, **bearer(outsider)).status_code == 403
    assert not Signature.objects.exists()
    headers = bearer(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, sign_url(open_petition), {"name": "Rémi Résident", "consent": True}, **headers)
    assert response.status_code == 202
    assert Signature.objects.get().email == "resident@example.org"  # the account's address signs
    token = _link_token(mail.outbox[-1])
    assert post_json(client, "/api/v1/petitions/confirm", {"token": token}).status_code == 409
    assert post_json(client, "/api/v1/petitions/confirm", {"token": token}, **headers).status_code == 200
    assert ParticipationRecord.objects.get().user_id == resident.pk
