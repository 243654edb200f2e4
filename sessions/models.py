from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from backrelease.common import bounds
from backrelease.common.scales import ARCH_MAX, PAIN_MAX, TENSION_MAX

RELAX_SECONDS = 5 * 60
# Far more than anyone needs to settle the ball; a bound, so an import cannot carry nonsense.
REPOSITIONS_MAX = 50


class Step(models.TextChoices):
    PAIN_BEFORE = "pain_before", pgettext_lazy("session step", "Pain before")
    BREATHE = "breathe", pgettext_lazy("session step", "Breathe")
    ARCH_BEFORE = "arch_before", pgettext_lazy("session step", "Lie down, feel the arch")
    BALL = "ball", pgettext_lazy("session step", "Ball under the sacrum")
    RELAX = "relax", pgettext_lazy("session step", "Relax into it")
    ROLL_OFF = "roll_off", pgettext_lazy("session step", "Roll off, lie flat")
    EXTRAS = "extras", pgettext_lazy("session step", "Tension and a note")
    DONE = "done", pgettext_lazy("session step", "Done")


class BallSetup(models.TextChoices):
    ONE = "one", gettext_lazy("One ball")
    TWO = "two", gettext_lazy("Two balls, one each side")


class StopReason(models.TextChoices):
    SHARP_PAIN = "sharp_pain", gettext_lazy("Sharp pain")
    DIZZINESS = "dizziness", gettext_lazy("Dizziness")
    COULD_NOT_RELAX = "could_not_relax", gettext_lazy("Could not relax")
    OTHER = "other", gettext_lazy("Something else")


# Where a session ended, in words, each a phrase of its own: a label lower-cased into a sentence
# would be wrong in German, where nouns keep their capital. The downloads write the English ones.
STOPPED_EARLY_STATE = {
    StopReason.SHARP_PAIN: pgettext_lazy("session state", "stopped early: sharp pain"),
    StopReason.DIZZINESS: pgettext_lazy("session state", "stopped early: dizziness"),
    StopReason.COULD_NOT_RELAX: pgettext_lazy("session state", "stopped early: could not relax"),
    StopReason.OTHER: pgettext_lazy("session state", "stopped early: something else"),
}
FINISHED_STATE = pgettext_lazy("session state", "finished")
NOT_FINISHED_STATE = {
    Step.PAIN_BEFORE: pgettext_lazy("session state", "not finished (at: pain before)"),
    Step.BREATHE: pgettext_lazy("session state", "not finished (at: breathe)"),
    Step.ARCH_BEFORE: pgettext_lazy("session state", "not finished (at: lie down, feel the arch)"),
    Step.BALL: pgettext_lazy("session state", "not finished (at: ball under the sacrum)"),
    Step.RELAX: pgettext_lazy("session state", "not finished (at: relax into it)"),
    Step.ROLL_OFF: pgettext_lazy("session state", "not finished (at: roll off, lie flat)"),
    Step.EXTRAS: pgettext_lazy("session state", "not finished (at: tension and a note)"),
}


class Instrument(models.TextChoices):
    """Every rating scale a person answers, whose wording is kept as data (`RatingWording`)."""

    PAIN = "pain", gettext_lazy("Pain, 0-10")
    ARCH = "arch", gettext_lazy("Lumbar arch, hand-slide test, 0-4")
    PEG_PAIN = "peg_pain", gettext_lazy("PEG: average pain this week")
    PEG_ENJOYMENT = "peg_enjoyment", gettext_lazy("PEG: pain in the way of enjoying life")
    PEG_ACTIVITY = "peg_activity", gettext_lazy("PEG: pain in the way of general activity")
    TRIAL_DAILY = "trial_daily", gettext_lazy("Trial plan: the day's usual pain")


# The PEG's items are taken only from the published instrument or a validated translation whose
# use is permitted (docs/rating-wording.md); the database refuses a PEG row of our own wording.
PEG_INSTRUMENTS = (Instrument.PEG_PAIN, Instrument.PEG_ENJOYMENT, Instrument.PEG_ACTIVITY)


class WordingStatus(models.TextChoices):
    ORIGINAL = "original", gettext_lazy("original English")
    VALIDATED = "validated", gettext_lazy("validated translation")
    TEAM = "team", gettext_lazy("the team's own translation, not validated")


class RatingWording(models.Model):
    """What a person read when they gave a rating: an instrument's question and the words at its
    ends (and, for the arch scale, what each point means), in one language, in one version. A row
    is never changed once ratings point at it; new wording is a new version."""

    instrument = models.CharField(max_length=16, choices=Instrument)
    # A code of settings.LANGUAGES, as Django writes it ("en-gb", "de", "es").
    language = models.CharField(max_length=16)
    version = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    question = models.CharField(max_length=300)
    low_label = models.CharField(max_length=100, help_text=gettext_lazy("The words at 0."))
    high_label = models.CharField(
        max_length=100, help_text=gettext_lazy("The words at the top of the scale.")
    )
    # The arch scale's meaning of each point, from 0; empty for the other scales.
    point_labels = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    status = models.CharField(max_length=10, choices=WordingStatus)
    source = models.TextField(help_text=gettext_lazy("Where the wording comes from."))
    citation = models.TextField(
        blank=True, help_text=gettext_lazy("The publication, for published wording.")
    )
    licence = models.TextField(blank=True, help_text=gettext_lazy("The terms it is used under."))

    class Meta:
        ordering = ["instrument", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "language", "version"], name="one_wording_a_version"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=Instrument.values), name="wording_instrument_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WordingStatus.values), name="wording_status_is_known"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="wording_version_from_1"),
            # Lower case, as Django's language codes: "en-gb", never "en_GB".
            models.CheckConstraint(
                condition=Q(language__regex=r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$"),
                name="wording_language_is_a_code",
            ),
            models.CheckConstraint(
                condition=~Q(question="") & ~Q(low_label="") & ~Q(high_label="") & ~Q(source=""),
                name="wording_is_complete",
            ),
            # A validated translation says where it was published and what allows its use.
            models.CheckConstraint(
                condition=~Q(status=WordingStatus.VALIDATED) | (~Q(citation="") & ~Q(licence="")),
                name="validated_wording_is_cited",
            ),
            models.CheckConstraint(
                condition=~Q(instrument__in=PEG_INSTRUMENTS, status=WordingStatus.TEAM),
                name="peg_never_in_our_own_translation",
            ),
            # The arch scale names each of its points; no other scale does.
            models.CheckConstraint(
                condition=Q(instrument=Instrument.ARCH, point_labels__len=ARCH_MAX + 1)
                | (~Q(instrument=Instrument.ARCH) & Q(point_labels__len=0)),
                name="arch_wording_names_each_point",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.language} v{self.version}"

    @property
    def key(self) -> str:
        """Language and version, as a form carries them and the exports write them: "de:1"."""
        return f"{self.language}:{self.version}"

    @property
    def validated(self) -> bool:
        return self.status != WordingStatus.TEAM


def wording_field(name: str) -> models.ForeignKey:
    """The wording a rating was given in; empty for a rating not given, or kept from before the
    wording was recorded (migration 0009 set those to en-gb v1, what every rating was given in)."""
    return models.ForeignKey(
        RatingWording,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Never looked up from the wording's side (wordings are never deleted): no index to keep.
        db_index=False,
        help_text=f"The wording the {name} was given in.",
    )


def wording_only_with_rating(rating: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{rating}__isnull": False}) | Q(**{f"{rating}_wording__isnull": True}),
        name=name,
    )


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
    # Found through `session_person_started` alone (migration 0011): beside an index on the person
    # only, the planner read a long history's every session to keep its last weeks.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="release_sessions",
        db_index=False,
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
        help_text=gettext_lazy("Skipped the breathing step, for the insights' comparison."),
    )
    repositions = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(REPOSITIONS_MAX)]
    )
    relax_seconds = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Time spent relaxing on the ball, across repositions."),
        validators=[MaxValueValidator(RELAX_SECONDS)],
    )
    arch_after = _rating(ARCH_MAX)
    pain_after = _rating(PAIN_MAX)
    # Each rating's wording, per rating: a person may switch language between two steps.
    pain_before_wording = wording_field("pain before")
    arch_before_wording = wording_field("arch before")
    arch_after_wording = wording_field("arch after")
    pain_after_wording = wording_field("pain after")
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
            wording_only_with_rating("pain_before", "pain_before_wording_with_rating"),
            wording_only_with_rating("arch_before", "arch_before_wording_with_rating"),
            wording_only_with_rating("arch_after", "arch_after_wording_with_rating"),
            wording_only_with_rating("pain_after", "pain_after_wording_with_rating"),
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
        """Where the session ended, in words of the active language: finished, stopped early, or
        not finished yet."""
        if self.stopped_early:
            return str(STOPPED_EARLY_STATE[self.stopped_early_reason])
        if self.is_finished:
            return str(FINISHED_STATE)
        return str(NOT_FINISHED_STATE[self.step])

    @staticmethod
    def state_sql() -> str:
        """`state` in English as SQL over a row of this table, for downloads PostgreSQL writes
        itself: machines read them, so their words do not change with the language."""

        def words(column: str, phrases: dict) -> str:
            cases = " ".join(
                f"WHEN {quote(value)} THEN {quote(str(phrase))}"
                for value, phrase in phrases.items()
            )
            return f"CASE {column} {cases} END"

        with translation.override(None):
            return (
                f"CASE WHEN stopped_early_reason <> '' THEN "
                f"{words('stopped_early_reason', STOPPED_EARLY_STATE)} "
                f"WHEN finished_at IS NOT NULL THEN {quote(str(FINISHED_STATE))} "
                f"ELSE {words('step', NOT_FINISHED_STATE)} END"
            )

    @property
    def relax_seconds_left(self) -> int:
        return max(RELAX_SECONDS - self.relax_seconds, 0)

    @property
    def relax_ends_at(self) -> datetime:
        return self.step_started_at + timedelta(seconds=self.relax_seconds_left)
