from django.apps import AppConfig


class CapabilityConfig(AppConfig):
    name = "backrelease.capability"
    label = "capability"
    verbose_name = "Capability URLs"
