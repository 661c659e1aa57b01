from django.urls import path

from core.identity import agent_views, views

app_name = "identity"
urlpatterns = [
    path("", views.status, name="status"),
    path("census/", views.census_match, name="census_match"),
    path("code/", views.redeem_code, name="redeem_code"),
    path("oidc/<slug:provider>/", views.oidc_start, name="oidc_start"),
    path("oidc/<slug:provider>/callback/", views.oidc_callback, name="oidc_callback"),
    path("spaces/<slug:slug>/", views.space_eligibility, name="space_eligibility"),
    path("o/<slug:slug>/census/", agent_views.census_upload, name="census_upload"),
    path("o/<slug:slug>/in-person/", agent_views.in_person, name="in_person"),
    path("o/<slug:slug>/letters/", agent_views.postal_letters, name="postal_letters"),
    path("o/<slug:slug>/conflicts/", agent_views.conflicts, name="conflicts"),
    path("o/<slug:slug>/conflicts/<int:pk>/resolve/", agent_views.resolve_conflict,
         name="resolve_conflict"),
]
