from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "plugins.volunteering"
    label = "volunteering"
    verbose_name = _("Bénévolat")
    default_auto_field = "django.db.models.BigAutoField"
