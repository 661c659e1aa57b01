from django.urls import path

from core.retention import views

app_name = "retention"
urlpatterns = [
    path("o/<slug:slug>/donnees-personnelles/", views.privacy_notice, name="privacy_notice"),
    path("o/<slug:slug>/mentions-legales/", views.legal_notice, name="legal_notice"),
    path("o/<slug:slug>/registre-des-traitements/", views.register, name="register"),
    path("o/<slug:slug>/registre-des-traitements.csv", views.register_csv, name="register_csv"),
    path("o/<slug:slug>/registre-des-traitements.json", views.register_json, name="register_json"),
    path("o/<slug:slug>/donnees-personnelles/reglages/", views.edit_settings, name="settings"),
]
