"""Hook implementations of the questions to elected officials plugin (entry point ``parvis.plugins:qa_elus``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import PluginInfo

plugin = PluginInfo(
    name=_("Questions aux élus"),
    version=__version__,
    description=_("Questions publiques aux élus et leurs réponses."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)
