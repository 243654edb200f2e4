"""One form a step. Each turns the posted text into the values the step machine stores."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy

from backrelease.common.fields import note_field, rating_field
from backrelease.common.scales import PAIN_MAX, TENSION_MAX
from sessions.models import (
    BallSetup,
    Instrument,
    ReleaseSession,
    Step,
    StopReason,
)
from sessions.wording import WordingField, WordingMixin

ARCH_LABELS = {
    0: "No gap: my lower back rests on the floor",
    1: "Only my fingertips slide in",
    2: "A flat hand slides in, snugly",
    3: "A flat hand slides in with room to spare",
    4: "More than a flat hand fits",
}


def arch_field(*, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=list(ARCH_LABELS.items()),
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy(
                "Choose how much of your hand fits under your lower back (0 to 4)."
            ),
            "invalid_choice": gettext_lazy("The arch rating is a whole number from 0 to 4."),
        },
    )


class PainBeforeForm(WordingMixin, forms.Form):
    pain_before = rating_field(
        PAIN_MAX,
        required=True,
        what=pgettext_lazy("a rating, in an error message", "pain right now"),
    )
    pain_before_wording = WordingField(Instrument.PAIN)


class BreatheForm(forms.Form):
    """Nothing to enter: the person moves on when they are ready, or skips the pacer."""


class ArchBeforeForm(WordingMixin, forms.Form):
    arch_before = arch_field()
    arch_before_wording = WordingField(Instrument.ARCH)


class BallForm(forms.Form):
    ball_setup = forms.ChoiceField(
        choices=BallSetup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose one ball or two balls.")},
    )


class RelaxForm(forms.Form):
    """Ends the relaxing part of the session, whether or not the countdown has run out."""


class KneesForm(forms.Form):
    knees_lifted = forms.BooleanField(required=False)


class RepositionForm(forms.Form):
    """Takes the person back to placing the ball; time already spent relaxing is kept."""


class RollOffForm(WordingMixin, forms.Form):
    arch_after = arch_field()
    arch_after_wording = WordingField(Instrument.ARCH)
    pain_after = rating_field(
        PAIN_MAX, required=True, what=pgettext_lazy("a rating, in an error message", "pain now")
    )
    pain_after_wording = WordingField(Instrument.PAIN)


class ExtrasForm(forms.Form):
    tension_before = rating_field(
        TENSION_MAX,
        required=False,
        what=pgettext_lazy("a rating, in an error message", "tension before"),
    )
    tension_after = rating_field(
        TENSION_MAX,
        required=False,
        what=pgettext_lazy("a rating, in an error message", "tension now"),
    )
    note = note_field()


class StopEarlyForm(WordingMixin, forms.Form):
    # Its own field names and ids: its pain scale must never be read as the step's own.
    prefix = "stop"

    stopped_early_reason = forms.ChoiceField(
        choices=StopReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose why you are stopping, so your history explains it.")
        },
    )
    pain_after = rating_field(
        PAIN_MAX, required=False, what=pgettext_lazy("a rating, in an error message", "pain now")
    )
    pain_after_wording = WordingField(Instrument.PAIN)


class CorrectionForm(forms.ModelForm):
    """A finished session's ratings and note, changed afterwards. A rating the session never had
    (it was stopped before that step) may stay empty; a pain or arch rating it has may be changed
    but not removed, since the trends and reports rest on it. Only what is posted changes: a field
    left out of the post keeps its value.
    """

    KEPT_RATINGS = ("pain_before", "arch_before", "arch_after", "pain_after")

    def __init__(self, data=None, *args, instance: ReleaseSession, **kwargs) -> None:
        if data is not None:
            data = data.copy()
            for name in self._meta.fields:
                value = getattr(instance, name)
                if name not in data and value is not None:
                    data[name] = value
        super().__init__(data, *args, instance=instance, **kwargs)
        for name in self.KEPT_RATINGS:
            if getattr(instance, name) is not None:
                self.fields[name].required = True

    pain_before = rating_field(
        PAIN_MAX, required=True, what=pgettext_lazy("a rating, in an error message", "pain before")
    )
    arch_before = arch_field(required=False)
    arch_after = arch_field(required=False)
    pain_after = rating_field(
        PAIN_MAX, required=False, what=pgettext_lazy("a rating, in an error message", "pain after")
    )
    tension_before = rating_field(
        TENSION_MAX,
        required=False,
        what=pgettext_lazy("a rating, in an error message", "tension before"),
    )
    tension_after = rating_field(
        TENSION_MAX,
        required=False,
        what=pgettext_lazy("a rating, in an error message", "tension after"),
    )
    note = note_field()
    pain_before_wording = WordingField(Instrument.PAIN)
    arch_before_wording = WordingField(Instrument.ARCH)
    arch_after_wording = WordingField(Instrument.ARCH)
    pain_after_wording = WordingField(Instrument.PAIN)

    def clean(self) -> dict:
        """A changed rating records the wording its scale was shown in on this page; one left as
        it was keeps the wording it was given in."""
        cleaned = super().clean()
        for rating in self.KEPT_RATINGS:
            if cleaned.get(rating) is None:
                setattr(self.instance, f"{rating}_wording", None)
            elif rating in self.changed_data and cleaned.get(f"{rating}_wording"):
                setattr(self.instance, f"{rating}_wording", cleaned[f"{rating}_wording"])
        return cleaned

    class Meta:
        model = ReleaseSession
        fields = (
            "pain_before",
            "arch_before",
            "arch_after",
            "pain_after",
            "tension_before",
            "tension_after",
            "note",
        )


# The form each posted (step, action) pair is read with.
FORMS: dict[tuple[str, str], type[forms.Form]] = {
    (Step.PAIN_BEFORE, "next"): PainBeforeForm,
    (Step.BREATHE, "next"): BreatheForm,
    (Step.BREATHE, "skip"): BreatheForm,
    (Step.ARCH_BEFORE, "next"): ArchBeforeForm,
    (Step.BALL, "next"): BallForm,
    (Step.RELAX, "next"): RelaxForm,
    (Step.RELAX, "knees"): KneesForm,
    (Step.RELAX, "reposition"): RepositionForm,
    (Step.ROLL_OFF, "next"): RollOffForm,
    (Step.EXTRAS, "next"): ExtrasForm,
}
STOPPABLE_STEPS = {Step.BREATHE, Step.ARCH_BEFORE, Step.BALL, Step.RELAX, Step.ROLL_OFF}
FORMS |= {(step, "stop"): StopEarlyForm for step in STOPPABLE_STEPS}
