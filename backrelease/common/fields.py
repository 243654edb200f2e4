"""Form fields every feature asks ratings and notes with, so a scale reads the same everywhere."""

from __future__ import annotations

from django import forms

from backrelease.common import bounds


def rating_field(high: int, *, required: bool, what: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(high + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose your {what}: a whole number from 0 to {high}.",
            "invalid_choice": f"Your {what} must be a whole number from 0 to {high}.",
        },
    )


def note_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=bounds.NOTE_MAX,
        validators=[bounds.validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under %(limit_value)d characters."},
    )
