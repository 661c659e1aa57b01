from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "core.retention"
    label = "retention"
    verbose_name = _("Conservation des données et mentions légales")
    default_auto_field = "django.db.models.BigAutoField"
