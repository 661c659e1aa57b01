"""Follows, notifications and each person's delivery preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    """A person following a space or a contribution (exactly one of the two)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    space = models.ForeignKey(
        "core.Space", verbose_name=_("espace"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="follows",
    )
    contribution = models.ForeignKey(
        "contributions.Contribution", verbose_name=_("contribution"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(space__isnull=False, contribution__isnull=True)
                    | Q(space__isnull=True, contribution__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "space"], name="follow_unique_space"),
            models.UniqueConstraint(
                fields=["user", "contribution"], name="follow_unique_contribution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.target}"

    @property
    def target(self):
        """The followed space or contribution."""
        return self.space if self.space_id else self.contribution


class Notification(models.Model):
    """Something a person is told about, in the app and maybe by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=120)
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("adresse"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the notification was sent by e-mail (alone or in a digest); claimed with a
    # conditional UPDATE so that a task run twice never mails twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("un courriel à chaque notification")
    DAILY = "daily", _("un résumé quotidien")
    NEVER = "never", _("aucun courriel")


class NotificationPreference(models.Model):
    """How a person wants to receive notifications by e-mail.

    Without a row, the defaults apply (immediate e-mails, nothing muted). ``muted_kinds`` lists
    the kinds (``"<slug>.<key>"``) never sent by e-mail; they still appear in the app.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("courriels"), max_length=20, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    muted_kinds = models.JSONField(_("types sans courriel"), default=list, blank=True)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"

    @classmethod
    def for_user(cls, user) -> NotificationPreference:
        """The saved preferences of ``user``, or unsaved defaults (no query if prefetched)."""
        try:
            return user.notification_preference
        except cls.DoesNotExist:
            return cls(user=user)

    def emails(self, kind: str) -> bool:
        """Whether a notification of ``kind`` may be e-mailed at all (mode aside from never)."""
        return self.email_mode != EmailMode.NEVER and kind not in (self.muted_kinds or [])
