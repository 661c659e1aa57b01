from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "core.identity"
    label = "identity"
    verbose_name = _("Identité et éligibilité")
    default_auto_field = "django.db.models.BigAutoField"
