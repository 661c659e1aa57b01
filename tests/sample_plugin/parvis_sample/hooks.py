from django.template.loader import render_to_string
from django.urls import path, reverse

from core.plugins import ComponentType, ContributionKind, NavigationItem, PluginInfo, hookimpl
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
        path("c/<int:component_id>/suggest/", views.suggest, name="suggest"),
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


@hookimpl
def contribution_kinds():
    return [ContributionKind(key="suggestion", label="Idée")]


@hookimpl
def sample_pages():
    # Every page of the plugin, for the every-page gates (docs/gates.md): see gates.py.
    from parvis_sample.gates import sample_pages

    return sample_pages()
