from django.apps import AppConfig


class ReleaseSessionsConfig(AppConfig):
    # django.contrib.sessions already holds the label "sessions".
    name = "sessions"
    label = "release_sessions"
    verbose_name = "Release sessions"
    default_auto_field = "django.db.models.BigAutoField"
