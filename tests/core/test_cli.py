"""The ``parvis`` command: clear one-line errors, and the demo set-up."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run_parvis(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
               timeout: int = 120) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PARVIS_MODE", "PARVIS_DATA_DIR"}}
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", *args],
        env=base, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


def assert_one_clean_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://user:pw@localhost/parvis", "Parvis supports PostgreSQL"),
        ("nonsense://", "DATABASE_URL is not valid"),
    ],
)
def test_bad_database_url_gives_one_clear_line(tmp_path, url, fragment):
    result = run_parvis("check", env={"PARVIS_MODE": "demo", "PARVIS_DATA_DIR": str(tmp_path),
                                      "DATABASE_URL": url})
    assert_one_clean_error(result, "parvis: error:", fragment)
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_without_secret_key_is_refused(tmp_path):
    env = {"PARVIS_MODE": "production", "PARVIS_DATA_DIR": str(tmp_path),
           "DJANGO_SECRET_KEY": "", "PARVIS_SECRET_KEY": ""}
    result = run_parvis("check", env=env)
    assert_one_clean_error(result, "DJANGO_SECRET_KEY is not set")


def test_unknown_mode_is_refused(tmp_path):
    result = run_parvis("check", env={"PARVIS_MODE": "staging", "PARVIS_DATA_DIR": str(tmp_path)})
    assert_one_clean_error(result, "PARVIS_MODE='staging' is not known")


def test_unreachable_database_gives_one_clear_line(tmp_path):
    env = {"PARVIS_MODE": "demo", "PARVIS_DATA_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://parvis:pw@127.0.0.1:9/parvis"}
    result = run_parvis("migrate", env=env)
    assert_one_clean_error(result, "parvis: error: cannot use the database", "DATABASE_URL")


def _fake_distribution(root: Path, name: str, entry_point: str) -> None:
    info = root / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[parvis.plugins]\n{entry_point}\n")


def test_plugin_whose_module_is_missing_is_reported_by_the_checks(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(site, "broken_plugin", "broken = does_not_exist.hooks")
    env = {"PARVIS_MODE": "demo", "PARVIS_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = run_parvis("check", env=env)
    assert_one_clean_error(result, "parvis.E002", "'broken'", "pip uninstall broken_plugin")


def test_incompatible_plugin_is_reported_and_not_loaded(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(site, "future_plugin", "future = future_plugin.hooks")
    package = site / "future_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "hooks.py").write_text(
        "from core.plugins import PluginInfo\n"
        "plugin = PluginInfo(name='Future', version='3.0', description='', licence='MIT',"
        " core_compatibility='>=9.0')\n"
    )
    env = {"PARVIS_MODE": "demo", "PARVIS_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = run_parvis("check", env=env)
    assert_one_clean_error(result, "parvis.E003", "requires Parvis >=9.0")
    listing = run_parvis("plugins", env=env)
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if line.startswith("future "))
    assert " NO " in line


def test_demo_prepares_a_database_with_both_organisations(tmp_path):
    result = run_parvis("demo", "--no-serve", env={"PARVIS_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Password:" in result.stdout
    password = result.stdout.split("Password:")[1].split()[0]
    with sqlite3.connect(tmp_path / "parvis.sqlite3") as db:
        names = {row[0] for row in db.execute("select name from core_organisation")}
        spaces = db.execute("select count(*) from core_space where is_published").fetchone()[0]
        (hashed,) = db.execute("select password from core_user where is_superuser").fetchone()
        budget = db.execute("select stage, results is not null from participatory_budget_budget").fetchone()
        funded = db.execute("select count(*) from participatory_budget_project p join contributions_contribution c "
                            "on c.id = p.contribution_id where c.status in ('selected', 'in_progress', 'done')").fetchone()[0]
        milestones = db.execute("select count(*) from participatory_budget_milestone").fetchone()[0]
    assert names == {"Saint-Aubin-des-Prés", "Collectif Santé Environnement"}
    assert spaces == 2
    # The demo's participatory budget went from proposals to implementation.
    assert budget == ("implementation", 1) and funded >= 2 and milestones == 1
    assert password not in hashed and hashed.startswith(("pbkdf2", "argon2"))
    # A second run keeps the data and the password the first one printed (a running demo's).
    again = run_parvis("demo", "--no-serve", env={"PARVIS_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split("Password:")[1].split()[0] == password
    with sqlite3.connect(tmp_path / "parvis.sqlite3") as db:
        assert db.execute("select count(*) from core_organisation").fetchone()[0] == 2


# -- Commands that serve nothing and sign nothing run with no configuration ------------------

ROOT = Path(__file__).resolve().parents[2]
PABULIB = ROOT / "plugins" / "participatory_budget" / "tests" / "data" / "pabulib"
REPORT_DJANGO = (
    "import sys\n"
    "from core.cli import main\n"
    "status = 0\n"
    "try:\n"
    "    main(['parvis', *sys.argv[1:]])\n"
    "except SystemExit as exit:\n"
    "    status = exit.code\n"
    "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
    "print('STATUS', status, 'DJANGO', len(loaded), file=sys.stderr)\n"
)


def run_unconfigured(*args: str, cwd: Path, code: str = "from core.cli import main; main()"):
    """``parvis ARGS`` from ``cwd`` with nothing configured: no DJANGO_*/PARVIS_* variable."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _ledger_export(folder: Path) -> Path:
    from tests.ledger.helpers import build_log

    path = folder / "export.json"
    path.write_text(build_log(20, "petition", head_every=10, seed=3).text, encoding="utf-8")
    return path


def test_pb_tally_runs_unconfigured_from_any_folder(tmp_path):
    from plugins.participatory_budget.tally import load

    path = PABULIB / "Poland_Krakow_2024_Bienczyce.pb"
    result = run_unconfigured("pb", "tally", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(load(path).official_selection())
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_number_ends_pb_tally_with_one_line(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;1/0\nPROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n")
    result = run_unconfigured("pb", "tally", "bad.pb", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "parvis: error: bad.pb:3: budget '1/0' is not a number (division by zero)\n"


def test_verify_runs_unconfigured_from_any_folder(tmp_path):
    export = _ledger_export(tmp_path)
    result = run_unconfigured("verify", str(export), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")
    missing = run_unconfigured("verify", "missing.json", cwd=tmp_path)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr.startswith("verify: error: ") and len(missing.stderr.splitlines()) == 1


def test_plugins_runs_unconfigured_from_any_folder(tmp_path):
    result = run_unconfigured("plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    slugs = {row["slug"]: row["enabled"] for row in json.loads(result.stdout)}
    assert slugs["participatory_budget"] is True and slugs["petitions"] is True


@pytest.mark.parametrize("args", [["pb", "tally", str(PABULIB / "Poland_Krakow_2024_Bienczyce.pb")], ["verify"]])
def test_pb_tally_and_verify_do_not_start_django(tmp_path, args):
    if args == ["verify"]:
        args = ["verify", str(_ledger_export(tmp_path))]
    result = run_unconfigured(*args, cwd=tmp_path, code=REPORT_DJANGO)
    assert result.stderr.splitlines()[-1] == "STATUS 0 DJANGO 0", result.stderr


def test_commands_that_serve_or_sign_still_need_a_secret_key_in_production(tmp_path):
    for args in (["runserver", "--noreload", "127.0.0.1:9"], ["createsuperuser", "--noinput"], ["migrate"]):
        result = run_unconfigured(*args, cwd=tmp_path)
        assert_one_clean_error(result, "parvis: error: DJANGO_SECRET_KEY is not set")
    wsgi = run_unconfigured(cwd=tmp_path, code="import core.wsgi")
    assert wsgi.returncode != 0 and "DJANGO_SECRET_KEY is not set" in wsgi.stderr


def test_a_command_without_secret_key_cannot_sign(tmp_path):
    code = (
        "import core, os, django\n"
        "core.SECRET_KEY_OPTIONAL = True\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'core.settings'\n"
        "django.setup()\n"
        "from django.core import signing\n"
        "signing.dumps('anything')\n"
    )
    result = run_unconfigured(cwd=tmp_path, code=code)
    assert result.returncode != 0
    assert "ImproperlyConfigured: The SECRET_KEY setting must not be empty." in result.stderr
