from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backrelease.common import bounds
from backrelease.common.fields import rating_field
from backrelease.common.scales import PAIN_MAX
from journal.trial import design, plans
from journal.trial.models import (
    DEFAULT_BLOCK_DAYS,
    DEFAULT_RATING_TIME,
    DEFAULT_SESSIONS_PER_WEEK,
    PAIRS_MAX,
    PAIRS_MIN,
    UNUSUAL_MAX,
)
from sessions.models import Instrument
from sessions.wording import WordingField, WordingMixin

DEFAULT_PAIRS = 3
OUT_OF_DATE = gettext_lazy("This form is out of date: reload the page and try again.")


def _submission_key() -> forms.UUIDField:
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )


def _whole_numbers(low: int, high: int, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(low, high + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class PlanForm(forms.Form):
    """The design, before it starts. Also read (unbound values allowed) for the promise."""

    submission_key = _submission_key()
    pairs = _whole_numbers(
        PAIRS_MIN, PAIRS_MAX, gettext_lazy("Choose how many pairs of blocks: 2 to 6.")
    )
    block_days = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose blocks of 7 or 14 days."),
            "invalid_choice": gettext_lazy("Choose blocks of 7 or 14 days."),
        },
    )
    baseline_week = forms.BooleanField(
        required=False, label=gettext_lazy("Start with a baseline week (as usual, rated)")
    )
    sessions_per_week = _whole_numbers(
        1, 7, gettext_lazy("Choose how many days a week with the ball: 1 to 7.")
    )
    rating_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        label=gettext_lazy("Evening rating at"),
        error_messages={
            "required": gettext_lazy("Choose a time for the evening rating, such as 20:00."),
            "invalid": gettext_lazy("Choose a time for the evening rating, such as 20:00."),
        },
    )

    INITIAL = {
        "pairs": DEFAULT_PAIRS,
        "block_days": DEFAULT_BLOCK_DAYS,
        "baseline_week": False,
        "sessions_per_week": DEFAULT_SESSIONS_PER_WEEK,
        "rating_time": DEFAULT_RATING_TIME,
    }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**self.INITIAL, "submission_key": uuid.uuid4(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["block_days"].choices = [
            (
                days,
                _("%(days)s days, the first %(washout)s a washout")
                % {"days": days, "washout": design.washout_days(days)},
            )
            for days in sorted(design.BLOCK_DAYS, reverse=True)
        ]

    def choices(self) -> plans.Choices:
        data = self.cleaned_data
        return plans.Choices(
            data["pairs"],
            data["block_days"],
            data["baseline_week"],
            data["sessions_per_week"],
            data["rating_time"],
        )

    @classmethod
    def proposed(cls, query) -> plans.Choices:
        """The design in a query string (the form as it changes, or a proposal's link), each
        value the default when it is missing or wrong: the promise never refuses."""
        form = cls({**cls.INITIAL, **{name: query.get(name) for name in query}})
        form.is_valid()
        values = {**cls.INITIAL, **form.cleaned_data}
        return plans.Choices(
            values["pairs"],
            values["block_days"],
            values["baseline_week"],
            values["sessions_per_week"],
            values["rating_time"],
        )


def _unusual_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=UNUSUAL_MAX,
        validators=[bounds.validate_single_line],
        label=gettext_lazy("Anything unusual today? (optional)"),
        error_messages={"max_length": gettext_lazy("Keep it under %(limit_value)d characters.")},
    )


class RatingForm(WordingMixin, forms.Form):
    """The evening rating: the same question every day."""

    submission_key = _submission_key()
    day = forms.TypedChoiceField(
        coerce=date.fromisoformat,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the day this rating is for."),
            "invalid_choice": gettext_lazy(
                "Only today, or yesterday the morning after, can be rated, within your plan's days."
            ),
        },
    )
    usual_pain = rating_field(PAIN_MAX, required=True, what="usual pain today")
    usual_pain_wording = WordingField(Instrument.TRIAL_DAILY)
    unusual = _unusual_field()

    def __init__(self, *args, days: list[date], today: date, **kwargs) -> None:
        # Its ids stay apart from the journal form's beside it on Home.
        kwargs.setdefault("auto_id", "trial_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "submission_key": uuid.uuid4(),
            "day": days[0].isoformat() if days else None,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [
            (
                day.isoformat(),
                (_("Today, %(day)s") if day == today else _("Yesterday, %(day)s"))
                % {"day": date_format(day, "D j M")},
            )
            for day in days
        ]


class CorrectionForm(WordingMixin, forms.Form):
    usual_pain = rating_field(PAIN_MAX, required=True, what="usual pain that day")
    usual_pain_wording = WordingField(Instrument.TRIAL_DAILY)
    unusual = _unusual_field()
