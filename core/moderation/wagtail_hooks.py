"""The moderation charter in the back-office: each organisation adds or replaces reasons."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.moderation.models import ModerationReason


class ModerationReasonViewSet(SnippetViewSet):
    model = ModerationReason
    icon = "warning"
    menu_label = _("Charte de modération")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["label", "code", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    panels = ["organisation", "code", "label", "description", "is_active", "sort_order"]


register_snippet(ModerationReasonViewSet)
