"""Threaded comments on contributions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    contribution = models.ForeignKey(
        "contributions.Contribution", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("commentaire"))  # cleaned HTML (core.richtext)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted comments keep their row (and their place in the thread) without their text.
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("masqué par la modération"), default=False)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["contribution", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.contribution_id}"

    @property
    def space(self):
        return self.contribution.space

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_visible(self) -> bool:
        return not self.is_deleted and not self.is_hidden
