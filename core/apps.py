from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Parvis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps

        from core import (
            checks,  # noqa: F401 - registers the system checks
            plugin_host,
        )

        installed = {config.name for config in apps.get_app_configs()}
        plugin_host.load_hooks(installed)

        from core.celery import ensure_broker_folders

        ensure_broker_folders()
