"""Reminders of a session, and the private calendar address that carries them with the weekly
check-in's reminder (which the journal keeps, beside the check-ins)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backrelease.common import bounds
from backrelease.common.weekdays import Weekday


class SessionReminderQuerySet(models.QuerySet["SessionReminder"]):
    def of(self, person: settings.AUTH_USER_MODEL) -> SessionReminderQuerySet:
        return self.filter(person=person)


class SessionReminder(models.Model):
    """A time of day for a session, on chosen days of the week, in the person's own zone."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_reminders"
    )
    weekdays = ArrayField(models.PositiveSmallIntegerField(choices=Weekday), size=7)
    at = models.TimeField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = bounds.updated_at_field()

    objects = SessionReminderQuerySet.as_manager()

    class Meta:
        # The table it had when it lived in the sessions app.
        db_table = "release_sessions_sessionreminder"
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "at"],
                name="one_session_reminder_a_time",
                violation_error_message=gettext_lazy("You already have a reminder at that time."),
            ),
            models.CheckConstraint(
                condition=Q(weekdays__contained_by=Weekday.values, weekdays__len__gte=1),
                name="session_reminder_days_are_weekdays",
            ),
        ]

    def __str__(self) -> str:
        return f"Session reminder {self.pk} of {self.person_id} at {self.at:%H:%M}"

    @property
    def day_names(self) -> list[str]:
        return [str(Weekday(day).label) for day in sorted(self.weekdays)]


class CalendarFeed(models.Model):
    """The private address a calendar subscribes to. Only the SHA-256 of its token is stored."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table it had when it lived in the sessions app.
        db_table = "release_sessions_calendarfeed"

    def __str__(self) -> str:
        return f"Calendar feed of {self.person_id}"
