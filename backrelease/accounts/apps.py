from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backrelease.accounts"
    # The label the accounts had when they lived in the project package: their tables
    # (backrelease_user, …), migration history and AUTH_USER_MODEL keep their names.
    label = "backrelease"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Counts wrong passwords for the limits that span addresses (a signal receiver).
        from backrelease.accounts import login_limits  # noqa: F401
