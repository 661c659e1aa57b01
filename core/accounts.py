"""Account e-mails leave the request: allauth renders them, a mail-queue task sends them."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from core.tasks import send_email

        message = self.render_mail(template_prefix, email, context)
        alternatives = [(content, mimetype) for content, mimetype in getattr(message, "alternatives", [])]
        send_email.delay(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            from_email=message.from_email,
            alternatives=alternatives,
        )
