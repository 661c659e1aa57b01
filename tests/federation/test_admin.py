"""The federation's back-office screen: instance agreements approved or refused, policies and
domain rules edited, every change in the audit log; only the instance's administrators; the
public page of partners and blocked servers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.testing import make_user
from federation.actors import instance_actor
from federation.models import Activity, Actor, DomainRule, Follow, Policy, PolicyChange

pytestmark = pytest.mark.django_db

ADMIN = "/admin/federation/"


@pytest.fixture
def agreement(federation_settings, monkeypatch):
    """partner.example's instance asked for an agreement; it waits for a decision."""
    monkeypatch.setattr("federation.outbox._kick_dispatcher", lambda: None)
    peer = Actor.objects.create(uri="https://partner.example/actor", domain="partner.example",
                                kind=Actor.Kind.APPLICATION, inbox="https://partner.example/inbox")
    return Follow.objects.create(follower=peer, followed=instance_actor(), state=Follow.State.PENDING,
                                 activity_uri="https://partner.example/activities/1")


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["anonymous", "citizen", "other_citizen", "moderator", "agent", "official", "commune_admin",
         "foreign_admin"]


@pytest.fixture
def role_user(request, db, commune, association):
    name = request.param
    if name == "anonymous":
        return None
    if name == "other_citizen":
        return make_user("autre@example.org")
    return request.getfixturevalue(name)


@pytest.mark.parametrize("role_user", ROLES, indirect=True)
def test_only_instance_administrators_reach_the_screen_or_change_anything(client, role_user, agreement):
    client = _as(client, role_user)
    assert client.get(ADMIN).status_code in (302, 403)
    posts = [
        (f"{ADMIN}accords/{agreement.pk}/approuver/", {}),
        (f"{ADMIN}accords/{agreement.pk}/refuser/", {}),
        (f"{ADMIN}regles/", {"mode": "open"}),
        (f"{ADMIN}domaines/", {"domain": "evil.example", "kind": "block"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403), url
        response = client.post(url, data, follow=True)
        assert not response.redirect_chain or "/admin/federation/" != response.redirect_chain[-1][0]
    agreement.refresh_from_db()
    assert agreement.state == Follow.State.PENDING
    assert not Policy.objects.exists() and not DomainRule.objects.exists()
    assert not PolicyChange.objects.exists() and not Activity.objects.filter(type__in=["Accept", "Reject"]).exists()


def test_an_administrator_approves_an_agreement(client, superuser, agreement):
    client.force_login(superuser)
    page = client.get(ADMIN)
    assert page.status_code == 200 and "https://partner.example/actor" in page.content.decode()
    response = client.post(f"{ADMIN}accords/{agreement.pk}/approuver/")
    assert response.status_code == 302 and response.url == ADMIN
    agreement.refresh_from_db()
    assert agreement.state == Follow.State.ACCEPTED and agreement.decided_by == superuser
    accept = Activity.objects.get(type="Accept")
    assert accept.payload["object"]["id"] == "https://partner.example/activities/1"
    assert list(accept.deliveries.values_list("inbox", flat=True)) == ["https://partner.example/inbox"]
    change = PolicyChange.objects.get()
    assert change.action == "agreement_approved" and change.changed_by == superuser
    # A second click sends nothing more.
    client.post(f"{ADMIN}accords/{agreement.pk}/approuver/")
    assert Activity.objects.filter(type="Accept").count() == 1 and PolicyChange.objects.count() == 1


def test_an_administrator_rejects_an_agreement(client, superuser, agreement):
    client.force_login(superuser)
    client.post(f"{ADMIN}accords/{agreement.pk}/refuser/")
    agreement.refresh_from_db()
    assert agreement.state == Follow.State.REJECTED
    assert Activity.objects.get(type="Reject").payload["to"] == ["https://partner.example/actor"]
    assert PolicyChange.objects.get().action == "agreement_rejected"


def test_policies_and_domain_rules_are_edited_and_logged(client, superuser, space, federation_settings):
    client.force_login(superuser)
    assert client.post(f"{ADMIN}regles/", {"mode": "open"}).status_code == 302
    assert client.post(f"{ADMIN}regles/", {"mode": "publish_only", "space": space.pk}).status_code == 302
    assert Policy.objects.get(space__isnull=True).mode == "open"
    assert Policy.objects.get(space=space).mode == "publish_only"
    assert client.post(f"{ADMIN}regles/", {"mode": "allowlist"}).status_code == 302
    assert Policy.objects.get(space__isnull=True).mode == "allowlist"

    peer = Actor.objects.create(uri="https://Evil.example/users/x", domain="evil.example", kind="Person")
    Follow.objects.create(follower=peer, followed=instance_actor(), state=Follow.State.ACCEPTED)
    assert client.post(f"{ADMIN}domaines/", {"domain": " https://Evil.Example/ ", "kind": "block",
                                            "note": "Spam"}).status_code == 302
    rule = DomainRule.objects.get()
    assert (rule.domain, rule.kind, rule.note) == ("evil.example", "block", "Spam")
    assert not Follow.objects.filter(follower=peer).exists()  # blocking ends the follows
    assert client.post(f"{ADMIN}domaines/{rule.pk}/retirer/").status_code == 302
    assert not DomainRule.objects.exists()

    log = list(PolicyChange.objects.order_by("pk").values_list("action", "summary", "changed_by"))
    assert log == [
        ("policy", "instance: - → open", superuser.pk),
        ("policy", f"{space.slug}: - → publish_only", superuser.pk),
        ("policy", "instance: open → allowlist", superuser.pk),
        ("domain_rule", "evil.example: - → block", superuser.pk),
        ("domain_rule_removed", "evil.example: block → -", superuser.pk),
    ]
    page = client.get(ADMIN).content.decode()
    assert "instance: open → allowlist" in page


def test_bad_input_is_refused_with_a_message(client, superuser):
    client.force_login(superuser)
    response = client.post(f"{ADMIN}domaines/", {"domain": "pas un domaine/<script>", "kind": "block"})
    assert response.status_code == 400 and "Indiquez un nom de domaine" in response.content.decode()
    assert client.post(f"{ADMIN}regles/", {"mode": "everything"}).status_code == 400
    assert client.post(f"{ADMIN}domaines/", {"domain": "ok.example", "kind": "maybe"}).status_code == 400
    assert client.post(f"{ADMIN}accords/999999/approuver/").status_code == 404
    assert client.post(f"{ADMIN}domaines/999999/retirer/").status_code == 404
    assert client.get(f"{ADMIN}regles/").status_code == 405
    assert not DomainRule.objects.exists() and not Policy.objects.exists() and not PolicyChange.objects.exists()


def test_the_screen_is_protected_by_csrf(superuser, agreement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    assert client.post(f"{ADMIN}accords/{agreement.pk}/approuver/").status_code == 403
    assert client.post(f"{ADMIN}regles/", {"mode": "open"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.state == Follow.State.PENDING and not Policy.objects.exists()


def test_the_audit_log_is_exported_and_erased_with_the_person(superuser, agreement):
    from federation import privacy, services

    services.approve_follow(agreement, by=superuser)
    services.set_domain_rule("evil.example", "block", by=superuser)
    exported = privacy.export(superuser)
    assert [c["action"] for c in exported["federation_changes"]] == ["agreement_approved", "domain_rule"]
    assert exported["federation_agreements_decided"][0]["partner"] == "https://partner.example/actor"
    privacy.erase(superuser)
    assert PolicyChange.objects.count() == 2 and not PolicyChange.objects.filter(changed_by__isnull=False).exists()
    agreement.refresh_from_db()
    assert agreement.decided_by is None and agreement.state == Follow.State.ACCEPTED
    assert privacy.export(superuser)["federation_changes"] == []


def test_the_public_page_lists_partners_and_blocked_servers(client, agreement, federation_settings):
    from federation import services

    DomainRule.objects.create(domain="allie.example", kind="allow", note="Commune voisine")
    DomainRule.objects.create(domain="spam.example", kind="block", note="Publicité")
    page = client.get("/federation/partenaires/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "allie.example" in html and "Commune voisine" in html
    assert "spam.example" in html and "Publicité" in html
    assert "partner.example" not in html  # pending: not a partner yet
    agreement.state = Follow.State.ACCEPTED
    agreement.save()
    assert "partner.example" in client.get("/federation/partenaires/").content.decode()
    assert services.clean_domain("Partner.Example:8443") == "partner.example:8443"


def test_the_public_page_costs_the_same_queries_whatever_the_number_of_partners(client, federation_settings):
    from federation.sample_pages import _partners

    class Fx:
        objects: dict = {}

    fx = Fx()
    _partners(fx, 4)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/federation/partenaires/").status_code == 200
    _partners(fx, 60)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/federation/partenaires/").content.decode()
    assert "instance-63.example" in html and "accord-62.example" in html
    assert len(many) == len(few)
