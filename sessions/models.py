from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from backrelease.common import bounds
from backrelease.common.scales import ARCH_MAX, PAIN_MAX, TENSION_MAX

RELAX_SECONDS = 5 * 60
# Far more than anyone needs to settle the ball; a bound, so an import cannot carry nonsense.
REPOSITIONS_MAX = 50


class Step(models.TextChoices):
    PAIN_BEFORE = "pain_before", "Pain before"
    BREATHE = "breathe", "Breathe"
    ARCH_BEFORE = "arch_before", "Lie down, feel the arch"
    BALL = "ball", "Ball under the sacrum"
    RELAX = "relax", "Relax into it"
    ROLL_OFF = "roll_off", "Roll off, lie flat"
    EXTRAS = "extras", "Tension and a note"
    DONE = "done", "Done"


class BallSetup(models.TextChoices):
    ONE = "one", "One ball"
    TWO = "two", "Two balls, one each side"


class StopReason(models.TextChoices):
    SHARP_PAIN = "sharp_pain", "Sharp pain"
    DIZZINESS = "dizziness", "Dizziness"
    COULD_NOT_RELAX = "could_not_relax", "Could not relax"
    OTHER = "other", "Something else"


def quote(text: str) -> str:
    """An SQL string literal of fixed text (a choice's value or label, never input)."""
    return "'" + text.replace("'", "''") + "'"


def _in_range(field: str, high: int) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": high})


def _rating(high: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(high)]
    )


class ReleaseSessionQuerySet(models.QuerySet["ReleaseSession"]):
    def of(self, person: settings.AUTH_USER_MODEL) -> ReleaseSessionQuerySet:
        return self.filter(person=person)

    def open(self) -> ReleaseSessionQuerySet:
        return self.filter(finished_at__isnull=True)

    def finished(self) -> ReleaseSessionQuerySet:
        return self.filter(finished_at__isnull=False)


class ReleaseSession(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="release_sessions"
    )
    started_at = bounds.recorded_time_field(default=timezone.now)
    step = models.CharField(max_length=16, choices=Step, default=Step.PAIN_BEFORE)
    step_started_at = bounds.recorded_time_field(default=timezone.now)
    pain_before = _rating(PAIN_MAX)
    arch_before = _rating(ARCH_MAX)
    ball_setup = models.CharField(max_length=8, choices=BallSetup, blank=True)
    knees_lifted = models.BooleanField(default=False)
    breathing_skipped = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Skipped the breathing step, for the insights' comparison.",
    )
    repositions = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(REPOSITIONS_MAX)]
    )
    relax_seconds = models.PositiveIntegerField(
        default=0,
        help_text="Time spent relaxing on the ball, across repositions.",
        validators=[MaxValueValidator(RELAX_SECONDS)],
    )
    arch_after = _rating(ARCH_MAX)
    pain_after = _rating(PAIN_MAX)
    tension_before = _rating(TENSION_MAX)
    tension_after = _rating(TENSION_MAX)
    note = bounds.note_field()
    stopped_early_reason = models.CharField(max_length=16, choices=StopReason, blank=True)
    finished_at = bounds.recorded_time_field(null=True, blank=True)
    # Set when the person changed a finished session's ratings or note afterwards.
    corrected_at = bounds.recorded_time_field(null=True, blank=True)
    updated_at = bounds.updated_at_field()

    objects = ReleaseSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "-started_at"], name="session_person_started")]
        constraints = [
            models.CheckConstraint(
                condition=_in_range("pain_before", PAIN_MAX), name="pain_before_0_10"
            ),
            models.CheckConstraint(
                condition=_in_range("pain_after", PAIN_MAX), name="pain_after_0_10"
            ),
            models.CheckConstraint(
                condition=_in_range("arch_before", ARCH_MAX), name="arch_before_0_4"
            ),
            models.CheckConstraint(
                condition=_in_range("arch_after", ARCH_MAX), name="arch_after_0_4"
            ),
            models.CheckConstraint(
                condition=_in_range("tension_before", TENSION_MAX), name="tension_before_0_10"
            ),
            models.CheckConstraint(
                condition=_in_range("tension_after", TENSION_MAX), name="tension_after_0_10"
            ),
            models.CheckConstraint(condition=Q(step__in=Step.values), name="step_is_known"),
            models.CheckConstraint(
                condition=Q(relax_seconds__lte=RELAX_SECONDS, repositions__lte=REPOSITIONS_MAX),
                name="relax_within_5_minutes",
            ),
            models.CheckConstraint(condition=bounds.note_fits(), name="session_note_fits"),
            # Times run in order, from 2000 to the moment the row was written.
            models.CheckConstraint(
                condition=Q(started_at__gte=bounds.EARLIEST)
                & Q(step_started_at__gte=F("started_at"))
                & bounds.not_after_update("step_started_at")
                & (
                    Q(finished_at__isnull=True)
                    | (Q(finished_at__gte=F("started_at")) & bounds.not_after_update("finished_at"))
                ),
                name="session_times_from_2000_to_now",
            ),
            models.CheckConstraint(
                condition=Q(ball_setup__in=["", *BallSetup.values]), name="ball_setup_is_known"
            ),
            models.CheckConstraint(
                condition=Q(stopped_early_reason__in=["", *StopReason.values]),
                name="stopped_early_reason_is_known",
            ),
            # A session is finished exactly when it reached the summary.
            models.CheckConstraint(
                condition=Q(step=Step.DONE, finished_at__isnull=False)
                | (~Q(step=Step.DONE) & Q(finished_at__isnull=True)),
                name="finished_at_matches_step",
            ),
            models.CheckConstraint(
                condition=Q(stopped_early_reason="") | Q(finished_at__isnull=False),
                name="stopped_early_only_when_finished",
            ),
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True)
                | (
                    Q(finished_at__isnull=False, corrected_at__gte=F("finished_at"))
                    & bounds.not_after_update("corrected_at")
                ),
                name="corrected_only_after_finishing",
            ),
            # One open session a person: a double tap on "Start" cannot open two.
            models.UniqueConstraint(
                fields=["person"], condition=Q(finished_at__isnull=True), name="one_open_session"
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} of {self.person_id} at {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("sessions:session", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def stopped_early(self) -> bool:
        return bool(self.stopped_early_reason)

    @property
    def state(self) -> str:
        """Where the session ended, in words: finished, stopped early, or not finished yet."""
        if self.stopped_early:
            return f"stopped early: {self.get_stopped_early_reason_display().lower()}"
        if self.is_finished:
            return "finished"
        return f"not finished (at: {self.get_step_display().lower()})"

    @staticmethod
    def state_sql() -> str:
        """`state` as SQL over a row of this table, for downloads PostgreSQL writes itself."""

        def words(choices: type[models.TextChoices], column: str) -> str:
            cases = " ".join(
                f"WHEN {quote(value)} THEN {quote(label.lower())}"
                for value, label in choices.choices
            )
            return f"CASE {column} {cases} END"

        return (
            "CASE WHEN stopped_early_reason <> '' THEN 'stopped early: ' || "
            f"{words(StopReason, 'stopped_early_reason')} "
            "WHEN finished_at IS NOT NULL THEN 'finished' "
            f"ELSE 'not finished (at: ' || {words(Step, 'step')} || ')' END"
        )

    @property
    def relax_seconds_left(self) -> int:
        return max(RELAX_SECONDS - self.relax_seconds, 0)

    @property
    def relax_ends_at(self) -> datetime:
        return self.step_started_at + timedelta(seconds=self.relax_seconds_left)
