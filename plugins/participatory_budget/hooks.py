"""Hook implementations of the participatory budget plugin (entry point ``parvis.plugins:participatory_budget``)."""

from django.utils.translation import gettext_lazy as _

from core import __version__
from core.plugins import PluginInfo

plugin = PluginInfo(
    name=_("Budget participatif"),
    version=__version__,
    description=_("Propositions, étude de faisabilité, vote et dépouillement équitable."),
    licence="AGPL-3.0-or-later",
    core_compatibility="~=0.1.0",
)
