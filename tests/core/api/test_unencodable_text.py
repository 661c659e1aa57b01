"""Text UTF-8 cannot encode (a lone half of a UTF-16 surrogate pair) is refused at the door with
a 400 that says where, in the API's error format or as a page that keeps what was typed; it
never reaches a view, the database or a template (it used to answer 500)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.test import Client

from core.api.models import ApiToken
from plugins.petitions.models import Signature
from tests.gates.harness import utf7_multipart

pytestmark = pytest.mark.django_db


def unencodable(response) -> dict:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "unencodable_text" and "UTF-16" in error["message"], error
    return error


def test_signing_with_an_escaped_lone_surrogate_in_the_name_is_a_400(open_petition):
    body = '{"name": "A\\ud800B", "email": "lea@example.org", "consent": true}'
    response = Client().post(f"/api/v1/petitions/{open_petition.pk}/sign", body, content_type="application/json")
    assert unencodable(response)["details"] == [{"location": ["body", "name"]}]
    assert not Signature.objects.exists()


def test_the_bytes_of_a_surrogate_in_a_json_body_are_refused_too(open_petition):
    body = b'{"name": "L\xc3\xa9a \xed\xa0\x80", "email": "lea@example.org", "consent": true}'
    response = Client().post(f"/api/v1/petitions/{open_petition.pk}/sign", body, content_type="application/json")
    assert unencodable(response)["details"] == [{"location": ["body", "name"]}]
    assert not Signature.objects.exists()


def test_confirming_with_a_lone_surrogate_token_is_a_400_in_english_too(open_petition):
    response = Client().post("/api/v1/petitions/confirm", json.dumps({"token": "\ud800"}),
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    error = unencodable(response)
    assert error["details"] == [{"location": ["body", "token"]}]
    assert error["message"].startswith("The text sent contains characters that cannot be stored")


def test_nested_keys_and_items_are_located(open_petition):
    body = json.dumps({"name": "Léa", "extra": {"tags": ["ok", "\udfff"]}, "\ud83d": 1})
    response = Client().post("/api/v1/petitions/confirm", body, content_type="application/json")
    assert unencodable(response)["details"] == [{"location": ["body", "extra", "tags", "1"]},
                                                {"location": ["body", "\ufffd"]}]


def test_a_query_string_decoded_to_a_lone_surrogate_is_a_400():
    # Django decodes the query string with the charset the request declares.
    response = Client().get("/api/v1/petitions/?category=A%2B2AA-B", CONTENT_TYPE="text/plain; charset=utf-7")
    assert unencodable(response)["details"] == [{"location": ["query", "category"]}]


def test_text_that_encodes_goes_through_untouched(open_petition):
    body = json.dumps({"name": "Léa 👩🏽‍🦯 \\ud800 as text", "email": "lea@example.org", "consent": True})
    response = Client().post(f"/api/v1/petitions/{open_petition.pk}/sign", body, content_type="application/json")
    assert response.status_code == 202, response.content


def test_a_form_is_refused_with_a_page_that_keeps_everything_else_typed(client, citizen):
    client.force_login(citizen)
    body, content_type = utf7_multipart({"name": "Tableau\ud800 du quartier", "scopes": "read", "lifetime": "30"})
    response = client.generic("POST", "/compte/api/", body, content_type=content_type)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'role="alert"' in html and "UTF-16" in html and 'aria-invalid="true"' in html
    assert re.search(r'<form method="post" action="/compte/api/">', html)
    assert '<input type="hidden" name="scopes" value="read">' in html
    assert '<input type="hidden" name="lifetime" value="30">' in html
    textarea = re.search(r'<textarea[^>]*name="name"[^>]*>([^<]*)</textarea>', html)
    assert textarea and unescape(textarea.group(1)) == "Tableau\ufffd du quartier"
    assert not ApiToken.objects.exists()
    # Sent again once corrected, as the page's form does:
    again = client.post("/compte/api/", {"name": "Tableau du quartier", "scopes": "read", "lifetime": "30"})
    assert again.status_code == 200 and ApiToken.objects.filter(name="Tableau du quartier").exists()


def test_a_page_with_a_lone_surrogate_in_its_query_string_says_so(client, citizen):
    response = client.get("/compte/api/?page=2&q=%2B2AA-", CONTENT_TYPE="text/plain; charset=utf-7")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and 'href="/compte/api/?page=2"' in html


def test_a_form_body_sent_to_a_json_endpoint_is_still_read_by_the_endpoint(open_petition):
    # The check parses the form; the endpoint must still be able to read the raw body.
    response = Client().post(f"/api/v1/petitions/{open_petition.pk}/sign", {"name": "Léa"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"


def test_the_page_sends_the_form_back_to_a_path_on_this_site(client, citizen):
    # "//elsewhere.example/x" as a form action would send the typed text and a CSRF token away.
    client.force_login(citizen)
    body, content_type = utf7_multipart({"name": "Tableau\ud800"})
    response = client.generic("POST", "/compte/api/", body, content_type=content_type,
                              PATH_INFO="//elsewhere.example/compte/api/")
    html = response.content.decode()
    assert response.status_code == 400 and 'action="/elsewhere.example/compte/api/"' in html
    assert 'action="//' not in html


def test_a_large_json_body_outside_the_api_is_left_to_its_view(client):
    # The inboxes refuse bodies over 256 KiB themselves, before parsing: the check does not
    # parse them first (a surrogate escape in such a body is not reported here).
    body = '{"type": "Note", "content": "\\ud800' + "x" * (300 * 1024) + '"}'
    response = client.post("/federation/inbox", body, content_type="application/activity+json")
    assert response.status_code == 413
