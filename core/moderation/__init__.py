"""Moderation: reports, decisions with reason codes from a published charter, a public log."""
