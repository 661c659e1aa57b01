"""``python -m core.ledger``: the standalone verifier."""

import sys

from .cli import main

sys.exit(main())
