"""Per-organisation privacy settings: retention delays, ``noindex``, legal notices.

Without a row, every rule's default delay applies, contribution pages are indexable, and the
legal notices show defaults built from the organisation's name.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel


class PrivacySettings(ClusterableModel):
    """What one organisation chose: legal notices, indexing, and retention delays (inline)."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="privacy_settings",
        verbose_name=_("organisation"),
    )
    noindex_contributions = models.BooleanField(
        _("demander aux moteurs de recherche de ne pas indexer les contributions"), default=False,
        help_text=_("Ajoute « noindex » aux pages des contributions (pétitions, propositions…)."),
    )
    publisher = models.TextField(
        _("éditeur du site"), blank=True, max_length=1000,
        help_text=_("Nom, adresse et téléphone. Vide : le nom de l'organisation."),
    )
    publication_director = models.CharField(
        _("directeur ou directrice de la publication"), blank=True, max_length=200,
        help_text=_("Par exemple : le maire ou la présidente de l'association."),
    )
    host = models.TextField(
        _("hébergeur"), blank=True, max_length=1000,
        help_text=_("Nom, adresse et téléphone de l'hébergeur du serveur."),
    )
    privacy_contact = models.CharField(
        _("contact pour les données personnelles"), blank=True, max_length=254,
        help_text=_("Adresse électronique ou postale du délégué à la protection des données."),
    )
    additional_notices = models.TextField(_("mentions complémentaires"), blank=True, max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("organisation"),
        MultiFieldPanel(
            [FieldPanel("publisher"), FieldPanel("publication_director"), FieldPanel("host"),
             FieldPanel("privacy_contact"), FieldPanel("additional_notices")],
            heading=_("Mentions légales"),
        ),
        FieldPanel("noindex_contributions"),
        InlinePanel("delays", heading=_("Durées de conservation"), label=_("durée")),
    ]

    class Meta:
        verbose_name = _("données personnelles et mentions légales")
        verbose_name_plural = _("données personnelles et mentions légales")

    def __str__(self) -> str:
        return str(self.organisation)


def rule_choices() -> list[tuple[str, str]]:
    from core.retention.rules import all_rules

    return [(key, str(rule.label or rule.description)) for key, rule in all_rules().items()]


class RetentionDelay(models.Model):
    """The delay an organisation chose for one retention rule (``"<plugin slug>.<key>"``)."""

    settings = ParentalKey(PrivacySettings, on_delete=models.CASCADE, related_name="delays")
    rule = models.CharField(_("règle"), max_length=120, choices=rule_choices)
    hours = models.PositiveIntegerField(_("durée (heures)"))

    panels = ["rule", "hours"]

    class Meta:
        verbose_name = _("durée de conservation")
        verbose_name_plural = _("durées de conservation")
        constraints = [models.UniqueConstraint(fields=["settings", "rule"], name="retention_delay_once")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.hours} h"

    @property
    def delay(self) -> timedelta:
        return timedelta(hours=self.hours)

    def clean(self) -> None:
        from core.retention.rules import all_rules, bounds_error

        rule = all_rules().get(self.rule)
        if rule is None:
            raise ValidationError({"rule": _("Cette règle de conservation n'existe pas.")})
        if self.hours is not None:
            error = bounds_error(rule, timedelta(hours=self.hours))
            if error:
                raise ValidationError({"hours": error})
