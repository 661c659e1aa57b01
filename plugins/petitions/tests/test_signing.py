"""Signing: e-mail confirmation, one signature per person, receipts, withdrawal, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.participation.models import ParticipationRecord
from plugins.petitions import services
from plugins.petitions.models import Signature
from plugins.petitions.tasks import update_counts


def _link(message) -> str:
    return re.search(r"http://\S+/petitions/confirm/\S+/", message.body).group(0)


def sign_through_the_form(client, petition, email="lea@example.org", name="Léa Martin", **extra):
    data = {"name": name, "email": email, "consent": "on", **extra}
    return client.post(f"/petitions/{petition.pk}/sign/", data)


def test_online_signature_counts_after_the_email_link_is_confirmed(client, open_petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_through_the_form(client, open_petition)
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert not ParticipationRecord.objects.exists()
    link = _link(mail.outbox[-1]).replace("http://localhost:8000", "")
    assert "Je confirme ma signature" in client.get(link).content.decode()
    assert not ParticipationRecord.objects.exists()  # a GET (a mail scanner) confirms nothing
    page = client.post(link).content.decode()
    assert "votre signature est confirmée" in page, page.split("<main")[1][:800]
    assert re.search(r'<code class="receipt">\S+</code>', page)
    record = ParticipationRecord.objects.get()
    assert (record.subject_key, record.channel) == (open_petition.subject_key, "web")
    update_counts()
    open_petition.refresh_from_db()
    assert open_petition.count_web == 1
    assert "1 signature" in client.get(open_petition.get_absolute_url()).content.decode()


def test_one_signature_per_email_whatever_the_case_or_spaces(open_petition, django_capture_on_commit_callbacks):
    first = services.sign(open_petition, name="A", email="Lea@Example.org ")
    services.confirm_signature(first.token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.sign(open_petition, name="B", email="lea@example.org")
    assert again.token is None and again.signature.pk == first.signature.pk
    assert Signature.objects.count() == 1 and Signature.objects.get().name == "A"
    # The address is told, and only the address.
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    signed = timezone.localtime(Signature.objects.get().confirmed_at)
    assert f"Elle l'a déjà signée le {signed:%d/%m/%Y}" in mail.outbox[0].body


def test_whoever_types_an_address_cannot_tell_whether_it_signed(client, open_petition, django_capture_on_commit_callbacks):
    services.confirm_signature(services.sign(open_petition, name="A", email="lea@example.org").token)
    mail.outbox.clear()
    form = {"name": "Quelqu'un", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(f"/petitions/{open_petition.pk}/sign/", {**form, "email": "lea@example.org"})
        new = client.post(f"/petitions/{open_petition.pk}/sign/", {**form, "email": "noe@example.org"})
    assert signed.status_code == new.status_code == 200
    assert signed.content.decode().replace("lea@example.org", "noe@example.org") == new.content.decode()
    notice, link = mail.outbox  # the notice to the address that signed, the link to the new one
    assert notice.to == ["lea@example.org"] and "déjà signée" in notice.body and "/confirm/" not in notice.body
    assert link.to == ["noe@example.org"] and "/confirm/" in link.body
    assert Signature.objects.count() == 2


def test_a_withdrawn_signature_is_not_given_again_and_its_address_is_told(open_petition, django_capture_on_commit_callbacks):
    request = services.sign(open_petition, name="A", email="lea@example.org")
    services.confirm_signature(request.token)
    services.withdraw_signature(request.token)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sign(open_petition, name="A", email="lea@example.org").token is None
    assert "a retiré sa signature le" in mail.outbox[0].body
    assert Signature.objects.get().withdrawn_at is not None and Signature.objects.get().confirmed_at is not None


def test_pending_signature_gets_a_fresh_link_instead_of_a_duplicate(open_petition):
    first = services.sign(open_petition, name="A", email="a@example.org")
    second = services.sign(open_petition, name="A", email="a@example.org")
    assert Signature.objects.count() == 1
    assert services.signature_for_token(first.token) is None
    assert services.signature_for_token(second.token) is not None


@pytest.mark.parametrize("token", ["nope", "x" * 43, "%3Cscript%3Ealert(1)%3C"])
def test_bad_confirmation_links_are_refused_clearly(client, open_petition, token):
    response = client.post(f"/petitions/confirm/{token}/")
    assert response.status_code == 404
    assert "est pas valable" in response.content.decode()
    assert not ParticipationRecord.objects.exists()


def test_reused_and_expired_links(client, open_petition):
    request = services.sign(open_petition, name="A", email="a@example.org")
    assert client.post(f"/petitions/confirm/{request.token}/").status_code == 200
    again = client.post(f"/petitions/confirm/{request.token}/")
    assert again.status_code == 200 and "déjà confirmée" in again.content.decode()
    assert ParticipationRecord.objects.count() == 1
    late = services.sign(open_petition, name="B", email="b@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(f"/petitions/confirm/{late.token}/")
    assert response.status_code == 400 and "expiré" in response.content.decode()
    assert ParticipationRecord.objects.count() == 1


def test_withdrawal_before_close(client, open_petition):
    request = services.sign(open_petition, name="A", email="a@example.org")
    services.confirm_signature(request.token)
    update_counts()
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 1
    assert client.post(f"/petitions/withdraw/{request.token}/").status_code == 302
    update_counts()
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 0
    assert Signature.objects.get().withdrawn_at is not None


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)"])
def test_formula_names_are_refused(client, open_petition, name):
    response = sign_through_the_form(client, open_petition, name=name)
    assert response.status_code == 400
    assert "ne peut pas commencer" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("data", [
    {"name": "x" * 151, "email": "a@example.org", "consent": "on"},
    {"name": "A", "email": "pas-une-adresse", "consent": "on"},
    {"name": "A", "email": "a@example.org"},
    {"name": "A", "email": "a@" + "x" * 300 + ".org", "consent": "on"},
])
def test_invalid_forms_are_answered_with_errors(client, open_petition, data):
    response = client.post(f"/petitions/{open_petition.pk}/sign/", data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not Signature.objects.exists()


def test_disposable_and_blocked_domains_are_refused(open_petition):
    with pytest.raises(Exception, match="ne sont pas acceptées"):
        services.sign(open_petition, name="A", email="a@yopmail.com")
    rules = open_petition.component.petition_settings
    rules.blocked_email_domains = "spam.example\n"
    rules.save()
    with pytest.raises(Exception, match="ne sont pas acceptées"):
        services.sign(open_petition, name="A", email="a@mail.spam.example")
    with pytest.raises(Exception, match="ne sont pas acceptées"):
        services.sign(open_petition, name="A", email="a@relais.YOPMAIL.com")
    # A domain that only ends with the same letters is another domain.
    services.sign(open_petition, name="A", email="a@notspam.example")
    assert Signature.objects.filter(email="a@notspam.example").exists()


def test_rate_limit_per_ip(open_petition, settings):
    settings.PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 3
    for i in range(3):
        services.sign(open_petition, name="A", email=f"a{i}@example.org", ip="203.0.113.9")
    with pytest.raises(Exception, match="Trop de signatures"):
        services.sign(open_petition, name="A", email="a9@example.org", ip="203.0.113.9")
    services.sign(open_petition, name="A", email="a10@example.org", ip="203.0.113.10")


def test_closed_or_hidden_petitions_cannot_be_signed(client, open_petition, moderator):
    from core.moderation.models import ModerationReason
    from core.moderation.services import decide

    services.close_due_petitions(now=timezone.now() + timedelta(days=100))
    open_petition.contribution.refresh_from_db()
    with pytest.raises(Exception, match="n'est pas ouverte"):
        services.sign(open_petition, name="A", email="a@example.org")
    decide(open_petition.contribution, "hide", moderator=moderator,
           reason=ModerationReason.objects.get(organisation=None, code="spam"))
    assert "Pétition masquée" in client.get(open_petition.get_absolute_url()).content.decode()


def test_sign_form_needs_csrf(open_petition):
    response = Client(enforce_csrf_checks=True).post(
        f"/petitions/{open_petition.pk}/sign/", {"name": "A", "email": "a@example.org", "consent": "on"})
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_counts_are_batched_and_thresholds_notify_once(open_petition, agent, django_capture_on_commit_callbacks):
    from core.notifications.models import Notification

    for i in range(3):
        services.confirm_signature(services.sign(open_petition, name="S", email=f"s{i}@example.org").token)
    open_petition.refresh_from_db()
    assert open_petition.signature_count == 0  # nothing written per signature
    with django_capture_on_commit_callbacks(execute=True):
        assert update_counts() == 1
    open_petition.refresh_from_db()
    assert open_petition.count_web == 3 and open_petition.answer_threshold_reached_at is not None
    assert update_counts() == 0
    notes = Notification.objects.filter(kind="petitions.threshold_reached")
    assert notes.filter(recipient=agent).count() == 1


def test_petition_page_and_count_are_cacheable_for_anonymous_visitors(client, open_petition, agent):
    for url in (open_petition.get_absolute_url(), f"/petitions/{open_petition.pk}/count.json"):
        response = client.get(url)
        assert "public" in response["Cache-Control"] and "stale-while-revalidate" in response["Cache-Control"]
        assert "csrfmiddlewaretoken" not in response.content.decode()
    client.force_login(agent)
    assert "private" in client.get(open_petition.get_absolute_url())["Cache-Control"]
    data = client.get(f"/petitions/{open_petition.pk}/count.json").json()
    assert data["total"] == 0 and data["status"] == "open"


def test_the_postcode_is_asked_only_as_the_box_says(client, box, open_petition):
    from django.urls import reverse

    from plugins.petitions.models import PetitionSettings, Signature

    url = reverse("petitions:sign", args=[open_petition.pk])
    data = {"name": "Léa Martin", "email": "lea@example.org", "consent": "on"}
    assert 'name="postcode"' not in client.get(url).content.decode()  # not asked: absent
    rules = PetitionSettings.objects.get(component=box)
    rules.collect_postcode = True
    rules.save()  # as the back-office does: the signing form forgets what it kept of the box
    page = client.get(url).content.decode()
    assert 'name="postcode"' in page
    response = client.post(url, data)
    assert response.status_code == 400 and not Signature.objects.filter(email="lea@example.org").exists()
    rules.postcode_required = False
    rules.save()
    client.post(url, data)
    assert Signature.objects.get(email="lea@example.org").postcode == ""


def test_a_signature_costs_the_same_few_queries_however_many_there_are(client, open_petition, box):
    """The signing endpoint takes the spikes: one query reads the petition with its box's
    settings and whether eligibility rules apply, and the process keeps it for the next
    signatures; one statement writes the signature."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(email):
        with CaptureQueriesContext(connection) as ctx:
            response = sign_through_the_form(client, open_petition, email=email)
        assert response.status_code == 200, response.content.decode()[:500]
        return [q["sql"] for q in ctx.captured_queries]

    def tables(sqls):
        return [sql.split(".")[0].removeprefix("SELECT ").strip('"') for sql in sqls if sql.startswith("SELECT")]

    first = queries("premiere@example.org")
    for i in range(5):
        services.sign(open_petition, name="A", email=f"autre{i}@example.org")
    again = queries("seconde@example.org")
    for i in range(20):
        services.sign(open_petition, name="A", email=f"encore{i}@example.org")
    third = queries("troisieme@example.org")
    assert len(third) == len(again) == len(first) - 1
    assert tables(first).count("petitions_petition") == 1
    assert "petitions_petition" not in tables(again)  # kept by the process
    for sqls in (first, again):
        assert "identity_eligibilityrule" not in tables(sqls) and "petitions_petitionsettings" not in tables(sqls)
        assert sum(sql.startswith("INSERT") for sql in sqls) == 1
    assert len(again) <= 3  # with the organisation of the host name, read each time in the tests


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_signatures_of_one_address_leave_one_row(open_petition):
    """Outside any transaction the signature is one INSERT; the unique constraint, not Python
    code, keeps the 49 others from adding a row."""
    import threading

    from django.db import close_old_connections, connection, connections

    assert connection.vendor == "postgresql", "integration tests need DATABASE_URL=postgres://..."
    barrier, results = threading.Barrier(50), [None] * 50

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = services.sign(open_petition, name="Léa", email="Lea@example.org ")
        except Exception as exc:  # collected and checked below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    assert all(isinstance(r, services.SignatureRequest) for r in results), results
    signature = Signature.objects.get(petition=open_petition)
    assert signature.email == "lea@example.org" and signature.confirmed_at is None
    # The last link sent is the one that works; confirming it counts the person once.
    assert sum(services.signature_for_token(r.token) is not None for r in results) == 1


PROXY = "10.0.0.2"


def _sign(petition, visitor: str, n: int):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor).post(
        f"/petitions/{petition.pk}/sign/",
        {"name": "Léa Martin", "email": f"lea{n}@example.org", "consent": "on"},
    )


def test_behind_a_trusted_proxy_two_visitors_have_separate_signing_limits(open_petition, settings):
    settings.PARVIS_TRUSTED_PROXIES = [PROXY]
    settings.PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 2
    assert [_sign(open_petition, "203.0.113.1", n).status_code for n in range(2)] == [200, 200]
    refused = _sign(open_petition, "203.0.113.1", 2)
    assert "Trop de signatures" in refused.content.decode()
    assert _sign(open_petition, "203.0.113.2", 3).status_code == 200
    assert set(Signature.objects.values_list("email", flat=True)) == {
        "lea0@example.org", "lea1@example.org", "lea3@example.org"}


def test_a_spoofed_header_does_not_escape_the_signing_limit(open_petition, settings):
    settings.PARVIS_TRUSTED_PROXIES = [PROXY]
    settings.PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 1
    for n in range(3):
        Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post(
            f"/petitions/{open_petition.pk}/sign/",
            {"name": "Léa Martin", "email": f"lea{n}@example.org", "consent": "on"})
    assert Signature.objects.count() == 1
