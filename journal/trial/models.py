"""A trial plan and its daily ratings. The schedule follows from the stored design, start day and
orders (`journal.trial.design.schedule`), and the result from the rows (`plans.result_of`): neither
is stored, so neither can go stale."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backrelease.common import bounds
from backrelease.common.scales import PAIN_MAX
from journal.trial import design
from sessions.models import wording_field

# The design's bounds, held in PostgreSQL too.
PAIRS_MIN, PAIRS_MAX = design.PAIRS[0], design.PAIRS[-1]
BLOCK_DAYS = design.BLOCK_DAYS
DEFAULT_BLOCK_DAYS = 14
DEFAULT_SESSIONS_PER_WEEK = design.DEFAULT_SESSIONS_PER_WEEK
# An evening rating: late enough to sum up the day, before bed.
DEFAULT_RATING_TIME = time(20, 0)
UNUSUAL_MAX = 200


class Order(models.TextChoices):
    AB = "AB", _("No ball first, then the ball")
    BA = "BA", _("The ball first, then no ball")


class Status(models.TextChoices):
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped early")
    FINISHED = "finished", _("Finished")


class TrialPlanQuerySet(models.QuerySet["TrialPlan"]):
    def of(self, person) -> TrialPlanQuerySet:
        return self.filter(person=person)

    def running(self) -> TrialPlanQuerySet:
        return self.filter(status=Status.RUNNING)


class TrialPlan(models.Model):
    """Blocks of `block_days` with the release (B) and without it (A), `pairs` pairs in the stored
    `orders`, from `starts_on` (a local date), after a baseline week when chosen."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trial_plans"
    )
    pairs = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(PAIRS_MIN), MaxValueValidator(PAIRS_MAX)]
    )
    block_days = models.PositiveSmallIntegerField(
        choices=[(days, str(days)) for days in BLOCK_DAYS], default=DEFAULT_BLOCK_DAYS
    )
    baseline_week = models.BooleanField(default=False)
    # What a release block (B) asks: a session on at least this many days a week.
    sessions_per_week = models.PositiveSmallIntegerField(
        default=DEFAULT_SESSIONS_PER_WEEK, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    rating_time = models.TimeField(default=DEFAULT_RATING_TIME)
    # Drawn with `secrets` when the plan starts, one a pair, and never drawn again.
    orders = ArrayField(models.CharField(max_length=2, choices=Order), size=PAIRS_MAX)
    starts_on = models.DateField(validators=[bounds.validate_not_before_2000])
    status = models.CharField(max_length=8, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The local day it was stopped on: the last day the plan counts.
    stopped_on = models.DateField(null=True, blank=True)
    # Minted with the form: a doubled or retried "Start" finds the plan it already began.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    updated_at = bounds.updated_at_field()

    objects = TrialPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pairs__gte=PAIRS_MIN, pairs__lte=PAIRS_MAX), name="trial_pairs_2_6"
            ),
            models.CheckConstraint(
                condition=Q(block_days__in=BLOCK_DAYS), name="trial_blocks_of_7_or_14_days"
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=7),
                name="trial_sessions_1_7_a_week",
            ),
            models.CheckConstraint(
                condition=Q(orders__len=F("pairs")) & Q(orders__contained_by=Order.values),
                name="trial_one_order_a_pair",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="trial_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__gte=bounds.EARLIEST_DAY), name="trial_starts_from_2000"
            ),
            models.CheckConstraint(
                condition=Q(
                    status=Status.STOPPED,
                    stopped_at__isnull=False,
                    stopped_on__gte=F("starts_on"),
                )
                | (~Q(status=Status.STOPPED) & Q(stopped_at__isnull=True, stopped_on__isnull=True)),
                name="trial_stopped_exactly_when_stopped",
            ),
            # One running plan a person: a second start, or a double tap, cannot begin another.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=Status.RUNNING),
                name="trial_one_running_plan",
                violation_error_message=_("You already have a trial plan running."),
            ),
            models.UniqueConstraint(
                fields=["person", "submission_key"], name="trial_one_plan_a_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Trial plan {self.pk} of {self.person_id} from {self.starts_on}"

    @property
    def at(self) -> time:
        """The evening rating's time: the calendar feed reads it as a reminder's time."""
        return self.rating_time


class TrialRatingQuerySet(models.QuerySet["TrialRating"]):
    def of(self, person) -> TrialRatingQuerySet:
        return self.filter(plan__person=person)


class TrialRating(models.Model):
    """One evening's rating of the day's usual pain, the same question every day."""

    plan = models.ForeignKey(TrialPlan, on_delete=models.CASCADE, related_name="ratings")
    day = models.DateField(validators=[bounds.validate_not_before_2000])
    usual_pain = models.PositiveSmallIntegerField(validators=[MaxValueValidator(PAIN_MAX)])
    usual_pain_wording = wording_field("usual pain")
    unusual = models.CharField(
        max_length=UNUSUAL_MAX,
        blank=True,
        validators=[MaxLengthValidator(UNUSUAL_MAX), bounds.validate_single_line],
    )
    # Given within a few hours after a session, when pain may still be lower than usual.
    after_session = models.BooleanField(default=False)
    recorded_at = bounds.recorded_time_field(default=timezone.now)
    corrected_at = models.DateTimeField(null=True, blank=True)
    # Minted with the form: a doubled or retried save finds the rating it already made.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    updated_at = bounds.updated_at_field()

    objects = TrialRatingQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "day"],
                name="trial_one_rating_a_day",
                violation_error_message=_("That day already has a rating."),
            ),
            models.UniqueConstraint(
                fields=["plan", "submission_key"], name="trial_one_rating_a_submission"
            ),
            models.CheckConstraint(
                condition=Q(usual_pain__gte=0, usual_pain__lte=PAIN_MAX),
                name="trial_usual_pain_0_10",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("unusual"), UNUSUAL_MAX),
                name="trial_unusual_fits",
            ),
            models.CheckConstraint(
                condition=Q(day__gte=bounds.EARLIEST_DAY, recorded_at__gte=bounds.EARLIEST)
                & bounds.not_after_update("recorded_at"),
                name="trial_rating_from_2000_to_now",
            ),
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True) | Q(corrected_at__gte=F("recorded_at")),
                name="trial_corrected_after_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Trial rating {self.usual_pain} on {self.day}"
