"""Account e-mails leave the request: allauth renders them, a mail-queue task sends them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.encoding import force_str

from core.client_address import client_address


@dataclass(frozen=True)
class MailSite:
    """What allauth's e-mails call ``current_site``: who writes, and at which address."""

    name: str
    domain: str


def mail_site(request: HttpRequest | None) -> MailSite:
    """The organisation whose host name the request came to, else the instance
    (``PARVIS_SITE_NAME``). ``django.contrib.sites`` is not installed: allauth would name the
    site after the host, and nothing at all in our e-mails, which leave the request."""
    from core.middleware import organisation_for

    if request is None:
        return MailSite(settings.WAGTAIL_SITE_NAME, urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc)
    organisation = organisation_for(request)
    name = organisation.name if organisation is not None else settings.WAGTAIL_SITE_NAME
    return MailSite(name, request.get_host())


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The same client address as every other limit (``PARVIS_TRUSTED_PROXIES``), not
        allauth's own proxy settings."""
        address = client_address(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def format_email_subject(self, subject: str) -> str:
        prefix = account_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{mail_site(allauth_context.request).name}] "
        return prefix + force_str(subject)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from core.tasks import send_email

        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": mail_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        alternatives = [(content, mimetype) for content, mimetype in getattr(message, "alternatives", [])]
        send_email.delay(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            from_email=message.from_email,
            alternatives=alternatives,
        )
