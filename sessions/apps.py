from django.apps import AppConfig


class ReleaseSessionsConfig(AppConfig):
    # django.contrib.sessions already holds the label "sessions".
    name = "sessions"
    label = "release_sessions"
    verbose_name = "Release sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from sessions import wording

        # The wording rows come from migrations; a `flush` (as tests that empty every table do)
        # removes them without running the migrations again, so they are written back after it,
        # as Django writes back its content types.
        post_migrate.connect(wording.reseed, sender=self, dispatch_uid="rating_wording_reseed")
