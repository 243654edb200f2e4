"""The days of the week as reminders store them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Weekday(models.IntegerChoices):
    """Monday first, as Python's `date.weekday()` counts."""

    MONDAY = 0, gettext_lazy("Monday")
    TUESDAY = 1, gettext_lazy("Tuesday")
    WEDNESDAY = 2, gettext_lazy("Wednesday")
    THURSDAY = 3, gettext_lazy("Thursday")
    FRIDAY = 4, gettext_lazy("Friday")
    SATURDAY = 5, gettext_lazy("Saturday")
    SUNDAY = 6, gettext_lazy("Sunday")
