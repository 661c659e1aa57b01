from django.urls import path

from core.comments import views

app_name = "comments"
urlpatterns = [
    path("on/<int:contribution_pk>/", views.post, name="post"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
