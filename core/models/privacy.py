"""The proof that an account was erased, without anything about the person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    """One erasure of an account (``core.privacy.erase_user``): when, and which plugins took part."""

    erased_at = models.DateTimeField(_("effacé le"), auto_now_add=True)
    plugin_slugs = models.JSONField(_("modules concernés"), default=list)

    class Meta:
        verbose_name = _("effacement de compte")
        verbose_name_plural = _("effacements de comptes")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure {self.pk} ({self.erased_at:%Y-%m-%d})"
