from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "core.contributions"
    label = "contributions"
    verbose_name = _("Contributions")
    default_auto_field = "django.db.models.BigAutoField"
