from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "core.moderation"
    label = "moderation"
    verbose_name = _("Modération")
    default_auto_field = "django.db.models.BigAutoField"
