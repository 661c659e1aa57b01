from django.template.loader import render_to_string
from django.urls import path, reverse

from core.plugins import ComponentType, NavigationItem, PluginInfo, hookimpl
from parvis_sample import views

plugin = PluginInfo(
    name="Boîte à idées",
    version="1.2.0",
    description="Une boîte à idées, module d'exemple.",
    licence="AGPL-3.0-or-later",
    homepage="https://example.org/parvis-sample-plugin",
    core_compatibility=">=0.1,<1.0",
)


@hookimpl
def urlpatterns():
    return [
        path("", views.index, name="index"),
        path("c/<int:component_id>/", views.component, name="component"),
    ]


@hookimpl
def navigation_items(request):
    return [NavigationItem(label="Boîte à idées", url=reverse("suggestions:index"), order=50)]


@hookimpl
def template_slot(slot, request, context):
    if slot == "home_after_spaces":
        return render_to_string("parvis_sample/slot.html", {"organisation": context.get("organisation")})
    return None


@hookimpl
def component_types():
    return [ComponentType(key="box", label="Boîte à idées", view_name="component")]
