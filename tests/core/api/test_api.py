"""The core of the public API: organisations and spaces per host, pagination, errors, tokens
(model, authentication, scopes), the token page of the account area and its personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from core.api import tokens
from core.api.models import ApiToken
from core.api.pagination import MAX_PAGE_SIZE
from core.models import Organisation
from core.plugin_host import call_each
from core.plugins import ApiRouter
from tests.conftest import make_space, make_user

pytestmark = pytest.mark.django_db


def site_for(organisation, hostname: str) -> str:
    organisation.site = Site.objects.create(hostname=hostname, port=80, root_page=Page.get_first_root_node())
    organisation.save()
    return hostname


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"]
    return body["error"]


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- The hook -------------------------------------------------------------------------------


def test_plugins_mount_their_routers_through_the_api_routers_hook():
    routers = dict(call_each("api_routers"))
    petitions = routers["petitions"]
    assert all(isinstance(r, ApiRouter) for r in petitions)
    assert petitions[0].prefix == "petitions" and "petitions:sign" in {s.key for s in petitions[0].scopes}
    assert "petitions:sign" in tokens.known_scopes() and "read" in tokens.known_scopes()


def test_the_openapi_document_lists_core_and_plugin_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/organisations", "/api/v1/spaces/{slug}", "/api/v1/petitions/",
            "/api/v1/petitions/{petition_id}/sign", "/api/v1/petitions/confirm"} <= set(paths)
    assert "BearerToken" in response.json()["components"]["securitySchemes"]


# --- Organisations and spaces per host -----------------------------------------------------------


def test_an_organisation_host_shows_only_its_organisation_and_its_published_spaces(client, commune, association):
    site_for(commune, "saint-aubin.example")
    make_space(commune, "centre-bourg")
    make_space(commune, "brouillon", published=False)
    make_space(association, "air-pur")
    host = {"HTTP_HOST": "saint-aubin.example"}

    organisations = client.get("/api/v1/organisations", **host).json()
    assert [o["slug"] for o in organisations["results"]] == ["saint-aubin"]
    spaces = client.get("/api/v1/spaces", **host).json()
    assert [s["slug"] for s in spaces["results"]] == ["centre-bourg"]
    assert error_of(client.get("/api/v1/spaces/air-pur", **host))["code"] == "not_found"
    assert client.get("/api/v1/spaces/brouillon", **host).status_code == 404
    assert client.get("/api/v1/organisations/collectif-air", **host).status_code == 404
    detail = client.get("/api/v1/spaces/centre-bourg", **host).json()
    assert detail["phases"][0]["title"] == "Contributions" and detail["organisations"] == ["saint-aubin"]


def test_the_instance_host_shows_every_organisation_and_published_space(client, commune, association):
    make_space(commune, "centre-bourg")
    make_space(association, "air-pur")
    make_space(association, "brouillon", published=False)
    assert {o["slug"] for o in client.get("/api/v1/organisations").json()["results"]} == {
        "saint-aubin", "collectif-air"}
    assert {s["slug"] for s in client.get("/api/v1/spaces").json()["results"]} == {"centre-bourg", "air-pur"}
    only = client.get("/api/v1/spaces", {"organisation": "collectif-air"}).json()["results"]
    assert [s["slug"] for s in only] == ["air-pur"]


# --- Pagination and errors -------------------------------------------------------------------------


def _organisations(n: int) -> None:
    start = Organisation.objects.count()
    Organisation.objects.bulk_create(Organisation(name=f"Commune {i:04d}", slug=f"commune-{i}")
                                     for i in range(start, start + n))


def test_pages_are_clamped_and_a_page_past_the_end_is_empty(client):
    _organisations(130)
    first = client.get("/api/v1/organisations").json()
    assert (first["count"], first["page_size"], first["pages"], len(first["results"])) == (130, 20, 7, 20)
    big = client.get("/api/v1/organisations", {"page_size": 1000}).json()
    assert big["page_size"] == MAX_PAGE_SIZE and len(big["results"]) == MAX_PAGE_SIZE
    assert client.get("/api/v1/organisations", {"page_size": 0}).json()["page_size"] == 1
    second = client.get("/api/v1/organisations", {"page": 2, "page_size": 100}).json()
    assert len(second["results"]) == 30
    huge = client.get("/api/v1/organisations", {"page": "9" * 30})
    assert huge.status_code == 200 and huge.json()["results"] == []
    assert error_of(client.get("/api/v1/organisations", {"page": 0}))["code"] == "invalid"
    assert client.get("/api/v1/organisations", {"page": "deux"}).status_code == 422


def test_list_queries_do_not_grow_with_the_number_of_items(client, commune):
    def count_queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": 100}).status_code == 200
        return len(ctx.captured_queries)

    for i in range(5):
        make_space(commune, f"espace-{i}")
    _organisations(5)
    few = count_queries("/api/v1/spaces"), count_queries("/api/v1/organisations")
    for i in range(5, 60):
        make_space(commune, f"espace-{i}")
    _organisations(80)
    assert (count_queries("/api/v1/spaces"), count_queries("/api/v1/organisations")) == few


def test_every_refusal_has_the_common_error_format(client):
    unknown = client.get("/api/v1/organisations", {"colour": "rouge"})
    assert unknown.status_code == 400
    error = error_of(unknown)
    assert error["code"] == "unknown_parameter" and "colour" in error["message"]
    assert error_of(client.get("/api/v1/pas-ici"))["code"] == "not_found"
    not_allowed = client.post("/api/v1/organisations")
    assert not_allowed.status_code == 405 and error_of(not_allowed)["code"] == "method_not_allowed"
    assert client.post("/api/v1/").status_code == 405
    assert error_of(client.get("/api/v1/me"))["code"] == "unauthorized"


# --- Tokens ------------------------------------------------------------------------------------------


def test_only_the_hash_of_a_token_is_stored(citizen):
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    stored = ApiToken.objects.get()
    assert new.raw.startswith("pvs_") and new.raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.token_hash == tokens.hash_token(new.raw) and new.raw.startswith(stored.prefix)
    assert stored.expires_at > timezone.now() + timedelta(days=89)
    with pytest.raises(ValueError):
        tokens.create_token(citizen, name="Script", scopes=["everything"])


def test_a_token_authenticates_its_owner_and_records_its_use(client, citizen):
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    response = client.get("/api/v1/me", **bearer(new.raw))
    assert response.status_code == 200
    assert response.json() == {"id": citizen.pk, "display_name": citizen.display_name, "scopes": ["read"]}
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired", "inactive owner", "not bearer"])
def test_unusable_tokens_answer_401_everywhere(client, citizen, state):
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    header = bearer(new.raw)
    if state == "unknown":
        header = bearer("pvs_" + "x" * 43)
    elif state == "revoked":
        assert tokens.revoke_token(citizen, new.token.pk)
    elif state == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "inactive owner":
        type(citizen).objects.filter(pk=citizen.pk).update(is_active=False)
    else:
        header = {"HTTP_AUTHORIZATION": f"Token {new.raw}"}
    for url in ("/api/v1/me", "/api/v1/organisations"):
        response = client.get(url, **header)
        assert response.status_code == 401, (url, response.content)
        assert error_of(response)["code"] in {"invalid_token", "unauthorized"}


def test_a_token_without_the_scope_is_refused(client, citizen):
    new = tokens.create_token(citizen, name="Script", scopes=["petitions:sign"])
    response = client.get("/api/v1/me", **bearer(new.raw))
    assert response.status_code == 403
    assert error_of(response)["code"] == "insufficient_scope"


def test_a_session_does_not_replace_a_token_where_one_is_required(client, citizen):
    client.force_login(citizen)
    assert client.get("/api/v1/me").status_code == 401


def test_nobody_revokes_someone_else_s_token(citizen, db):
    other = make_user("autre@example.org")
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    assert not tokens.revoke_token(other, new.token.pk)
    assert ApiToken.objects.usable().count() == 1


# --- The token page ------------------------------------------------------------------------------


def test_the_token_page_creates_a_token_shown_once(client, citizen):
    assert client.get("/compte/api/").status_code == 302  # anonymous: to the login page
    client.force_login(citizen)
    response = client.post("/compte/api/", {"name": "Mon tableau", "scopes": ["read", "petitions:sign"],
                                             "lifetime": "30"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=citizen)
    page = response.content.decode()
    raw = page.split('id="new-token" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert tokens.hash_token(raw) == token.token_hash and token.scopes == ["petitions:sign", "read"]
    assert raw not in client.get("/compte/api/").content.decode()  # never shown again
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_the_token_page_refuses_bad_input_with_a_message(client, citizen):
    client.force_login(citizen)
    response = client.post("/compte/api/", {"name": "   ", "scopes": ["admin"], "lifetime": "7"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_token_page_lists_only_one_s_own_tokens(client, citizen):
    other = make_user("autre@example.org")
    tokens.create_token(other, name="Jeton d'autrui", scopes=["read"])
    tokens.create_token(citizen, name="Le mien", scopes=["read"])
    client.force_login(citizen)
    page = client.get("/compte/api/").content.decode()
    assert "Le mien" in page and "Jeton d&#x27;autrui" not in page and "Jeton d'autrui" not in page


def test_the_token_page_caps_the_number_of_usable_tokens(client, citizen):
    for i in range(tokens.MAX_TOKENS):
        tokens.create_token(citizen, name=f"Jeton {i}", scopes=["read"])
    client.force_login(citizen)
    response = client.post("/compte/api/", {"name": "Un de trop", "scopes": ["read"], "lifetime": "30"})
    assert response.status_code == 400 and ApiToken.objects.count() == tokens.MAX_TOKENS


@pytest.mark.parametrize("role", ["anonymous", "owner", "other", "moderator", "agent", "official", "admin",
                                  "foreign_admin"])
def test_only_the_owner_revokes_a_token(client, citizen, moderator, agent, official, commune_admin,
                                        foreign_admin, role):
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    users = {"owner": citizen, "other": make_user("autre@example.org"), "moderator": moderator, "agent": agent,
             "official": official, "admin": commune_admin, "foreign_admin": foreign_admin}
    if role != "anonymous":
        client.force_login(users[role])
    response = client.post(f"/compte/api/{new.token.pk}/revoquer/")
    expected = {"anonymous": 302, "owner": 302}.get(role, 404)
    assert response.status_code == expected
    assert (ApiToken.objects.get().revoked_at is not None) == (role == "owner")
    assert client.get(f"/compte/api/{new.token.pk}/revoquer/").status_code == 405


def test_token_forms_need_the_csrf_token(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    assert client.post("/compte/api/", {"name": "X", "scopes": ["read"], "lifetime": "30"}).status_code == 403
    assert client.post(f"/compte/api/{new.token.pk}/revoquer/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.usable().count() == 1


# --- Personal data -----------------------------------------------------------------------------------


def test_tokens_are_exported_without_their_value_and_erased_with_the_account(citizen):
    from core.privacy import erase_user, export_user_data

    new = tokens.create_token(citizen, name="Script", scopes=["read"])
    exported = export_user_data(citizen)
    text = json.dumps(exported, default=str)
    assert "Script" in text and new.raw not in text and new.token.token_hash not in text
    erase_user(citizen)
    assert not ApiToken.objects.exists()
