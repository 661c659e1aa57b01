"""Officials, answering delegations and the organisation's rules, in the back-office."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from plugins.qa_elus.models import Delegation, Official, QaSettings


class OfficialViewSet(SnippetViewSet):
    model = Official
    icon = "user"
    menu_label = _("élus et agents nommés")
    list_display = ["name", "role", "organisation", "opted_in", "mandate_end"]
    list_filter = ["organisation", "opted_in", "kind"]
    panels = ["organisation", "user", "name", "kind", "role", "delegations", "mandate_start", "mandate_end",
              "photo", "photo_alt", "opted_in"]


class DelegationViewSet(SnippetViewSet):
    model = Delegation
    icon = "group"
    menu_label = _("délégations de réponse")
    list_display = ["official", "staff", "created_at"]
    panels = ["official", "staff"]


class QaSettingsViewSet(SnippetViewSet):
    model = QaSettings
    icon = "cog"
    menu_label = _("réglages des questions aux élus")
    list_display = ["organisation", "questions_per_month", "questions_per_year", "answer_days"]
    panels = ["organisation", "questions_per_month", "questions_per_year", "answer_days"]


class QuestionsToOfficialsGroup(SnippetViewSetGroup):
    items = (OfficialViewSet, DelegationViewSet, QaSettingsViewSet)
    menu_icon = "help"
    menu_label = _("Questions aux élus")
    menu_order = 330


register_snippet(QuestionsToOfficialsGroup)
