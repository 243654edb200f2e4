"""Dates as each language writes them: a template names a format the English way ("j M Y") and
gets the active language's own (German writes "j. M Y"), from the catalogs. Built into every
template (settings.TEMPLATES); machine-read dates keep Django's `date` filter ("c", "Y-m-d")."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import template
from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

register = template.Library()

# Translators: how a date is written, in Django's date format letters; reorder and punctuate
# them as your language writes dates ("j. M Y" gives "7. Dez. 2026").
FORMATS = {
    "j M": pgettext_lazy("date format", "j M"),
    "j M Y": pgettext_lazy("date format", "j M Y"),
    "j M Y, H:i": pgettext_lazy("date format", "j M Y, H:i"),
    "j M, H:i": pgettext_lazy("date format", "j M, H:i"),
    "D j M": pgettext_lazy("date format", "D j M"),
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    "D j M Y, H:i": pgettext_lazy("date format", "D j M Y, H:i"),
    r"D j M \a\t H:i": pgettext_lazy("date format", r"D j M \a\t H:i"),
    "l j F": pgettext_lazy("date format", "l j F"),
}


@register.filter(expects_localtime=True)
def local_date(value, name: str) -> str:
    """`value` written with the format `name` as the active language writes it."""
    if value in (None, ""):
        return ""
    return date_format(value, str(FORMATS[name]))


@register.filter(expects_localtime=True)
def local_end(value: datetime | None) -> str:
    """When something chosen to last "until" a day ends: an end at local midnight is written as
    the day it closes, as the person chose it ("until 6 Jan 2027" ends as 7 Jan begins); any other
    end, a link cut short by its longest lifetime say, with its time."""
    if value is None:
        return ""
    if value.time() == time.min:
        return local_date(value.date() - timedelta(days=1), "j M Y")
    return local_date(value, "j M Y, H:i")
