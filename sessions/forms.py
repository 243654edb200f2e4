"""One form a step. Each turns the posted text into the values the step machine stores."""

from __future__ import annotations

from django import forms

from backrelease.common.fields import note_field, rating_field
from backrelease.common.scales import ARCH_MAX, PAIN_MAX, TENSION_MAX
from sessions.models import (
    BallSetup,
    ReleaseSession,
    Step,
    StopReason,
)

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
            "required": "Choose how much of your hand fits under your lower back (0 to 4).",
            "invalid_choice": f"The arch rating is a whole number from 0 to {ARCH_MAX}.",
        },
    )


class PainBeforeForm(forms.Form):
    pain_before = rating_field(PAIN_MAX, required=True, what="pain right now")


class BreatheForm(forms.Form):
    """Nothing to enter: the person moves on when they are ready, or skips the pacer."""


class ArchBeforeForm(forms.Form):
    arch_before = arch_field()


class BallForm(forms.Form):
    ball_setup = forms.ChoiceField(
        choices=BallSetup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one ball or two balls."},
    )


class RelaxForm(forms.Form):
    """Ends the relaxing part of the session, whether or not the countdown has run out."""


class KneesForm(forms.Form):
    knees_lifted = forms.BooleanField(required=False)


class RepositionForm(forms.Form):
    """Takes the person back to placing the ball; time already spent relaxing is kept."""


class RollOffForm(forms.Form):
    arch_after = arch_field()
    pain_after = rating_field(PAIN_MAX, required=True, what="pain now")


class ExtrasForm(forms.Form):
    tension_before = rating_field(TENSION_MAX, required=False, what="tension before")
    tension_after = rating_field(TENSION_MAX, required=False, what="tension now")
    note = note_field()


class StopEarlyForm(forms.Form):
    # Its own field names and ids: its pain scale must never be read as the step's own.
    prefix = "stop"

    stopped_early_reason = forms.ChoiceField(
        choices=StopReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are stopping, so your history explains it."},
    )
    pain_after = rating_field(PAIN_MAX, required=False, what="pain now")


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

    pain_before = rating_field(PAIN_MAX, required=True, what="pain before")
    arch_before = arch_field(required=False)
    arch_after = arch_field(required=False)
    pain_after = rating_field(PAIN_MAX, required=False, what="pain after")
    tension_before = rating_field(TENSION_MAX, required=False, what="tension before")
    tension_after = rating_field(TENSION_MAX, required=False, what="tension after")
    note = note_field()

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
