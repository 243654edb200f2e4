from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds
from journal.forms import DATE_INPUT
from journal.sharing import DEFAULT_DAYS, MAX_DAYS


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        validators=[bounds.validate_single_line],
        help_text=_("Who it is for, such as “Dr Lee, physio”."),
        error_messages={
            "required": _("Say who the link is for, so you can tell your links apart.")
        },
    )
    expires_on = forms.DateField(
        label=_("Works until"),
        widget=DATE_INPUT,
        help_text=_("At most a year from today."),
        error_messages={"invalid": _("Enter a date, such as 2026-12-25.")},
    )
    include_notes = forms.BooleanField(
        required=False,
        label=_("Include my notes"),
        help_text=_("Ratings are always shown; notes only if you tick this."),
    )
    shows_from = forms.DateField(
        required=False,
        label=_("Show from"),
        widget=DATE_INPUT,
        validators=[bounds.validate_not_before_2000],
        help_text=_("Leave both dates empty to share everything."),
    )
    shows_until = forms.DateField(
        required=False,
        label=_("Show until"),
        widget=DATE_INPUT,
        validators=[bounds.validate_not_before_2000],
    )

    def __init__(self, *args, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.initial.setdefault("expires_on", today + timedelta(days=DEFAULT_DAYS))

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on < self.today:
            raise forms.ValidationError(gettext("Pick today or a later day."))
        if expires_on > self.today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(gettext("A link can work for a year at most."))
        return expires_on

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("shows_from"), cleaned.get("shows_until")
        if since and until and since > until:
            self.add_error("shows_until", gettext("The end of the range comes before its start."))
        if since and since > self.today:
            self.add_error("shows_from", gettext("Start the range today or earlier."))
        expires_on = cleaned.get("expires_on")
        if until and expires_on and until > expires_on:
            self.add_error(
                "shows_until", gettext("End the range by the day the link stops working.")
            )
        return cleaned
