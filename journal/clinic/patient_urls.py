"""The patient's practices, under /sharing/practices/."""

from django.urls import path

from journal.clinic import patient_views

app_name = "practices"
urlpatterns = [
    path("", patient_views.practices_page, name="list"),
    path("grant/", patient_views.grant, name="grant"),
    path("<int:pk>/revoke/", patient_views.revoke, name="revoke"),
    path("requests/<int:pk>/", patient_views.answer_request, name="answer"),
]
