from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaElusConfig(AppConfig):
    name = "plugins.qa_elus"
    label = "qa_elus"
    verbose_name = _("Questions aux élus")
    default_auto_field = "django.db.models.BigAutoField"
