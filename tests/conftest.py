"""The suite's fixtures live in core.testing (loaded by the root conftest.py) so that plugins'
tests and third-party plugins use the same ones."""

from core.testing import make_space, make_user

__all__ = ["make_space", "make_user"]
