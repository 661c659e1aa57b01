"""Shared contribution registry: every plugin's contributions, their public status and answers."""
