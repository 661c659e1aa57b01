from django.urls import path

from plugins.petitions import signing, staff_views, views

urlpatterns = [
    path("", views.petition_list, name="index"),
    path("c/<int:component_id>/", views.petition_list, name="component"),
    path("c/<int:component_id>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/count.json", views.count, name="count"),
    path("<int:pk>/sponsor/", views.sponsor, name="sponsor"),
    path("<int:pk>/sign/", signing.sign, name="sign"),
    path("confirm/<str:token>/", signing.confirm, name="confirm"),
    path("withdraw/<str:token>/", signing.withdraw, name="withdraw"),
    path("<int:pk>/accept/", staff_views.accept, name="accept"),
    path("<int:pk>/reject/", staff_views.reject, name="reject"),
    path("<int:pk>/respond/", staff_views.respond, name="respond"),
    path("<int:pk>/fraud/", staff_views.fraud, name="fraud"),
    path("<int:pk>/export.csv", staff_views.export, name="export"),
]
