"""The clinician's read-only pages: every one lives under /shared/<token>/."""

from django.urls import path

from journal.sharing import views

app_name = "shared"
urlpatterns = [
    path("<str:token>/", views.report, name="report"),
    path("<str:token>/back-release.csv", views.export_csv, name="csv"),
    path("<str:token>/fhir.json", views.export_fhir, name="fhir"),
    path("<str:token>/weekly.csv", views.export_weekly_csv, name="weekly-csv"),
    path("<str:token>/figures.json", views.report_figures, name="figures"),
    path("<str:token>/insights/", views.report_insights, name="insights"),
]
