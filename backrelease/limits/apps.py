from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "backrelease.limits"
    label = "limits"
    verbose_name = "Rate limits"
