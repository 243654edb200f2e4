from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

PAIN_MAX = 10
PEG_MAX = 10
BUILT_IN_TAGS = ["sleep", "stress", "sitting", "lifting", "exercise", "medication", "other"]


def week_start(day: date) -> date:
    """The Monday of the ISO week that holds `day`."""
    return day - timedelta(days=day.weekday())


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def of(self, person) -> JournalEntryQuerySet:
        return self.filter(person=person)

    def tagged(self, tag: str) -> JournalEntryQuerySet:
        return self.filter(tags__contains=[tag])


class JournalEntry(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    pain = models.PositiveSmallIntegerField()
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
        ]

    def __str__(self) -> str:
        return f"Pain {self.pain} at {self.recorded_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("journal:edit", args=[self.pk])


class WeeklyCheckIn(models.Model):
    """The PEG scale (Krebs et al., 2009): three 0-10 items about the past week."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_check_ins"
    )
    week_start = models.DateField(help_text="Monday of the ISO week, in the person's own zone.")
    pain_average = models.PositiveSmallIntegerField()
    enjoyment_interference = models.PositiveSmallIntegerField()
    activity_interference = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="one_check_in_a_week"),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="check_in_on_monday"
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


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def of(self, person) -> ShareLinkQuerySet:
        return self.filter(person=person)


class ShareLink(models.Model):
    """A read-only link for a clinician. Only the SHA-256 of its token is stored."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    include_notes = models.BooleanField(default=False)
    shows_from = models.DateField(null=True, blank=True)
    shows_until = models.DateField(null=True, blank=True)
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


class ShareLinkOpening(models.Model):
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=80, help_text="Browser and system, never the address.")

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["link", "-opened_at"], name="opening_link_opened")]

    def __str__(self) -> str:
        return f"{self.client} at {self.opened_at:%Y-%m-%d %H:%M}"
