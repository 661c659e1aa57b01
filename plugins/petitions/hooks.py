"""Hook implementations of the petitions plugin (entry point ``parvis.plugins:petitions``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import PluginInfo

plugin = PluginInfo(
    name=_("Pétitions"),
    version=__version__,
    description=_("Pétitions citoyennes avec seuils de signatures qui obligent à une réponse."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)
