"""The signing page's markup: every field's description and errors are where its
``aria-describedby`` says, so that screen readers read them with the field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from plugins.petitions.models import PetitionSettings


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described[attrs.get("name") or tag] = attrs["aria-describedby"].split()


def references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("postcode", [False, True])
def test_every_aria_describedby_of_the_signing_form_points_at_an_element(client, box, open_petition, postcode):
    PetitionSettings.objects.filter(component=box).update(collect_postcode=postcode)
    url = f"/petitions/{open_petition.pk}/sign/"
    blank = references(client.get(url).content.decode())
    assert blank.described["email"] == ["id_email_helptext"]  # the e-mail field has a description
    # Sent empty: every required field is in error, and its error is described too.
    refused = client.post(url, {"email": "pas-une-adresse"})
    assert refused.status_code == 400
    errors = references(refused.content.decode())
    assert {"name", "email", "consent"} <= errors.described.keys()
    assert "id_email_error" in errors.described["email"]
    for page in (blank, errors):
        for field, ids in page.described.items():
            missing = [i for i in ids if i not in page.ids]
            assert not missing, f"{field} is described by {missing}, which the page does not have"
