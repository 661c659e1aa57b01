"""Eligibility rules in the back-office (Participation → Règles d'éligibilité)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.identity.models import EligibilityRule


class EligibilityRuleViewSet(SnippetViewSet):
    model = EligibilityRule
    icon = "lock"
    menu_label = _("Règles d'éligibilité")
    add_to_admin_menu = True
    menu_order = 320
    list_display = ["__str__", "space", "component", "min_age", "membership_organisation"]
    list_filter = ["space", "identity_level"]


register_snippet(EligibilityRuleViewSet)
