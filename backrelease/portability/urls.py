"""A person's own data, under /accounts/."""

from django.urls import path

from backrelease.portability import views

urlpatterns = [
    path("export.json", views.export_json, name="export-json"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("import/", views.import_data, name="import"),
]
