"""The full OpenID Connect flow against a local provider on 127.0.0.1, and every refusal."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.identity import oidc
from core.identity.models import ConflictCase, Verification
from core.identity.oidc_config import providers
from tests.core.identity.oidc_provider import TestProvider


@pytest.fixture(scope="module")
def provider():
    server = TestProvider().start()
    yield server
    server.stop()


@pytest.fixture
def idp(provider, settings):
    provider.reset()
    settings.PARVIS_OIDC_PROVIDERS = [provider.config()]
    return provider


@pytest.fixture
def client_of(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client
    return make


def authorize(idp, location: str) -> str:
    """Play the browser at the provider: GET the authorize URL, return where it sends us."""
    parts = urllib.parse.urlsplit(location)
    assert parts.hostname == "127.0.0.1" and parts.path == "/authorize"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        assert response.status == 302, response.read()
        return response.getheader("Location")
    finally:
        connection.close()


def start(client) -> str:
    response = client.post(reverse("identity:oidc_start", args=["testid"]))
    assert response.status_code == 302, response.content
    return response["Location"]


def callback_path(url: str, **changes) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(changes)
    return f"{parts.path}?{urllib.parse.urlencode(query)}"


def run_flow(client, idp, **changes):
    callback = authorize(idp, start(client))
    return client.get(callback_path(callback, **changes)), callback


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_start_page_explains_and_the_flow_sends_pkce_state_and_nonce(idp, client_of, person):
    client = client_of(person)
    page = client.get(reverse("identity:oidc_start", args=["testid"]))
    assert page.status_code == 200 and "Continuer vers Identité Test" in page.content.decode()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start(client)).query))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 40 and len(query["nonce"]) >= 40
    assert query["redirect_uri"] == "http://testserver/identity/oidc/testid/callback/"
    assert query["scope"] == "openid birthdate address"


def test_successful_flow_verifies_with_minimal_data(idp, client_of, person):
    client = client_of(person)
    response, _callback = run_flow(client, idp)
    assert response.status_code == 302 and response["Location"] == reverse("identity:status")
    assert messages_of(response) == ["Merci : votre compte est vérifié par Identité Test."]
    verification = Verification.objects.get(user=person)
    assert verification.method == "oidc:testid"
    assert set(verification.proves) == {"identity", "age", "residence"}
    assert verification.birth_date == date(1990, 7, 14) and verification.areas == ["35190"]
    assert verification.identity_level == 3 and len(verification.subject_hash) == 64
    assert "personne-42" not in verification.subject_hash
    assert verification.expires_at - verification.verified_at == timedelta(days=365)
    # The provider saw the PKCE verifier and the client secret; the names were not kept.
    token_request = next(params for path, params in idp.requests if path == "/token")
    assert token_request["code_verifier"] and token_request["client_id"] == "parvis-test"
    stored = str(list(Verification.objects.values()))
    assert "Camille" not in stored and "Martin" not in stored


def test_client_secret_basic_authentication(idp, client_of, person, settings):
    settings.PARVIS_OIDC_PROVIDERS = [idp.config(token_auth_method="client_secret_basic")]
    response, _ = run_flow(client_of(person), idp)
    assert Verification.objects.filter(user=person).exists(), messages_of(response)


def refused(response, person, text: str) -> None:
    assert response.status_code == 302 and response["Location"] == reverse("identity:status")
    assert any(text in message for message in messages_of(response)), messages_of(response)
    assert not Verification.objects.filter(user=person).exists()


def test_a_bad_state_is_refused(idp, client_of, person):
    response, _ = run_flow(client_of(person), idp, state="forged-state")
    refused(response, person, "ne correspond à aucune demande en cours")


def test_a_replayed_callback_is_refused(idp, client_of, person):
    client = client_of(person)
    first, callback = run_flow(client, idp)
    assert Verification.objects.filter(user=person).count() == 1
    again = client.get(callback_path(callback))
    assert any("aucune demande en cours" in m for m in messages_of(again))
    assert Verification.objects.filter(user=person).count() == 1


def test_a_reused_code_in_a_new_flow_is_refused(idp, client_of, person, neighbour):
    _first, callback = run_flow(client_of(person), idp)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["code"]
    # An attacker injects the spent code into their own, fresh flow.
    attacker = client_of(neighbour)
    fresh = authorize(idp, start(attacker))
    response = attacker.get(callback_path(fresh, code=code))
    refused(response, neighbour, "déjà été utilisée")


def test_a_code_the_provider_refuses_verifies_nobody(idp, client_of, person):
    client = client_of(person)
    callback = authorize(idp, start(client))
    response = client.get(callback_path(callback, code="invented-code"))
    refused(response, person, "a refusé la demande")


def test_a_wrong_nonce_is_refused(idp, client_of, person):
    idp.claim_changes = {"nonce": "another-nonce"}
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "ne correspond pas à cette demande")


def test_a_missing_nonce_is_refused(idp, client_of, person):
    idp.claim_changes = {"nonce": None}
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "n'est pas valide")


def test_a_bad_signature_is_refused(idp, client_of, person):
    idp.sign_with_rogue_key = True
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "n'est pas valide")
    # The keys were fetched again once (rotation), then the token was still refused.
    assert [path for path, _p in idp.requests].count("/jwks") == 2


def test_an_unsigned_token_is_refused(idp, client_of, person):
    idp.unsigned = True
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "n'est pas valide")


def test_an_expired_token_is_refused(idp, client_of, person):
    now = int(time.time())
    idp.claim_changes = {"iat": now - 7200, "exp": now - 3600}
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "a expiré")


@pytest.mark.parametrize("claims", [{"aud": "someone-else"}, {"iss": "https://evil.example"},
                                    {"aud": ["parvis-test", "other"]}, {"iat": int(time.time()) + 3600},
                                    {"acr": "eidas0"}])
def test_wrong_claims_are_refused(idp, client_of, person, settings, claims):
    settings.PARVIS_OIDC_PROVIDERS = [idp.config(acr_values="eidas1")]
    idp.claim_changes = claims
    response, _ = run_flow(client_of(person), idp)
    assert not Verification.objects.filter(user=person).exists(), messages_of(response)
    assert messages_of(response)


def test_a_provider_error_is_reported(idp, client_of, person):
    client = client_of(person)
    callback = authorize(idp, start(client))
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))["state"]
    response = client.get(reverse("identity:oidc_callback", args=["testid"]) + f"?error=access_denied&state={state}")
    refused(response, person, "interrompue par le fournisseur")


def test_a_flow_left_too_long_is_refused(idp, client_of, person):
    client = client_of(person)
    callback = authorize(idp, start(client))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.get(callback_path(callback))
    refused(response, person, "La demande a expiré")


def test_the_same_identity_on_a_second_account_is_refused_and_queued(idp, client_of, person, neighbour, commune):
    run_flow(client_of(person), idp)
    response, _ = run_flow(client_of(neighbour), idp)
    refused(response, neighbour, "déjà rattachée à un autre compte")
    case = ConflictCase.objects.get()
    assert (case.claimant, case.holder, case.method) == (neighbour, person, "oidc:testid")
    assert case.subject_hash == Verification.objects.get(user=person).subject_hash


def test_a_slow_provider_times_out(idp, client_of, person, settings):
    settings.PARVIS_OIDC_PROVIDERS = [idp.config(timeout=0.3)]
    idp.token_delay = 1.0
    started = time.monotonic()
    response, _ = run_flow(client_of(person), idp)
    refused(response, person, "ne répond pas")
    assert time.monotonic() - started < 5


def test_redirects_from_the_provider_are_not_followed(idp, client_of, person):
    idp.discovery_redirect = "http://169.254.169.254/latest/meta-data/"
    response = client_of(person).post(reverse("identity:oidc_start", args=["testid"]))
    assert response["Location"] == reverse("identity:status")
    assert any("a refusé la demande" in m for m in messages_of(response))


def test_plain_http_is_refused_unless_loopback_and_allowed(idp, settings):
    for url in ("http://example.org/.well-known/openid-configuration", "ftp://127.0.0.1/x",
                "file:///etc/passwd", "http://10.0.0.1/x", ""):
        with pytest.raises(oidc.OIDCError):
            oidc.check_url(url)
    assert oidc.check_url("https://idp.example/x") == "https://idp.example/x"
    assert oidc.check_url(f"{idp.issuer}/jwks") == f"{idp.issuer}/jwks"
    settings.PARVIS_OIDC_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(oidc.OIDCError, match="adresse non sécurisée"):
        oidc.discovery(providers()["testid"])


def test_an_issuer_mismatch_in_discovery_is_refused(idp, settings):
    settings.PARVIS_OIDC_PROVIDERS = [idp.config(issuer=idp.issuer + "/autre",
                                                 discovery_url=idp.issuer + "/.well-known/openid-configuration")]
    with pytest.raises(oidc.OIDCError, match="ne s'identifie pas"):
        oidc.discovery(providers()["testid"])


def test_unknown_provider_is_404_and_anonymous_visitors_sign_in_first(idp, client_of, person):
    assert client_of(person).get(reverse("identity:oidc_start", args=["nope"])).status_code == 404
    response = Client().post(reverse("identity:oidc_start", args=["testid"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_provider_is_offered_as_a_verification_method(idp, client_of, person):
    page = client_of(person).get(reverse("identity:status")).content.decode()
    assert reverse("identity:oidc_start", args=["testid"]) in page and "Identité Test" in page
