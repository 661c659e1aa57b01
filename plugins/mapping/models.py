"""Where postcodes are: the table the operator loads (``parvis load_postcode_positions``) so
that maps can place what pages know only by postcode."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostcodePosition(models.Model):
    """The centre of the communes a postcode covers (WGS 84 degrees) and their names."""

    postcode = models.CharField(_("code postal"), max_length=10, unique=True)
    name = models.CharField(_("communes"), max_length=255)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("position d'un code postal")
        verbose_name_plural = _("positions des codes postaux")

    def __str__(self) -> str:
        return f"{self.postcode} {self.name}"
