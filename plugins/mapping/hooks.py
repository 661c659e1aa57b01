"""Hook implementations of the mapping plugin (entry point ``parvis.plugins:mapping``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import MapLayer, PluginInfo, hookimpl

plugin = PluginInfo(
    name=_("Cartographie"),
    version=__version__,
    description=_("Contributions géolocalisées sur une carte."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)


@hookimpl
def template_slot(slot, request, context):
    """The ``"map"`` slot: draws ``context["map"]`` (a :class:`~core.plugins.MapLayer`)."""
    if slot != "map" or not isinstance(context.get("map"), MapLayer):
        return None
    from .maps import render

    return render(context["map"])


@hookimpl
def demo_data(demo):
    """The postcode positions of the demo territory, unless positions are already loaded."""
    from pathlib import Path

    from .models import PostcodePosition
    from .positions import load_positions

    if not PostcodePosition.objects.exists():
        load_positions((Path(__file__).parent / "demo" / "positions.csv").read_text(encoding="utf-8").splitlines())
