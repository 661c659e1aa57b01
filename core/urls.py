"""URL map: core pages, accounts, the Wagtail admin, then each plugin under ``/<slug>/``."""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from core import accessibility, account_views, views
from core.api.urls import account_urlpatterns as account_api_urls
from core.plugin_host import call_each

core_patterns = (
    [
        path("", views.home, name="home"),
        path("o/<slug:slug>/", views.organisation_home, name="organisation"),
        path("spaces/<slug:slug>/", views.space_detail, name="space"),
        path("language/", views.switch_language, name="switch_language"),
        path("o/<slug:slug>/accessibilite/", accessibility.statement, name="accessibility"),
        # The person's own data (docs/privacy.md).
        path("compte/donnees/", account_views.my_data, name="my_data"),
        path("compte/donnees/<str:token>/", account_views.download_export, name="data_export"),
        path("compte/supprimer/", account_views.delete_account, name="delete_account"),
    ],
    "core",
)

# A database outage answers 503 with Retry-After; the API keeps its error format.
handler500 = "core.server_errors.server_error"

urlpatterns = [
    path("", include(core_patterns)),
    path("contributions/", include("core.contributions.urls")),
    path("moderation/", include("core.moderation.urls")),
    path("comments/", include("core.comments.urls")),
    path("notifications/", include("core.notifications.urls")),
    path("search/", include("core.search.urls")),
    path("participation/", include("core.participation.urls")),
    path("identity/", include("core.identity.urls")),
    # ActivityPub: /.well-known/webfinger, /nodeinfo/2.1, /federation/... (docs/FEDERATION.md).
    path("", include("federation.urls")),
    # The public REST API (docs/api.md) and the account's API tokens.
    path("api/v1/", include("core.api.urls")),
    path("compte/api/", include(account_api_urls)),
    path("open-data/", include("core.opendata.urls")),
    # Each organisation's privacy notice, processing register and legal notices (docs/privacy.md).
    path("", include("core.retention.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

# Each plugin's URLs live under /<slug>/ in the namespace <slug> (see PluginGateMiddleware).
for slug, patterns in call_each("urlpatterns"):
    if slug == "core":
        continue
    urlpatterns.append(path(f"{slug}/", include((patterns, slug), namespace=slug)))

if settings.MODE != "production":
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the content pages agents write (legal notices, news) last.
urlpatterns.append(path("", include(wagtail_urls)))
