from django.contrib.auth import views as auth_views
from django.urls import include, path

from backrelease import views
from journal import views as journal_views
from sessions.reminders import views as reminder_views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/settings/", views.account_settings, name="account-settings"),
    path("accounts/export.json", views.export_json, name="export-json"),
    path("accounts/export.csv", views.export_csv, name="export-csv"),
    path("accounts/import/", views.import_data, name="import"),
    path("accounts/delete/", views.delete_account, name="delete-account"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/email/", views.email_address, name="email-address"),
    path("accounts/email/confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("sessions/", include("sessions.urls")),
    path("journal/", include("journal.urls")),
    path("trends/", journal_views.trend_view, name="trends"),
    path("trends/weekly.csv", journal_views.trend_weekly_csv, name="trends-weekly-csv"),
    path("trends/figures.json", journal_views.trend_figures, name="trends-figures"),
    path("trends/insights/", journal_views.trend_insights, name="trends-insights"),
    path("sharing/", include("journal.sharing.urls")),
    path("shared/", include("journal.sharing.clinician_urls")),
    path("reminders/", include("sessions.reminders.urls")),
    path("calendar/<str:token>.ics", reminder_views.feed, name="calendar-feed"),
    path("undo/<int:pk>/", views.undo, name="undo"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline_page, name="offline"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]

handler500 = "backrelease.views.server_error"
