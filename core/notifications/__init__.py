"""Follows and notifications (in the app and by e-mail)."""
