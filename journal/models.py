from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.lookups import Regex
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backrelease.common import bounds
from backrelease.common.scales import PAIN_MAX, PEG_MAX
from backrelease.common.weekdays import Weekday
from sessions.models import wording_field

BUILT_IN_TAGS = ["sleep", "stress", "sitting", "lifting", "exercise", "medication", "other"]
# The built-in tags as the person reads them; the stored tag stays the English word, and a tag of
# the person's own is shown as they wrote it.
TAG_NAMES = {
    "sleep": pgettext_lazy("tag", "sleep"),
    "stress": pgettext_lazy("tag", "stress"),
    "sitting": pgettext_lazy("tag", "sitting"),
    "lifting": pgettext_lazy("tag", "lifting"),
    "exercise": pgettext_lazy("tag", "exercise"),
    "medication": pgettext_lazy("tag", "medication"),
    "other": pgettext_lazy("tag", "other"),
}


def tag_name(tag: str) -> str:
    """A tag in the page's language: a built-in one translated, the person's own as written."""
    return str(TAG_NAMES.get(tag, tag))


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def of(self, person) -> JournalEntryQuerySet:
        return self.filter(person=person)

    def tagged(self, tag: str) -> JournalEntryQuerySet:
        return self.filter(tags__contains=[tag])


class JournalEntry(models.Model):
    # Found through `journal_person_recorded` alone (migration 0015): beside an index on the person
    # only, the planner read a long history's every row to keep its last weeks.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="journal_entries",
        db_index=False,
    )
    recorded_at = bounds.recorded_time_field(default=timezone.now)
    pain = models.PositiveSmallIntegerField(validators=[MaxValueValidator(PAIN_MAX)])
    pain_wording = wording_field("pain")
    tags = ArrayField(
        models.CharField(max_length=bounds.TAG_MAX),
        default=list,
        blank=True,
        validators=[bounds.validate_tags],
    )
    note = bounds.note_field()
    # Minted with the form: a doubled or retried post finds the entry it already made.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = bounds.updated_at_field()

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-recorded_at"], name="journal_person_recorded"),
            GinIndex(fields=["tags"], name="journal_tags"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__gte=0, pain__lte=PAIN_MAX), name="journal_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(recorded_at__gte=bounds.EARLIEST)
                & bounds.not_after_update("recorded_at"),
                name="journal_recorded_from_2000_to_now",
            ),
            models.CheckConstraint(condition=bounds.note_fits(), name="journal_note_fits"),
            models.CheckConstraint(
                condition=Q(tags__len__lte=bounds.TAGS_MAX), name="journal_at_most_20_tags"
            ),
            models.CheckConstraint(
                condition=Regex(
                    Func(
                        F("tags"), Value("|"), function="array_to_string", output_field=TextField()
                    ),
                    rf"^$|^{bounds.TAG_PATTERN}(\|{bounds.TAG_PATTERN})*$",
                ),
                name="journal_tags_are_words",
            ),
            # The key first (migrations 0016, 0017): an index that starts with the person has the
            # time next, or the planner reads a long history's every row for its last weeks.
            models.UniqueConstraint(
                fields=["submission_key", "person"], name="journal_one_entry_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Pain {self.pain} at {self.recorded_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("journal:edit", args=[self.pk])


class WeeklyCheckInQuerySet(models.QuerySet["WeeklyCheckIn"]):
    def record(self, person, week_start: date, **answers: int) -> WeeklyCheckIn:
        """Saves the week's answers in one upsert, so a doubled post updates rather than fails."""
        (check_in,) = self.bulk_create(
            [WeeklyCheckIn(person=person, week_start=week_start, **answers)],
            update_conflicts=True,
            unique_fields=["person", "week_start"],
            update_fields=[*answers, "updated_at"],
        )
        return check_in


class WeeklyCheckIn(models.Model):
    """The PEG scale (Krebs et al., 2009): three 0-10 items about the past week."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_check_ins"
    )
    week_start = models.DateField(
        help_text=_("Monday of the ISO week, in the person's own zone."),
        validators=[bounds.validate_not_before_2000],
    )
    pain_average = models.PositiveSmallIntegerField(validators=[MaxValueValidator(PEG_MAX)])
    enjoyment_interference = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(PEG_MAX)]
    )
    activity_interference = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(PEG_MAX)]
    )
    # The PEG items' wording, English wherever no permitted validated translation exists.
    pain_average_wording = wording_field("average pain")
    enjoyment_interference_wording = wording_field("enjoyment interference")
    activity_interference_wording = wording_field("activity interference")
    updated_at = bounds.updated_at_field()

    objects = WeeklyCheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="one_check_in_a_week"),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="check_in_on_monday"
            ),
            # A week starts on a Monday; one day's margin covers zones ahead of UTC.
            models.CheckConstraint(
                condition=Q(week_start__gte=bounds.EARLIEST_DAY)
                & Q(week_start__lte=F("updated_at") + timedelta(days=1)),
                name="check_in_from_2000_to_now",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{item}__gte": 0, f"{item}__lte": PEG_MAX}), name=f"{item}_0_10"
                )
                for item in ("pain_average", "enjoyment_interference", "activity_interference")
            ],
        ]

    def __str__(self) -> str:
        return f"Check-in for the week of {self.week_start}"

    @property
    def score(self) -> float:
        return (self.pain_average + self.enjoyment_interference + self.activity_interference) / 3


# Translators: a share link's status, shown as a tag beside its name.
SHARE_LINK_STATUSES = {
    "active": pgettext_lazy("share link", "active"),
    "expired": pgettext_lazy("share link", "expired"),
    "revoked": pgettext_lazy("share link", "withdrawn"),
}


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def of(self, person) -> ShareLinkQuerySet:
        return self.filter(person=person)


class ShareLink(models.Model):
    """A read-only link for a clinician. Only the SHA-256 of its token is stored."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(max_length=100, validators=[bounds.validate_single_line])
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    include_notes = models.BooleanField(default=False)
    shows_from = models.DateField(
        null=True, blank=True, validators=[bounds.validate_not_before_2000]
    )
    shows_until = models.DateField(
        null=True, blank=True, validators=[bounds.validate_not_before_2000]
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at"))
                & Q(expires_at__lte=models.F("created_at") + timedelta(days=366)),
                name="share_link_expires_within_a_year",
            ),
            models.CheckConstraint(
                condition=Q(shows_from__isnull=True)
                | Q(shows_until__isnull=True)
                | Q(shows_from__lte=models.F("shows_until")),
                name="share_link_range_in_order",
            ),
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"), name="share_link_hash_is_sha256"
            ),
            models.CheckConstraint(
                condition=(Q(shows_from__isnull=True) | Q(shows_from__gte=bounds.EARLIEST_DAY))
                & (Q(shows_until__isnull=True) | Q(shows_until__gte=bounds.EARLIEST_DAY)),
                name="share_link_range_from_2000",
            ),
            models.CheckConstraint(
                condition=Q(shows_until__isnull=True) | Q(shows_until__lte=F("expires_at")),
                name="share_link_range_ends_by_expiry",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "active" if self.is_active() else "expired"

    @property
    def status_display(self) -> str:
        """The status in the page's language; `status` stays the word code compares."""
        return str(SHARE_LINK_STATUSES[self.status])


class ShareLinkOpening(models.Model):
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=80, help_text=_("Browser and system, never the address."))

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["link", "-opened_at"], name="opening_link_opened")]

    def __str__(self) -> str:
        return f"{self.client} at {self.opened_at:%Y-%m-%d %H:%M}"


class HistoryRevision(models.Model):
    """How many times the ratings a person's insights rest on have changed (a session's ratings,
    setup or start; a journal entry's pain or time). Counted by database triggers on those tables
    (migration 0009), whatever writes them, so an answer kept with its revision is never stale."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.DB_CASCADE, primary_key=True, related_name="+"
    )
    number = models.BigIntegerField(default=0)
    # How many of those changes touched a rating more than seven weeks old (migration 0012): the
    # settled ratings, whose counts `journal.insights.kept` keeps under this number.
    settled_number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number}"


class OwnTag(models.Model):
    """A tag the person has put on their entries, with how many entries carry it, so the journal
    offers their tags without reading the whole journal. Counted by database triggers on the
    entries (migration 0010), whatever writes them: a form, an import, an undo, a deletion."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DB_CASCADE, related_name="+"
    )
    tag = models.CharField(max_length=bounds.TAG_MAX)
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="own_tag_once_a_person"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} ({self.entries})"


class CheckInReminder(models.Model):
    """The weekly check-in's day and time; one a person."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_in_reminder"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday, default=Weekday.SUNDAY)
    at = models.TimeField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = bounds.updated_at_field()

    class Meta:
        # The table it had when it lived in the sessions app.
        db_table = "release_sessions_checkinreminder"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__in=Weekday.values), name="check_in_reminder_day_is_a_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in reminder of {self.person_id}"
