"""Threaded comments on contributions."""
