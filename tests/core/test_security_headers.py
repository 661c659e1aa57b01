"""Security headers (core.security_headers) and the production security settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys

THIRD_PARTY_REQUEST = re.compile(r'(?:src|srcset|data-[a-z-]*url[a-z-]*)="(?:https?:)?//', re.I)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_public_pages_get_a_strict_content_security_policy(client, space, settings):
    settings.PARVIS_MAP_TILE_URL = ""
    response = client.get(space.get_absolute_url())
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    # No page relies on what the policy forbids.
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html


def test_the_map_tile_origin_is_allowed_for_images(client, db, settings):
    settings.PARVIS_MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert _policy(client.get("/"))["img-src"] == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
    settings.PARVIS_MAP_TILE_URL = "https://tiles.example.fr:8443/{z}/{x}/{y}.png"
    assert _policy(client.get("/"))["img-src"] == ["'self'", "data:", "https://tiles.example.fr:8443"]


def test_admin_pages_get_their_own_policy_and_ask_nothing_of_third_parties(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = _policy(response)
    # Wagtail's admin writes inline scripts and styles; every origin stays the instance's.
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]  # page previews are framed by the admin
    html = response.content.decode()
    assert "gravatar" not in html
    assert 'data-controller="w-upgrade' not in html  # no update check against wagtail.org
    assert not THIRD_PARTY_REQUEST.search(html), THIRD_PARTY_REQUEST.search(html)


def test_hsts_is_sent_over_https_when_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=3600"


def _production(*code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PARVIS_MODE"}}
    base.update({"PARVIS_MODE": "production", "DJANGO_SETTINGS_MODULE": "core.settings",
                 "DJANGO_SECRET_KEY": "k" * 30 + "-production-like-secret-" + "q" * 30,
                 "DJANGO_ALLOWED_HOSTS": "participer.example.fr"}, **env)
    return subprocess.run([sys.executable, *code], env=base, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = _production("-m", "django", "check", "--deploy", "--fail-level", "WARNING",
                         PARVIS_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_security_settings_and_their_variables(tmp_path):
    show = ("-c", "import core.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
                  "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.WAGTAIL_ENABLE_UPDATE_CHECK, "
                  "s.WAGTAIL_GRAVATAR_PROVIDER_URL)")
    assert _production(*show, PARVIS_DATA_DIR=str(tmp_path)).stdout.split() == [
        "31536000", "False", "False", "True", "False", "None"]
    changed = _production(*show, PARVIS_DATA_DIR=str(tmp_path), PARVIS_HSTS_SECONDS="600",
                          PARVIS_HSTS_INCLUDE_SUBDOMAINS="1", PARVIS_SSL_REDIRECT="0")
    assert changed.stdout.split() == ["600", "True", "False", "False", "False", "None"]
    plain_http = _production(*show, PARVIS_DATA_DIR=str(tmp_path), PARVIS_HTTPS="0")
    assert plain_http.stdout.split()[:4] == ["0", "False", "False", "False"]


# Templates rendered inside Wagtail's admin (its looser policy) or written to a file, not served.
NOT_UNDER_THE_PUBLIC_POLICY = {"core/account/export_document.html"}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_no_public_template_relies_on_inline_scripts_or_styles():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    # The project's own templates (not those of installed packages, wherever a virtualenv lies).
    templates = sorted(t for package in ("core", "federation", "plugins")
                       for t in (root / package).glob("**/templates/**/*.html"))
    assert len(templates) > 50
    for template in templates:
        name = str(template).split("/templates/", 1)[1]
        if "/admin/" in f"/{name}" or name in NOT_UNDER_THE_PUBLIC_POLICY:
            continue
        if match := INLINE.search(template.read_text()):
            offenders.append(f"{template.relative_to(root)}: {match.group(0)!r}")
    assert not offenders, offenders
