"""With Redis unreachable, petitions are still read, signed and listed from the database, and the
signing limits fall back to each process's memory."""

from __future__ import annotations

from django.test import Client

from plugins.petitions.models import Signature


def _sign(petition, n: int, ip: str = "203.0.113.1"):
    return Client(raise_request_exception=False, REMOTE_ADDR=ip).post(
        f"/petitions/{petition.pk}/sign/", {"name": "Léa Martin", "email": f"lea{n}@example.org", "consent": "on"})


def test_pages_signing_and_the_api_work_without_redis(open_petition, redis_down, django_capture_on_commit_callbacks):
    client = Client(raise_request_exception=False)
    assert client.get(open_petition.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign(open_petition, 0)
    assert response.status_code == 200 and "Plus qu'une étape" in response.content.decode()
    assert Signature.objects.filter(email="lea0@example.org").exists()
    listing = client.get("/api/v1/petitions/")
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == open_petition.pk


def test_the_signing_limit_falls_back_to_the_process_memory(open_petition, redis_down, settings):
    settings.PETITIONS_SIGNATURES_PER_IP_PER_HOUR = 2
    assert [_sign(open_petition, n).status_code for n in range(2)] == [200, 200]
    assert "Trop de signatures" in _sign(open_petition, 2).content.decode()
    assert _sign(open_petition, 3, ip="203.0.113.2").status_code == 200
    assert Signature.objects.count() == 3
