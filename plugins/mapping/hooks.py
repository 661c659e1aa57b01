"""Hook implementations of the mapping plugin (entry point ``parvis.plugins:mapping``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import PluginInfo

plugin = PluginInfo(
    name=_("Cartographie"),
    version=__version__,
    description=_("Contributions géolocalisées sur une carte."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)
