from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "core.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes")
    default_auto_field = "django.db.models.BigAutoField"
