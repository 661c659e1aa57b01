from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "core.search"
    label = "parvis_search"
    verbose_name = _("Recherche")
    default_auto_field = "django.db.models.BigAutoField"
