from django.urls import path

from core.moderation import views

app_name = "moderation"
urlpatterns = [
    path("report/<str:target_type>/<int:pk>/", views.report, name="report"),
    path("decide/<str:target_type>/<int:pk>/", views.decide, name="decide"),
    path("o/<slug:slug>/", views.queue, name="queue"),
    path("o/<slug:slug>/charter/", views.charter, name="charter"),
    path("o/<slug:slug>/log/", views.public_log, name="log"),
]
