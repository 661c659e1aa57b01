"""The baseline of the signing benchmark: a bare Django view doing one INSERT, no middleware.

Served by the same WSGI server, on the same database, as the real signing endpoint.
"""

from __future__ import annotations

import os

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_bare_signature"


@csrf_exempt
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (email, name, created_at) VALUES (%s, %s, CURRENT_TIMESTAMP)",
            [request.POST.get("email", ""), request.POST.get("name", "")],
        )
    return HttpResponse("ok")


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
    )

urlpatterns = [path("insert/", insert)]
application = get_wsgi_application()
