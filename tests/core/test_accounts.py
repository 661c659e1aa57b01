"""Accounts: sign-up with e-mail confirmation (mail sent by a task), login, password reset."""

from __future__ import annotations

import re

from django.core import mail

from core.models import User


def _link(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_signup_requires_email_confirmation_then_logs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "Lea@Example.org", "password1": "un mot de passe solide", "password2": "un mot de passe solide"},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "lea@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@example.org"]
    # Not logged in before confirming.
    assert client.get("/").wsgi_request.user.is_authenticated is False
    confirm_url = _link(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == user


def test_login_with_email_and_logout(client, citizen):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user == citizen
    client.post("/accounts/logout/")
    assert client.get("/").wsgi_request.user.is_authenticated is False


def test_logout_requires_post_with_csrf(citizen):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    assert strict.post("/accounts/logout/").status_code == 403


def test_password_reset_sends_a_working_link(client, citizen):
    client.post("/accounts/password/reset/", {"email": citizen.email})
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "un tout nouveau secret", "password2": "un tout nouveau secret"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("un tout nouveau secret")


def _signup(client, **extra):
    client.post("/accounts/signup/", {"email": "lea@example.org", "password1": "un mot de passe solide",
                                      "password2": "un mot de passe solide"}, **extra)
    [message] = mail.outbox
    return message


def test_account_emails_name_the_instance(client, db, settings):
    settings.WAGTAIL_SITE_NAME = "Parvis de la vallée"
    message = _signup(client)
    assert message.body.startswith("Bonjour, c'est Parvis de la vallée !")
    assert "Merci d'utiliser Parvis de la vallée !" in message.body
    assert message.subject.startswith("[Parvis de la vallée] ")
    assert " !" in message.body and "  !" not in message.body


def test_account_emails_name_the_organisation_of_the_host_name(client, commune, citizen):
    from wagtail.models import Page, Site

    commune.site = Site.objects.create(hostname="saint-aubin.example", port=80,
                                       root_page=Page.get_first_root_node())
    commune.save()
    message = _signup(client, HTTP_HOST="saint-aubin.example")
    assert message.body.startswith("Bonjour, c'est Saint-Aubin !")
    assert "saint-aubin.example" in message.body and "  !" not in message.body
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": citizen.email}, HTTP_HOST="saint-aubin.example")
    [reset] = mail.outbox
    assert reset.body.startswith("Bonjour, c'est Saint-Aubin !") and "  !" not in reset.body
    assert reset.subject.startswith("[Saint-Aubin] ")


def test_account_emails_sent_outside_a_request_name_the_instance_and_its_address(settings):
    from core.accounts import mail_site

    settings.WAGTAIL_SITE_NAME, settings.WAGTAILADMIN_BASE_URL = "Parvis du Val", "https://participer.val.example/"
    site = mail_site(None)
    assert (site.name, site.domain) == ("Parvis du Val", "participer.val.example")
