from django.urls import path

from core.contributions import views

app_name = "contributions"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="change_status"),
    path("<int:pk>/answer/", views.publish_answer, name="publish_answer"),
    path("spaces/<slug:slug>/activity/", views.space_activity, name="space_activity"),
]
