from django.apps import AppConfig


class TrialConfig(AppConfig):
    name = "journal.trial"
    label = "trial"
    verbose_name = "Trial plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The session start page asks, through its signal, whether today is a no-ball block.
        from journal.trial import notices  # noqa: F401
