from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "plugins.petitions"
    label = "petitions"
    verbose_name = _("Pétitions")
    default_auto_field = "django.db.models.BigAutoField"
