"""What each organisation chooses for its open data: the licence and the minimum cell size."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

#: Aggregates counting fewer people than this are not published (unless an organisation
#: chooses more); an organisation can never choose less than :data:`MIN_CELL_SIZE_FLOOR`.
DEFAULT_MIN_CELL_SIZE = 10
MIN_CELL_SIZE_FLOOR = 5


@dataclass(frozen=True)
class Licence:
    """A licence an organisation may publish its data under (``spdx``: its SPDX identifier)."""

    spdx: str
    name: str
    url: str


LICENCES = {
    "etalab-2.0": Licence(
        "etalab-2.0", "Licence Ouverte / Open Licence 2.0 (Etalab)",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "ODbL-1.0": Licence(
        "ODbL-1.0", "Open Database License (ODbL) 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}
DEFAULT_LICENCE = "etalab-2.0"


class OpenDataSettings(models.Model):
    """The open data choices of one organisation; without a row, the defaults apply."""

    organisation = models.OneToOneField(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="open_data_settings",
    )
    licence = models.CharField(
        _("licence"), max_length=20, default=DEFAULT_LICENCE,
        choices=[(key, licence.name) for key, licence in LICENCES.items()],
        help_text=_("La licence sous laquelle les jeux de données de l'organisation sont publiés."),
    )
    min_cell_size = models.PositiveSmallIntegerField(
        _("effectif minimal publié"), default=DEFAULT_MIN_CELL_SIZE,
        validators=[MinValueValidator(MIN_CELL_SIZE_FLOOR), MaxValueValidator(1000)],
        help_text=_("Les comptes de personnes inférieurs à ce nombre ne sont pas publiés (5 au moins)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("organisation"), FieldPanel("licence"), FieldPanel("min_cell_size")]

    class Meta:
        verbose_name = _("réglages des données ouvertes")
        verbose_name_plural = _("réglages des données ouvertes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_cell_size__gte=MIN_CELL_SIZE_FLOOR),
                name="opendata_min_cell_size_floor",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def licence_info(self) -> Licence:
        return LICENCES.get(self.licence, LICENCES[DEFAULT_LICENCE])

    @property
    def k(self) -> int:
        """The minimum cell size in force (never below the floor, whatever the row says)."""
        return max(self.min_cell_size, MIN_CELL_SIZE_FLOOR)


def settings_for(organisation) -> OpenDataSettings:
    """The organisation's settings, or unsaved defaults (one query)."""
    found = OpenDataSettings.objects.filter(organisation=organisation).first()
    return found or OpenDataSettings(organisation=organisation)
