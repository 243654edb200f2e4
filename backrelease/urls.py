"""Every address of the app: each feature's own URLs, mounted where people and scripts expect
them."""

from django.urls import include, path

from backrelease.accounts.views import undo_delete

urlpatterns = [
    path("", include("backrelease.pages.urls")),
    path("accounts/", include("backrelease.accounts.urls")),
    path("accounts/", include("backrelease.portability.urls")),
    path("undo/<int:pk>/", undo_delete, name="undo"),
    path("sessions/", include("sessions.urls")),
    path("journal/", include("journal.urls")),
    path("trends/", include("journal.trend_urls")),
    path("sharing/practices/", include("journal.clinic.patient_urls")),
    path("sharing/", include("journal.sharing.urls")),
    path("clinic/", include("journal.clinic.urls")),
    path("shared/", include("journal.sharing.clinician_urls")),
    path("trial/", include("journal.trial.urls")),
    path("reminders/", include("sessions.reminders.urls")),
    path("calendar/", include("sessions.reminders.feed_urls")),
]

handler500 = "backrelease.pages.views.server_error"
