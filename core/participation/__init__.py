"""Participation records (émargement) across channels and the database-backed ledger."""
