"""Form fields every feature asks ratings and notes with, so a scale reads the same everywhere."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds


def _said(message: Promise, **values) -> str:
    """`message` with its values, put together in the language of the page that shows it (a
    form's fields are made once, when the module is imported)."""
    return lazy(lambda: message % values, str)()


def rating_field(high: int, *, required: bool, what: str) -> forms.TypedChoiceField:
    """`what` names the rating in the person's words, marked for translation by the caller:
    "pain right now"."""
    return forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(high + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": _said(
                # Translators: what names the rating, such as "pain right now".
                _("Choose your %(what)s: a whole number from 0 to %(high)d."),
                what=what,
                high=high,
            ),
            "invalid_choice": _said(
                # Translators: what names the rating, such as "pain right now".
                _("Your %(what)s must be a whole number from 0 to %(high)d."),
                what=what,
                high=high,
            ),
        },
    )


def note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Note"),
        required=False,
        max_length=bounds.NOTE_MAX,
        validators=[bounds.validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note under %(limit_value)d characters.")},
    )
