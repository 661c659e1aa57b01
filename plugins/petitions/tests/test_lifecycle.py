"""A petition from creation to answer, through the public pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core.contributions.models import StatusChange
from plugins.petitions import services
from plugins.petitions import workflow as states
from plugins.petitions.models import Petition
from tests.conftest import make_user


def test_citizen_creates_gets_sponsors_then_moderation_opens_it(client, box, citizen_author, moderator):
    client.force_login(citizen_author)
    response = client.post(f"/petitions/c/{box.pk}/new/", {
        "title": "Un marché de producteurs le samedi", "text": "Sur la place de la mairie.",
        "category": "Commerce", "territory": "Centre-bourg",
    })
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.status == states.AWAITING_SPONSORS
    for i in range(2):
        supporter = make_user(f"soutien{i}@example.org")
        client.force_login(supporter)
        assert client.post(f"/petitions/{petition.pk}/sponsor/").status_code == 302
    petition.refresh_from_db()
    assert petition.status == states.UNDER_MODERATION
    client.force_login(moderator)
    assert client.post(f"/petitions/{petition.pk}/accept/").status_code == 302
    petition.refresh_from_db()
    assert petition.status == states.OPEN and petition.closes_at is not None
    history = list(StatusChange.objects.filter(contribution=petition.contribution).values_list("new_status", flat=True))
    assert history == [states.UNDER_MODERATION, states.OPEN]
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "ouverte à la signature" in page


def test_rejection_needs_a_public_reason_shown_on_the_page(client, box, citizen_author, moderator):
    box.petition_settings.sponsors_required = 0
    box.petition_settings.save()
    petition = services.create_petition(box, author=citizen_author, title="Interdire les chiens", text="…")
    assert petition.status == states.UNDER_MODERATION
    client.force_login(moderator)
    client.post(f"/petitions/{petition.pk}/reject/", {"reason": ""})
    petition.refresh_from_db()
    assert petition.status == states.UNDER_MODERATION
    client.post(f"/petitions/{petition.pk}/reject/", {"reason": "Contraire à la charte : propos discriminatoires."})
    petition.refresh_from_db()
    assert petition.status == states.REJECTED
    assert "Contraire à la charte" in client.get(petition.get_absolute_url()).content.decode()


def test_sponsoring_rules(box, citizen_author):
    petition = services.create_petition(box, author=citizen_author, title="Des toilettes publiques", text="…")
    with pytest.raises(ValidationError):
        services.sponsor(petition, citizen_author)
    supporter = make_user("s@example.org")
    services.sponsor(petition, supporter)
    with pytest.raises(ValidationError):
        services.sponsor(petition, supporter)


def test_only_staff_launch_on_behalf_of_the_organisation(box, citizen_author):
    with pytest.raises(PermissionDenied):
        services.create_petition(box, author=citizen_author, title="Au nom de la mairie", text="…",
                                 on_behalf_of_organisation=True)


@pytest.mark.parametrize(("who", "status"), [
    (None, 302), ("citizen_author", 403), ("agent", 403), ("foreign_admin", 403), ("moderator", 302),
])
def test_accept_permissions(request, client, box, citizen_author, who, status):
    box.petition_settings.sponsors_required = 0
    box.petition_settings.save()
    petition = services.create_petition(box, author=citizen_author, title="Un skate-park", text="…")
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.post(f"/petitions/{petition.pk}/accept/").status_code == status
    petition.refresh_from_db()
    assert (petition.status == states.OPEN) is (who == "moderator")


def test_deadline_closes_the_petition(open_petition):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    assert services.close_due_petitions() == 0
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.close_due_petitions() == 1
    open_petition.refresh_from_db()
    open_petition.contribution.refresh_from_db()
    assert open_petition.status == states.CLOSED


def test_response_is_published_and_signers_who_asked_are_told(
    client, open_petition, agent, moderator, django_capture_on_commit_callbacks
):
    from plugins.petitions.models import Signature

    with django_capture_on_commit_callbacks(execute=True):
        for i, wants in enumerate([True, False, True, True]):
            request = services.sign(open_petition, name=f"Signataire {i}", email=f"s{i}@example.org", wants_updates=wants)
            services.confirm_signature(request.token)
        # Signatures that no longer count are not told: one invalidated as fraud, one withdrawn.
        services.invalidate_signatures(open_petition, Signature.objects.filter(email="s2@example.org"),
                                       reason_code="fraud", by=moderator)
        services.withdraw_signature(request.token)
    mail.outbox.clear()
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/petitions/{open_petition.pk}/respond/", {
            "body": "Le conseil municipal adopte l'extinction nocturne dès janvier.",
            "signature": "Jeanne Maire, maire", "debated": "on",
        })
    assert response.status_code == 302
    open_petition.contribution.refresh_from_db()
    assert open_petition.contribution.status == states.DEBATED
    to = [m.to for m in mail.outbox if "Suite donnée" in m.subject]
    assert to == [["s0@example.org"]]
    page = client.get(open_petition.get_absolute_url()).content.decode()
    assert "Jeanne Maire, maire" in page and "débattue en conseil" in page


def test_a_refused_staff_form_comes_back_with_its_fields_marked(client, box, citizen_author, moderator, agent, open_petition):
    box.petition_settings.sponsors_required = 0
    box.petition_settings.save()
    petition = services.create_petition(box, author=citizen_author, title="Interdire les trottinettes", text="…")
    client.force_login(moderator)
    response = client.post(f"/petitions/{petition.pk}/reject/", {"reason": "   "})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="reject-reason" name="reason"' in page and 'aria-invalid="true"' in page
    assert "Le motif du refus est publié : il est obligatoire." in page
    client.force_login(agent)
    response = client.post(f"/petitions/{open_petition.pk}/respond/", {"body": "", "signature": "<b>Maire</b>"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="respond-body-error"' in page
    assert 'value="&lt;b&gt;Maire&lt;/b&gt;"' in page  # what was typed is kept, escaped
    open_petition.contribution.refresh_from_db()
    assert open_petition.contribution.status == states.OPEN


def test_demo_petition_has_online_and_paper_signatures(space, commune, association, agent):
    from core.participation.services import channel_counts
    from core.plugins import DemoContext
    from plugins.petitions import demo
    from plugins.petitions.models import Petition

    demo.load_demo(DemoContext(commune=commune, association=association,
                               spaces={"commune": space}, admin=agent))
    petition = Petition.objects.get()
    assert petition.is_open
    counts = channel_counts(petition.subject_key)
    assert (counts["web"], counts["paper"]) == (len(demo.SIGNERS), demo.PAPER_SIGNATURES)
    petition.refresh_from_db()
    assert (petition.count_web, petition.count_paper) == (len(demo.SIGNERS), demo.PAPER_SIGNATURES)


def test_demo_signers_are_verified_residents_where_the_space_has_rules(space, commune, association, agent):
    from core.identity.models import EligibilityRule
    from core.participation.models import ParticipationRecord
    from core.participation.services import channel_counts
    from core.plugins import DemoContext
    from plugins.petitions import demo
    from plugins.petitions.models import Petition

    EligibilityRule.objects.create(space=space, residence_areas=commune.name, min_age=16)
    demo.load_demo(DemoContext(commune=commune, association=association,
                               spaces={"commune": space}, admin=agent))
    petition = Petition.objects.get()
    counts = channel_counts(petition.subject_key)
    assert (counts["web"], counts["paper"]) == (len(demo.SIGNERS), demo.PAPER_SIGNATURES)
    web = ParticipationRecord.objects.filter(subject_key=petition.subject_key, channel="web")
    assert not web.filter(user__isnull=True).exists()


def test_demo_petition_shows_its_signatures_on_the_map(client, space, commune, association, agent):
    from core.plugins import DemoContext
    from plugins.mapping import hooks as mapping_hooks
    from plugins.mapping.testing import map_markers
    from plugins.petitions import demo
    from plugins.petitions.models import Petition

    context = DemoContext(commune=commune, association=association, spaces={"commune": space}, admin=agent)
    mapping_hooks.demo_data(context)
    demo.load_demo(context)
    petition = Petition.objects.get()
    markers = map_markers(client.get(petition.get_absolute_url()).content.decode())
    by_postcode = {}
    for _name, _public, postcode in demo.SIGNERS:
        by_postcode[postcode] = by_postcode.get(postcode, 0) + 1
    assert sorted(m["weight"] for m in markers) == sorted(by_postcode.values()) == [10, 14]
