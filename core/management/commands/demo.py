"""``parvis demo``: a complete demo instance on SQLite, with its background worker."""

from __future__ import annotations

import os
import subprocess

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.celery import worker_command
from core.demo import ensure_admin, load_demo, serve_at


class Command(BaseCommand):
    help = "Start a demo instance: SQLite, demo data, an administrator, web server and worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database and data, then exit."
        )
        parser.add_argument(
            "--reset-password", action="store_true",
            help="Give the administrator a new password (later runs keep it otherwise).",
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, reset_password: bool, **options):
        self.stdout.write(f"Parvis demo — data in {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        login = ensure_admin(reset_password=reset_password)
        base = serve_at(host, port)  # before the data: it stores some of its addresses
        created = load_demo()
        if created:
            self.stdout.write("Demo data loaded: Saint-Aubin-des-Prés and Collectif Santé Environnement.")
        if os.environ.get("PARVIS_BASE_URL", base) != base:
            self.stdout.write(f"PARVIS_BASE_URL={os.environ['PARVIS_BASE_URL']} is replaced by {base} "
                              "(the demo's links follow --host and --port).")
        if login.password is None:
            password = ("unchanged, and changed since the demo made it: "
                        "`parvis demo --reset-password` gives a new one")
        elif login.is_new:
            password = f"{login.password}  (new)"
        else:
            password = f"{login.password}  (unchanged; `parvis demo --reset-password` gives a new one)"
        mail = getattr(settings, "EMAIL_FILE_PATH", None)
        self.stdout.write(self.style.SUCCESS(
            f"\n  Site:   {base}/\n  Admin:  {base}/admin/\n"
            f"  Login:  {login.email}\n  Password: {password}\n"
            + (f"  Mail sent by the demo is written to {mail}\n" if mail else "")
        ))
        if no_serve:
            return
        worker = subprocess.Popen(worker_command(), env={**os.environ, "PARVIS_MODE": "demo", "PARVIS_BASE_URL": base})
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
