from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from backrelease.models import User, time_zone_choices


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=time_zone_choices,
            error_messages={
                "invalid_choice": "Pick a time zone from the list, such as Europe/London."
            },
            **kwargs,
        )


class SignupForm(UserCreationForm):
    # Filled in from the browser's own zone by static/js/timezone.js; editable before sending.
    time_zone = TimeZoneField(
        initial="UTC", help_text="Your days and weeks are counted in this zone."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "time_zone")


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(help_text="Your days and weeks are counted in this zone.")

    class Meta:
        model = User
        fields = ("display_name", "time_zone")
