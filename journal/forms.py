from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds, commit_wait
from backrelease.common.fields import note_field, rating_field
from backrelease.common.scales import PAIN_MAX, PEG_MAX
from journal.models import (
    BUILT_IN_TAGS,
    JournalEntry,
    OwnTag,
    WeeklyCheckIn,
    tag_name,
)
from sessions.models import Instrument
from sessions.wording import WordingField, WordingMixin

# The browser's date picker, which reads and writes ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def own_tags(person):
    """Every tag the person has used, once each and sorted, from the counts the journal's
    triggers keep (`OwnTag`): as quick for ten years of entries as for ten."""
    return OwnTag.objects.filter(person=person).order_by("tag").values_list("tag", flat=True)


def known_tags(person) -> list[str]:
    """The built-in tags, then every tag of the person's own, in one query."""
    return BUILT_IN_TAGS + [t for t in own_tags(person) if t not in BUILT_IN_TAGS]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time on the person's own clock, summer-time changes included.

    Django refuses a local time that happens twice or never; a person on that night should not
    be refused. A repeated hour means its first occurrence (the form's `second_time_round` picks
    the other), and a skipped one is moved forward by the gap, as `zoneinfo` does.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = parse_datetime(value.strip())
            except ValueError as error:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from error
            parsed = parsed or BaseTemporalField.to_python(self, value)
        # The ends of the calendar cannot even be moved to UTC; the bounds would refuse them anyway.
        if parsed.year < bounds.EARLIEST.year:
            bounds.validate_not_before_2000(parsed.replace(tzinfo=UTC))
        if parsed.year > timezone.now().year + 1:
            bounds.validate_not_in_future(parsed.replace(tzinfo=UTC))
        if timezone.is_aware(parsed):
            return parsed
        return parsed.replace(tzinfo=timezone.get_current_timezone())


# The fields under "Tags, a note, another time", in their order there.
MORE = ["tags", "new_tag", "recorded_at", "second_time_round", "note"]


class JournalEntryForm(WordingMixin, forms.ModelForm):
    pain = rating_field(PAIN_MAX, required=True, what="pain right now")
    pain_wording = WordingField(Instrument.PAIN)
    tags = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Pick tags from the list, or type your own below.")},
    )
    new_tag = forms.CharField(
        required=False,
        max_length=bounds.TAG_MAX,
        label=_("Your own tag"),
        validators=[bounds.validate_single_line],
        error_messages={"max_length": _("Keep a tag under 30 characters.")},
    )
    recorded_at = LocalDateTimeField(
        required=False,
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave as it is for now, or pick an earlier time."),
        error_messages={"invalid": _("Enter a date and time, such as 2026-11-20 18:30.")},
    )
    second_time_round = forms.BooleanField(
        required=False,
        label=_("The second time that hour came round"),
        help_text=_("Only on the night the clocks go back, when the same hour happens twice."),
    )
    note = note_field()
    # Minted with each blank form, so a double tap or a retry cannot store the entry twice.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date: reload the page and save again."),
            "invalid": _("This form is out of date: reload the page and save again."),
        },
    )

    class Meta:
        model = JournalEntry
        fields = ("pain", "pain_wording", "tags", "recorded_at", "note")

    # The page's order, so a refusal names the first wrong field on the page first.
    field_order = ["submission_key", "pain", "pain_wording", *MORE]

    def __init__(self, *args, person, tags: list[str] | None = None, **kwargs) -> None:
        """`tags`: the person's known tags when the caller has them already."""
        super().__init__(*args, **kwargs)
        self.instance.person = person
        tags = list(tags) if tags is not None else known_tags(person)
        tags += [t for t in self.instance.tags if t not in tags]
        self.fields["tags"].choices = [(t, tag_name(t)) for t in tags]
        if self.instance.pk:
            del self.fields["submission_key"]
        else:
            now = timezone.localtime().replace(second=0)
            self.initial.setdefault("recorded_at", now)
            # During the repeated hour, the pre-filled time is the second one if it is now.
            self.initial.setdefault("second_time_round", bool(now.fold))
            self.initial.setdefault("submission_key", uuid.uuid4())

    def more_fields(self) -> list:
        """The fields under "Tags, a note, another time" after its tag choices."""
        return [self[name] for name in MORE[1:]]

    @property
    def more_refused(self) -> bool:
        """Whether a field under "Tags, a note, another time" was refused: then it opens."""
        return any(name in self.errors for name in MORE)

    def clean_new_tag(self) -> str:
        tag = " ".join(self.cleaned_data["new_tag"].split()).lower()
        if tag:
            try:
                bounds.validate_tag(tag)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    gettext("A tag is up to 30 letters, numbers, spaces or hyphens.")
                ) from error
        return tag

    def clean_recorded_at(self):
        return self.cleaned_data["recorded_at"] or timezone.now()

    @property
    def known_tags(self) -> list[str]:
        """Every tag offered, with any new one this form saved."""
        offered = [tag for tag, _ in self.fields["tags"].choices]
        return offered + [t for t in self.cleaned_data.get("tags", []) if t not in offered]

    def validate_constraints(self) -> None:
        """Skips asking PostgreSQL about each check constraint (four queries a save): the field
        validators hold the same bounds and have given any message already, the constraints stay
        the last word, and the one unique constraint is the submission key `save` relies on."""

    def save(self, commit: bool = True) -> JournalEntry:
        """Saves the entry once: a second post of the same form returns the entry already made.
        Raises `commit_wait.NotConfirmed` when the database did not acknowledge the save in time:
        the same form may then be sent again."""
        with commit_wait.confirmed():
            if "submission_key" not in self.cleaned_data:
                return super().save(commit)
            self.instance.submission_key = self.cleaned_data["submission_key"]
            try:
                with transaction.atomic():
                    return super().save(commit)
            except IntegrityError:
                saved = JournalEntry.objects.of(self.instance.person).filter(
                    submission_key=self.instance.submission_key
                )
                # Written again, unchanged: this commit waits for the synchronous standby as the
                # first one did, so an entry whose first commit was cancelled unacknowledged
                # (committed on the primary only) is called saved only once the standby has it.
                if not saved.update(submission_key=F("submission_key")):
                    raise
                return saved.get()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recorded_at"):
            recorded_at = cleaned["recorded_at"]
            if cleaned.get("second_time_round"):
                recorded_at = recorded_at.replace(fold=1)
            # Stored as the instant it names: a skipped time becomes the moment after the gap.
            cleaned["recorded_at"] = recorded_at.astimezone(UTC)
        tags = list(cleaned.get("tags") or [])
        if cleaned.get("new_tag") and cleaned["new_tag"] not in tags:
            tags.append(cleaned["new_tag"])
        cleaned["tags"] = tags
        # An edit that leaves the pain as it was keeps the wording it was given in.
        if self.instance.pk and "pain" not in self.changed_data:
            cleaned["pain_wording"] = self.instance.pain_wording
        return cleaned


class WeeklyCheckInForm(WordingMixin, forms.ModelForm):
    pain_average = rating_field(PEG_MAX, required=True, what="average pain this week")
    pain_average_wording = WordingField(Instrument.PEG_PAIN)
    enjoyment_interference = rating_field(
        PEG_MAX, required=True, what="answer on enjoyment of life"
    )
    enjoyment_interference_wording = WordingField(Instrument.PEG_ENJOYMENT)
    activity_interference = rating_field(PEG_MAX, required=True, what="answer on general activity")
    activity_interference_wording = WordingField(Instrument.PEG_ACTIVITY)

    class Meta:
        model = WeeklyCheckIn
        fields = (
            "pain_average",
            "pain_average_wording",
            "enjoyment_interference",
            "enjoyment_interference_wording",
            "activity_interference",
            "activity_interference_wording",
        )
