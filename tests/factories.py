from __future__ import annotations

from datetime import time, timedelta

import factory
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.capability import tokens
from backrelease.common.local_time import week_start
from backrelease.common.weekdays import Weekday
from journal.models import CheckInReminder, JournalEntry, ShareLink, WeeklyCheckIn
from journal.trial.models import TrialPlan, TrialRating
from sessions.models import RELAX_SECONDS, BallSetup, ReleaseSession, Step
from sessions.reminders.models import CalendarFeed, SessionReminder

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("first_name")
    time_zone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class ReleaseSessionFactory(factory.django.DjangoModelFactory):
    """An open session at its first step; the `finished` trait gives a whole, completed one."""

    class Meta:
        model = ReleaseSession

    person = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
    step_started_at = factory.SelfAttribute("started_at")

    class Params:
        finished = factory.Trait(
            step=Step.DONE,
            pain_before=7,
            arch_before=3,
            ball_setup=BallSetup.ONE,
            relax_seconds=RELAX_SECONDS,
            arch_after=1,
            pain_after=4,
            finished_at=factory.LazyAttribute(lambda o: o.started_at),
        )


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    person = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)
    pain = 5


class WeeklyCheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyCheckIn

    person = factory.SubFactory(UserFactory)
    week_start = factory.LazyFunction(lambda: week_start(timezone.localdate()))
    pain_average = 6
    enjoyment_interference = 5
    activity_interference = 4


def local_now(person):
    """Now on the person's own wall clock. Whole weeks taken from it or added to it keep the
    weekday and the hour across a change of summer time, as a person's local weeks do; from UTC
    they would not (late on a Sunday in winter, a summer week's entry falls on Monday)."""
    return timezone.localtime(timezone=person.zone)


def every(start, step, count: int) -> factory.Iterator:
    """Times `step` apart from `start`, one per object of a create_batch of `count`."""
    return factory.Iterator([start + step * n for n in range(count)], cycle=False)


class ShareLinkFactory(factory.django.DjangoModelFactory):
    """Pass `token=` to know the link's URL; only its hash is stored."""

    class Meta:
        model = ShareLink
        exclude = ("token",)

    person = factory.SubFactory(UserFactory)
    label = "Dr Lee, physio"
    token = factory.LazyFunction(tokens.new_token)
    token_hash = factory.LazyAttribute(lambda o: tokens.hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class SessionReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionReminder

    person = factory.SubFactory(UserFactory)
    weekdays = factory.LazyFunction(lambda: [0, 2, 4])
    at = time(7, 30)


class CheckInReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInReminder

    person = factory.SubFactory(UserFactory)
    weekday = Weekday.SUNDAY
    at = time(19, 0)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    """Pass `token=` to know the feed's URL; only its hash is stored."""

    class Meta:
        model = CalendarFeed
        exclude = ("token",)

    person = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(tokens.new_token)
    token_hash = factory.LazyAttribute(lambda o: tokens.hash_token(o.token))


def step_form(session: ReleaseSession) -> dict[str, str]:
    """The hidden fields of a session's step form, as its page shows them now."""
    shown = ReleaseSession.objects.get(pk=session.pk)
    return {"step": shown.step, "step_started_at": shown.step_started_at.isoformat()}


class TrialPlanFactory(factory.django.DjangoModelFactory):
    """A running plan of 2 pairs of 14-day blocks from today, no-ball first in each pair."""

    class Meta:
        model = TrialPlan

    person = factory.SubFactory(UserFactory)
    pairs = 2
    block_days = 14
    orders = factory.LazyAttribute(lambda o: ["AB"] * o.pairs)
    starts_on = factory.LazyFunction(timezone.localdate)


class TrialRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrialRating

    plan = factory.SubFactory(TrialPlanFactory)
    day = factory.LazyAttribute(lambda o: o.plan.starts_on)
    usual_pain = 5
