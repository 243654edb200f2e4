from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "backrelease.devtools"
    label = "devtools"
    verbose_name = "Development tools"
