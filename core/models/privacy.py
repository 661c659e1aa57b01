"""The proof that an account was erased, and the exports people ask of their data."""

from __future__ import annotations

from django.conf import settings
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


def default_export_expiry():
    """When a data export requested now stops being downloadable (48 hours)."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(hours=48)


class DataExport(models.Model):
    """A person's request for a copy of their data (``core.data_exports``).

    The file is built by a background task under ``DATA_DIR/exports/`` (never in the public
    media), and the person is e-mailed a single-use link. Only the SHA-256 of the link's token
    is kept. Expired rows and their files are purged by ``core.purge_data_exports``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports",
        verbose_name=_("personne"),
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, blank=True, db_index=True)
    file_name = models.CharField(_("fichier"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), default=default_export_expiry)
    downloaded_at = models.DateTimeField(_("téléchargé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export de données personnelles")
        verbose_name_plural = _("exports de données personnelles")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.created_at:%Y-%m-%d})"
