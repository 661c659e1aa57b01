"""URL patterns of the participation app (mounted at ``/participation/``)."""

from django.urls import path

from core.participation import views

app_name = "participation"
urlpatterns = [
    path("paper/<str:subject_key>/", views.paper_entry, name="paper_entry"),
    path("paper/<str:subject_key>/import/", views.paper_import_view, name="paper_import"),
    path("print/<str:subject_key>/", views.printable, name="printable"),
    path("ledger/<str:subject_key>/", views.ledger, name="ledger"),
    path("ledger/<str:subject_key>/export.json", views.export_view, name="export"),
    path("receipt/", views.receipt, name="receipt"),
    path("keys/", views.keys, name="keys"),
]
