"""URLs of follows and notifications, mounted under ``/notifications/``."""

from django.urls import path

from core.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mark-read/", views.mark_read, name="mark_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("follow/<slug:target_type>/<int:pk>/", views.follow, name="follow"),
    path("spaces/<slug:slug>/message/", views.space_message, name="space_message"),
]
