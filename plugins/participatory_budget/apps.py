from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipatoryBudgetConfig(AppConfig):
    name = "plugins.participatory_budget"
    label = "participatory_budget"
    verbose_name = _("Budget participatif")
    default_auto_field = "django.db.models.BigAutoField"
