"""The clinician's read-only pages: every one lives under /shared/<token>/."""

from django.urls import path

from journal import share_views

app_name = "shared"
urlpatterns = [
    path("<str:token>/", share_views.report, name="report"),
    path("<str:token>/back-release.csv", share_views.export_csv, name="csv"),
    path("<str:token>/fhir.json", share_views.export_fhir, name="fhir"),
]
