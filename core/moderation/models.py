"""Reports, moderation decisions and the reason codes of each organisation's charter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ONE_TARGET = Q(contribution__isnull=False, comment__isnull=True) | Q(
    contribution__isnull=True, comment__isnull=False
)


class ModerationReason(models.Model):
    """A reason code of the moderation charter. Rows without an organisation are the
    instance's defaults; an organisation may add its own or replace one (same code)."""

    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.CASCADE,
        related_name="moderation_reasons",
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("intitulé"), max_length=120)
    description = models.TextField(_("explication"), blank=True)
    is_active = models.BooleanField(_("en vigueur"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("motif de modération")
        verbose_name_plural = _("charte de modération")
        ordering = ["sort_order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="reason_unique_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="default_reason_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Report(models.Model):
    """A user's report of a contribution or a comment."""

    contribution = models.ForeignKey(
        "contributions.Contribution", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_reports"
    )
    reason = models.ForeignKey(ModerationReason, on_delete=models.PROTECT, related_name="reports")
    message = models.TextField(_("précisions"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="report_one_target"),
            models.UniqueConstraint(
                fields=["reporter", "contribution"], condition=Q(resolved_at__isnull=True),
                name="report_once_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(resolved_at__isnull=True),
                name="report_once_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"Report {self.pk}"


class ModerationDecision(models.Model):
    """A moderator's decision, kept for ever: who, when, what, and the public reason."""

    class Action(models.TextChoices):
        HIDE = "hide", _("masquer")
        RESTORE = "restore", _("rétablir")
        APPROVE = "approve", _("publier")
        DISMISS = "dismiss", _("classer les signalements")

    contribution = models.ForeignKey(
        "contributions.Contribution", null=True, blank=True, on_delete=models.CASCADE,
        related_name="moderation_decisions",
    )
    comment = models.ForeignKey(
        "comments.Comment", null=True, blank=True, on_delete=models.CASCADE,
        related_name="moderation_decisions",
    )
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_decisions"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.ForeignKey(
        ModerationReason, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    note = models.TextField(_("note interne"), blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [models.CheckConstraint(condition=ONE_TARGET, name="decision_one_target")]
        indexes = [models.Index(fields=["organisation", "action", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.action} ({self.decided_at:%Y-%m-%d})"
