"""The back-office: organisations, spaces and components in the Wagtail admin, plus plugins."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core import admin_views
from core.models import Component, Organisation, Space


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "site"]
    search_fields = ["name"]


class SpaceViewSet(SnippetViewSet):
    model = Space
    icon = "site"
    menu_label = _("Espaces")
    list_display = ["title", "is_published", "created_at"]
    list_filter = ["is_published", "organisations"]
    search_fields = ["title"]


class ComponentViewSet(SnippetViewSet):
    model = Component
    icon = "placeholder"
    menu_label = _("Composants")
    list_display = ["title", "component_type", "phase"]


class ParticipationGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, SpaceViewSet, ComponentViewSet)
    menu_icon = "site"
    menu_label = _("Participation")
    menu_name = "participation"


register_snippet(ParticipationGroup)


@hooks.register("register_admin_urls")
def plugin_admin_urls():
    return [path("parvis/plugins/", admin_views.plugin_list, name="parvis_plugins")]


@hooks.register("register_settings_menu_item")
def plugin_menu_item():
    return MenuItem(_("Modules de participation"), reverse("parvis_plugins"), icon_name="cogs", order=900)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def index_space_for_search(request, instance):
    """Spaces are written in the back-office: keep the search index in step."""
    if isinstance(instance, Space):
        from core.search.services import index_space

        index_space(instance)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def prepare_placed_component(request, instance):
    """A component placed (or retyped) in the back-office gets what its plugin creates with it
    (a budget's record), so that it is listed at once."""
    if isinstance(instance, Component):
        from core.components import prepare_component

        prepare_component(instance)
