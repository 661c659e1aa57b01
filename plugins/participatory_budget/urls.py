from django.urls import path

from plugins.participatory_budget import views

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:component_id>/", views.budget_page, name="component"),
    path("c/<int:component_id>/settings/", views.budget_settings, name="settings"),
    path("c/<int:component_id>/stage/", views.change_stage, name="stage"),
    path("c/<int:component_id>/propose/", views.propose, name="propose"),
    path("c/<int:component_id>/vote/", views.vote, name="vote"),
    path("c/<int:component_id>/results/", views.results_page, name="results"),
    path("c/<int:component_id>/ballots/<str:area>.pb", views.export_pb, name="export_pb"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/review/", views.review, name="review"),
    path("projects/<int:pk>/merge/", views.merge, name="merge"),
    path("projects/<int:pk>/implementation/", views.implementation, name="implementation"),
]
