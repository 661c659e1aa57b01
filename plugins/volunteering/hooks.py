"""Hook implementations of the volunteering plugin (entry point ``parvis.plugins:volunteering``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import PluginInfo

plugin = PluginInfo(
    name=_("Bénévolat"),
    version=__version__,
    description=_("Missions bénévoles, créneaux et inscriptions."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)
