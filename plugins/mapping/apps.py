from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "plugins.mapping"
    label = "mapping"
    verbose_name = _("Cartographie")
    default_auto_field = "django.db.models.BigAutoField"
