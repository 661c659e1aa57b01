# Fixtures shared by the tests of the core, of the built-in plugins and of the sample plugin.
import json
import os
from pathlib import Path

import pytest

pytest_plugins = ["core.testing"]

# Test modules that check nothing a database back-end can change: role checks on responses,
# URL declarations, hook documentation, the tally engine's arithmetic, command-line start-up.
# They are marked ``portable`` and run once, on the embedded default; ``tox -e integration``
# runs every other test again on PostgreSQL and Redis. A new module runs on both until it is
# listed here, so the safe default needs no thought.
PORTABLE_MODULES = (
    "tests/gates/test_permissions.py",
    "tests/gates/test_declarations.py",
    "tests/test_hookspecs_meta.py",
    "tests/core/test_cli.py",
    "plugins/participatory_budget/tests/test_tally_pabulib.py",
    "plugins/participatory_budget/tests/test_tally_rules.py",
    "plugins/participatory_budget/tests/test_tally_properties.py",
    "plugins/participatory_budget/tests/test_pabulib_fuzz.py",
)

_ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    portable = {(_ROOT / name).resolve() for name in PORTABLE_MODULES}
    for item in items:
        if Path(str(item.path)).resolve() in portable:
            item.add_marker(pytest.mark.portable)


# The gates' reports (tests/gates/conftest.py): with ``pytest -n``, each worker writes a part of
# each report; the main process, which alone sees the whole run end, joins them.
_GATE_REPORTS = _ROOT / "test-reports" / "gates"


def pytest_sessionstart(session):
    if not os.environ.get("PYTEST_XDIST_WORKER") and _GATE_REPORTS.is_dir():
        for stale in _GATE_REPORTS.glob("*.part"):
            stale.unlink()


def pytest_sessionfinish(session):
    if os.environ.get("PYTEST_XDIST_WORKER") or not _GATE_REPORTS.is_dir():
        return
    reports: dict[str, list] = {}
    for part in sorted(_GATE_REPORTS.glob("*.part")):
        reports.setdefault(part.name.split(".", 1)[0], []).extend(json.loads(part.read_text()))
        part.unlink()
    for name, rows in reports.items():
        (_GATE_REPORTS / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
