"""Values kept in a process's memory: expiry, bound, forgotten when a watched model changes."""

from __future__ import annotations

import pytest

from core import process_cache
from core.process_cache import ProcessCache


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    return now


def test_entries_live_the_configured_delay(settings, clock):
    settings.TEST_KEPT_SECONDS = 5
    cache = ProcessCache("TEST_KEPT_SECONDS", 1)
    assert cache.set("a", 1) == 1 and cache.get("a") == 1
    clock[0] += 4.9
    assert cache.get("a") == 1
    clock[0] += 0.2
    assert cache.get("a") is None
    settings.TEST_KEPT_SECONDS = 0
    assert cache.set("b", 2) == 2 and cache.get("b") is None  # 0 keeps nothing


def test_the_number_of_entries_is_bounded(clock):
    cache = ProcessCache("UNSET_SETTING", 60, max_entries=10)
    for i in range(25):
        cache.set(i, i)
    assert len(cache._entries) <= 10 and cache.get(24) == 24


def test_saving_a_watched_model_forgets_everything_and_clear_all_empties_every_cache(commune, clock):
    watching = ProcessCache("UNSET_SETTING", 60, watch=["core.Organisation"])
    other = ProcessCache("UNSET_SETTING", 60)
    watching.set("name", commune.name)
    other.set("x", 1)
    commune.name = "Saint-Aubin-sur-Mer"
    commune.save()
    assert watching.get("name") is None and other.get("x") == 1
    process_cache.clear_all()
    assert other.get("x") is None


def test_a_renamed_organisation_shows_at_once_with_the_host_cache_on(client, commune, settings):
    from wagtail.models import Page, Site

    settings.PARVIS_ORGANISATION_CACHE_SECONDS = 60
    commune.site = Site.objects.create(hostname="saint-aubin.example", port=80, root_page=Page.get_first_root_node())
    commune.save()
    assert "Saint-Aubin" in client.get("/", HTTP_HOST="saint-aubin.example").content.decode()
    commune.name = "Commune nouvelle du Val"
    commune.save()
    assert "Commune nouvelle du Val" in client.get("/", HTTP_HOST="saint-aubin.example").content.decode()
