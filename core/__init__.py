"""Parvis core: organisations, spaces and phases, accounts and roles, the plugin host."""

__version__ = "0.1.0"

SECRET_KEY_OPTIONAL = False
"""Set by the ``parvis`` command before the settings are read, for commands that serve nothing
and sign nothing (``parvis plugins``): production then accepts a missing secret key and leaves
``SECRET_KEY`` empty, which Django refuses to sign with."""
