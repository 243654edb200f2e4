from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backrelease.accounts"
    # The label the accounts had when they lived in the project package: their tables
    # (backrelease_user, …), migration history and AUTH_USER_MODEL keep their names.
    label = "backrelease"
    verbose_name = "Accounts"
