"""URL patterns of the open data (mounted at ``/open-data/``); the export URLs are stable."""

from django.urls import path

from core.opendata import views

app_name = "opendata"
urlpatterns = [
    path("<slug:organisation>/", views.catalogue_page, name="catalogue"),
    path("<slug:organisation>/catalogue.json", views.catalogue_json, name="catalogue_json"),
    path("<slug:organisation>/<slug:space>/<str:dataset>.<str:fmt>", views.space_export, name="space_export"),
    path("<slug:organisation>/<slug:space>/<int:component>/<str:dataset>.<str:fmt>", views.component_export,
         name="component_export"),
]
