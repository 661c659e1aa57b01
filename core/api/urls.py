"""``/api/v1/`` (namespace ``api``): see core/api/main.py."""

from django.urls import path

from core.api import views
from core.api.main import urlpatterns as api_urlpatterns

app_name = "api"

urlpatterns = api_urlpatterns()

#: The token pages of the account area, mounted by core/urls.py under ``/compte/api/``.
account_urlpatterns = (
    [
        path("", views.tokens_page, name="tokens"),
        path("<int:token_id>/revoquer/", views.revoke, name="revoke"),
    ],
    "api_tokens",
)
