"""The back-office: an administrator sees the plugins and creates a space with phases."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from core.models import Space
from tests.conftest import make_user


def test_administrator_sees_the_built_in_plugins(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("parvis_plugins")).content.decode()
    for slug in ("petitions", "participatory_budget", "mapping", "qa_elus"):
        assert f"<code>{slug}</code>" in html


def test_plugin_list_is_for_administrators_only(client, commune):
    staff = make_user("agent@example.org", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("parvis_plugins")).status_code in {302, 403}


def test_administrator_creates_a_space_with_phases(client, superuser, commune):
    client.force_login(superuser)
    url = reverse("wagtailsnippets_core_space:add")
    data = nested_form_data({
        "title": "Budget participatif 2027",
        "slug": "bp-2027",
        "summary": "Proposez, votez.",
        "organisations": [commune.pk],
        "is_published": "on",
        "phases": inline_formset([
            {"title": "Propositions", "description": "", "starts_at": "2027-01-01 00:00", "ends_at": "2027-02-01 00:00"},
            {"title": "Vote", "description": "", "starts_at": "2027-03-01 00:00", "ends_at": "2027-03-31 00:00"},
        ]),
    })
    data["organisations"] = [commune.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    space = Space.objects.get(slug="bp-2027")
    assert list(space.organisations.all()) == [commune]
    assert [p.title for p in space.phases.order_by("sort_order")] == ["Propositions", "Vote"]


def test_a_phase_ending_before_it_starts_is_refused(client, superuser, commune):
    client.force_login(superuser)
    data = nested_form_data({
        "title": "Mauvaises dates", "slug": "mauvaises-dates", "summary": "",
        "organisations": [commune.pk],
        "phases": inline_formset([
            {"title": "À l'envers", "description": "", "starts_at": "2027-02-01 00:00", "ends_at": "2027-01-01 00:00"},
        ]),
    })
    data["organisations"] = [commune.pk]
    response = client.post(reverse("wagtailsnippets_core_space:add"), data)
    assert response.status_code == 200
    assert not Space.objects.filter(slug="mauvaises-dates").exists()
    assert "La fin doit être postérieure au début." in response.content.decode()


def test_an_organisation_adds_a_reason_to_its_moderation_charter(client, superuser, commune):
    from core.moderation.models import ModerationReason
    from core.moderation.services import charter

    client.force_login(superuser)
    response = client.post(reverse("wagtailsnippets_moderation_moderationreason:add"), {
        "organisation": commune.pk, "code": "elections", "label": "Propagande électorale",
        "description": "Pas de campagne électorale ici.", "is_active": "on", "sort_order": 9,
    })
    assert response.status_code == 302
    assert ModerationReason.objects.get(code="elections").organisation == commune
    assert "elections" in [r.code for r in charter(commune)]
