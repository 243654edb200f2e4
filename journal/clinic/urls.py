"""The clinician's pages, under /clinic/."""

from django.urls import path

from journal.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.patients, name="patients"),
    path("join/", views.join, name="join"),
    path("two-factor/", views.second_factor, name="two-factor"),
    path("practice/", views.practice, name="practice"),
    path("practice/code/", views.new_code, name="new-code"),
    path("practice/invite/", views.invite, name="invite"),
    path("practice/ask/", views.ask, name="ask"),
    # The token-free page first: the mailed link's token moves into the session.
    path("invitation/accept/", views.invitation_accept, name="invitation-accept"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("patients/<int:pk>/", views.patient, name="patient"),
    path("patients/<int:pk>/reviewed/", views.reviewed, name="reviewed"),
    path("patients/<int:pk>/printed/", views.printed, name="printed"),
    path("patients/<int:pk>/figures.json", views.patient_figures, name="figures"),
    path("patients/<int:pk>/insights/", views.patient_insights, name="insights"),
    path("patients/<int:pk>/back-release.csv", views.patient_csv, name="csv"),
    path("patients/<int:pk>/fhir.json", views.patient_fhir, name="fhir"),
    path("patients/<int:pk>/weekly.csv", views.patient_weekly_csv, name="weekly-csv"),
]
