"""The days of the week as reminders store them."""

from __future__ import annotations

from django.db import models


class Weekday(models.IntegerChoices):
    """Monday first, as Python's `date.weekday()` counts."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"
