from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "core.comments"
    label = "comments"
    verbose_name = _("Commentaires")
    default_auto_field = "django.db.models.BigAutoField"
