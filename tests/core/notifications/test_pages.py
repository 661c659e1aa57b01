"""The inbox and the preferences page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.notifications.models import EmailMode, Notification, NotificationPreference
from core.notifications.services import follow, notify
from tests.conftest import make_user
from tests.core.notifications.conftest import csrf_client

INBOX = reverse("notifications:inbox")
MARK_READ = reverse("notifications:mark_read")
PREFERENCES = reverse("notifications:preferences")


@pytest.mark.parametrize("url", [INBOX, PREFERENCES])
def test_pages_need_an_account(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_inbox_lists_own_notifications_with_unread_ones_marked(client, citizen, commune_admin):
    notify([citizen], "probe.update", title="Déjà lue", url="/a/")
    Notification.objects.update(read_at="2026-01-01T00:00Z")
    notify([citizen], "probe.reminder", title="Toute neuve", body="Ligne 1\nLigne 2")
    notify([commune_admin], "probe.update", title="Pas pour vous")
    client.force_login(citizen)
    html = client.get(INBOX).content.decode()
    assert "Pas pour vous" not in html
    assert html.index("Toute neuve") < html.index("Déjà lue")
    assert html.count('class="card unread"') == 1 and html.count("non lue") == 1
    assert '<a href="/a/">Déjà lue</a>' in html
    assert "Ligne 1<br>Ligne 2" in html and "Rappel" in html


def test_inbox_pages_by_25_and_tolerates_bad_page_numbers(client, citizen):
    for index in range(30):
        notify([citizen], "probe.update", title=f"Numéro {index:02d}")
    client.force_login(citizen)
    first = client.get(INBOX).content.decode()
    assert first.count('class="card unread"') == 25 and "Page 1 sur 2" in first
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert second.count('class="card unread"') == 5 and "Numéro 00" in second
    for page in ("abc", "999", "-1"):
        assert client.get(INBOX, {"page": page}).status_code == 200


def test_inbox_query_count_does_not_grow_with_notifications(client, citizen):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX).status_code == 200
        return len(captured)

    client.force_login(citizen)
    for index in range(5):
        notify([citizen], "probe.update", title=f"N{index}")
    few = queries()
    for index in range(55):
        notify([citizen], "probe.reminder", title=f"M{index}")
    assert Notification.objects.count() == 60
    assert queries() == few


def test_mark_read_marks_what_the_page_showed(client, citizen, commune_admin):
    notify([citizen, commune_admin], "probe.update", title="Vue")
    client.force_login(citizen)
    latest = client.get(INBOX).context["latest_id"]
    notify([citizen], "probe.update", title="Arrivée entre-temps")
    response = client.post(MARK_READ, {"up_to": latest})
    assert response.status_code == 302 and response.url == INBOX
    unread = Notification.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("title", "recipient__email")) == [
        ("Arrivée entre-temps", citizen.email), ("Vue", commune_admin.email)
    ]
    client.post(MARK_READ)
    assert list(unread.values_list("recipient__email", flat=True)) == [commune_admin.email]


def test_mark_read_needs_a_post_an_account_and_a_csrf_token(client, citizen):
    notify([citizen], "probe.update", title="Pas encore lue")
    assert client.post(MARK_READ).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(MARK_READ).status_code == 405
    csrf, token = csrf_client(citizen)
    assert csrf.post(MARK_READ).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert csrf.post(MARK_READ, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_set_the_email_mode_and_muted_kinds(client, citizen):
    NotificationPreference.objects.create(user=citizen, muted_kinds=["retired_plugin.news"])
    client.force_login(citizen)
    page = client.get(PREFERENCES).content.decode()
    assert "Nouvelles du projet" in page and "Rappel" in page and "un résumé quotidien" in page
    response = client.post(PREFERENCES, {"email_mode": "daily", "muted_kinds": ["probe.reminder"]})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=citizen)
    assert preference.email_mode == EmailMode.DAILY
    # A kind no plugin declares now keeps its mute (the plugin may come back).
    assert preference.muted_kinds == ["probe.reminder", "retired_plugin.news"]
    assert "Vos préférences sont enregistrées." in client.get(PREFERENCES).content.decode()


@pytest.mark.parametrize(
    "data", [{"email_mode": "weekly"}, {}, {"email_mode": "never", "muted_kinds": ["probe.nope"]}]
)
def test_bad_preferences_are_refused_with_a_message(client, citizen, data):
    client.force_login(citizen)
    response = client.post(PREFERENCES, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="error"' in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_preferences_need_a_csrf_token(citizen):
    client, token = csrf_client(citizen)
    assert client.post(PREFERENCES, {"email_mode": "never"}).status_code == 403
    assert not NotificationPreference.objects.exists()
    client.post(PREFERENCES, {"email_mode": "never", "csrfmiddlewaretoken": token})
    assert NotificationPreference.objects.get(user=citizen).email_mode == EmailMode.NEVER


def test_preferences_list_what_the_person_follows(client, citizen, space, contribution):
    follow(citizen, space)
    follow(citizen, contribution)
    hidden = type(contribution).objects.create(
        space=space, plugin="probe", kind="idea", title="Propos injurieux", status="received",
        is_hidden=True,
    )
    follow(citizen, hidden)
    follow(make_user("other@example.org"), space)
    client.force_login(citizen)
    html = client.get(PREFERENCES).content.decode()
    assert "Espace centre-bourg" in html and "Un banc place de l&#x27;église" in html
    assert "Propos injurieux" not in html and "Contribution masquée" in html
    assert html.count("Ne plus suivre") == 3
