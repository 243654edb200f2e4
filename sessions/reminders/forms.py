from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy, ngettext

from backrelease.common.weekdays import Weekday
from journal.models import CheckInReminder
from sessions.reminders.models import SessionReminder

MAX_SESSION_REMINDERS = 12


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


TIME_ERRORS = {
    "required": gettext_lazy("Pick a time."),
    "invalid": gettext_lazy("Enter a time such as 07:30."),
}


class SessionReminderForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Pick at least one day."),
            "invalid_choice": gettext_lazy("Pick days of the week from the list."),
        },
    )
    at = forms.TimeField(label=gettext_lazy("Time"), widget=TimeInput(), error_messages=TIME_ERRORS)

    class Meta:
        model = SessionReminder
        fields = ("weekdays", "at")

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(
            *args,
            instance=SessionReminder(person=person),
            initial={"weekdays": Weekday.values},
            **kwargs,
        )
        self.person = person

    def clean_weekdays(self) -> list[int]:
        return sorted(set(self.cleaned_data["weekdays"]))

    def clean_at(self):
        at = self.cleaned_data["at"].replace(second=0, microsecond=0)
        # The form leaves the person out, so the model's unique check would not see this.
        if SessionReminder.objects.of(self.person).filter(at=at).exists():
            raise forms.ValidationError(
                gettext_lazy(
                    "You already have a reminder at that time: remove it first to change its days."
                )
            )
        return at

    def clean(self):
        if SessionReminder.objects.of(self.person).count() >= MAX_SESSION_REMINDERS:
            raise forms.ValidationError(
                ngettext(
                    "%(count)s reminder is the most: remove it to add another.",
                    "%(count)s reminders is the most: remove one to add another.",
                    MAX_SESSION_REMINDERS,
                )
                % {"count": MAX_SESSION_REMINDERS}
            )
        return super().clean()


class CheckInReminderForm(forms.ModelForm):
    # Shares the page with the session reminder form: its own names and ids.
    prefix = "check_in"
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Day"),
        choices=Weekday.choices,
        coerce=int,
        initial=Weekday.SUNDAY,
        error_messages={"invalid_choice": gettext_lazy("Pick a day of the week from the list.")},
    )
    at = forms.TimeField(label=gettext_lazy("Time"), widget=TimeInput(), error_messages=TIME_ERRORS)

    class Meta:
        model = CheckInReminder
        fields = ("weekday", "at")

    def clean_at(self):
        return self.cleaned_data["at"].replace(second=0, microsecond=0)
