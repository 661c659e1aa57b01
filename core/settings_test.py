"""Settings for the test suite: the normal settings in ``test`` mode."""

import os

os.environ.setdefault("PARVIS_MODE", "test")
os.environ.setdefault("PARVIS_DATA_DIR", os.path.join(os.getcwd(), "var", "test"))

from core.settings import *  # noqa: E402,F403
