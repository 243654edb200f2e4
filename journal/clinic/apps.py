from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "journal.clinic"
    label = "clinic"
    verbose_name = _("Clinician workspace")
    default_auto_field = "django.db.models.BigAutoField"
