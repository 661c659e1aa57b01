"""One row per contribution of any plugin, so that shared services need no generic joins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ContributionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_hidden=False, awaiting_moderation=False, space__is_published=True)


class Contribution(models.Model):
    """A contribution registered by a plugin (a petition, a proposal, a map point...)."""

    plugin = models.CharField(_("module"), max_length=80)
    kind = models.CharField(_("type"), max_length=80)
    space = models.ForeignKey(
        "core.Space", verbose_name=_("espace"), on_delete=models.CASCADE, related_name="contributions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="contributions",
    )
    title = models.CharField(_("titre"), max_length=300)
    summary = models.TextField(_("résumé"), blank=True)
    url = models.CharField(_("adresse"), max_length=500, blank=True)
    status = models.CharField(_("statut"), max_length=40)
    is_hidden = models.BooleanField(_("masquée par la modération"), default=False)
    awaiting_moderation = models.BooleanField(_("en attente de modération"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["space", "plugin", "kind"]), models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url or reverse("contributions:detail", kwargs={"pk": self.pk})

    @property
    def kind_spec(self):
        from core.contributions.registry import contribution_kind

        return contribution_kind(self.plugin, self.kind)

    @property
    def status_label(self):
        spec = self.kind_spec
        state = spec.workflow.state(self.status) if spec else None
        return state.label if state else self.status

    @property
    def is_public(self) -> bool:
        return not self.is_hidden and not self.awaiting_moderation


class StatusChange(models.Model):
    """A public record of a status change: who, when, from what to what, and why."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=40)
    new_status = models.CharField(max_length=40)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("explication publique"), blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contribution_id}: {self.old_status} → {self.new_status}"


class OfficialAnswer(models.Model):
    """An official answer to a contribution, signed by a person acting in a role."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="official_answers"
    )
    role = models.CharField(max_length=20)
    signature = models.CharField(_("signature"), max_length=200)
    body = models.TextField(_("réponse"))
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.signature} ({self.published_at:%Y-%m-%d})"


class SpaceActivity(models.Model):
    """The public timeline of a space: phases, status changes, answers, results."""

    space = models.ForeignKey("core.Space", on_delete=models.CASCADE, related_name="activities")
    verb = models.CharField(max_length=60)
    summary = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    # Idempotency key for activities recorded by periodic tasks (e.g. "phase-started:12").
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"])]

    def __str__(self) -> str:
        return self.summary
