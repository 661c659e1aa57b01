"""Extension points of the federation (ActivityPub type mappings, inbound handlers).

Plugins implement them in their ``federation.py``. None is declared yet: the federation layer
lands with its own issue; this module is already registered with the plugin manager so that
adding a hookspec here needs no change elsewhere.
"""

import pluggy

hookspec = pluggy.HookspecMarker("parvis")
