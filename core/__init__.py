"""Parvis core: organisations, spaces and phases, accounts and roles, the plugin host."""

__version__ = "0.1.0"
