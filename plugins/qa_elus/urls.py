from django.urls import path

from plugins.qa_elus import staff_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("o/<slug:slug>/", views.question_list, name="questions"),
    path("o/<slug:slug>/classement/", views.ranking, name="ranking"),
    path("o/<slug:slug>/moderation/", staff_views.moderation, name="moderation"),
    path("c/<int:component_id>/", views.component, name="component"),
    path("c/<int:component_id>/poser/", views.ask, name="ask"),
    path("q/<int:pk>/", views.question, name="question"),
    path("q/<int:pk>/soutenir/", views.support, name="support"),
    path("q/<int:pk>/relancer/", views.follow_up, name="follow_up"),
    path("q/<int:pk>/repondre/", staff_views.answer, name="answer"),
    path("q/<int:pk>/moderer/", staff_views.moderate, name="moderate"),
    path("elus/<int:pk>/", views.official, name="official"),
    path("tableau-de-bord/", staff_views.dashboard, name="dashboard"),
]
