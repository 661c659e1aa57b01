"""Privacy settings in the back-office (Participation → Données personnelles), for the
instance's administrators; each organisation's administrators use
``/o/<slug>/donnees-personnelles/reglages/``."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.retention.models import PrivacySettings


class PrivacySettingsViewSet(SnippetViewSet):
    model = PrivacySettings
    icon = "lock"
    menu_label = _("Données personnelles")
    add_to_admin_menu = True
    menu_order = 330
    list_display = ["organisation", "noindex_contributions", "updated_at"]


register_snippet(PrivacySettingsViewSet)
