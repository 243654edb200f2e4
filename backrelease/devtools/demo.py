"""Six weeks of believable history for the demo person, so a newcomer sees a real record at once."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.common.local_time import week_start
from journal.models import BUILT_IN_TAGS, JournalEntry, WeeklyCheckIn
from journal.trial.models import TrialPlan
from sessions.models import RELAX_SECONDS, BallSetup, ReleaseSession, Step, StopReason

DEMO_USERNAME = "demo"
DEMO_TIME_ZONE = "Europe/London"
DEMO_DAYS = 42
DEMO_SEED = 20261125
NOTES = [
    "Stiff after a long drive.",
    "Slept badly, back tight on waking.",
    "Two balls felt calmer today.",
    "Gardening yesterday.",
    "Felt the arch soften near the end.",
]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _session(person: User, rng: random.Random, day: date, progress: float) -> ReleaseSession:
    started = datetime.combine(day, time(rng.randint(7, 21), rng.choice([0, 15, 30, 45])))
    started_at = timezone.make_aware(started, person.zone)
    # Pain drifts from about 7 down to about 4 over the six weeks, with day-to-day noise.
    pain_before = _clamp(7 - 3 * progress + rng.gauss(0, 1), 1, 10)
    arch_before = _clamp(3 - progress + rng.gauss(0, 0.5), 1, 4)
    session = ReleaseSession(
        person=person,
        started_at=started_at,
        pain_before=pain_before,
        arch_before=arch_before,
        ball_setup=BallSetup.TWO if rng.random() < 0.3 else BallSetup.ONE,
        knees_lifted=rng.random() < 0.4,
        repositions=rng.choice([0, 0, 0, 1]),
        step=Step.DONE,
    )
    if rng.random() < 0.07:
        session.stopped_early_reason = rng.choice(StopReason.values)
        session.relax_seconds = rng.randint(30, 200)
    else:
        session.relax_seconds = RELAX_SECONDS
        session.arch_after = _clamp(arch_before - rng.choice([0, 1, 1, 1, 2]), 0, 4)
        session.pain_after = _clamp(pain_before - rng.choice([0, 1, 1, 2, 2, 3]), 0, 10)
        if rng.random() < 0.5:
            session.tension_before = _clamp(6 - 2 * progress + rng.gauss(0, 1.5), 0, 10)
            session.tension_after = _clamp(session.tension_before - rng.randint(0, 3), 0, 10)
        if rng.random() < 0.15:
            session.note = rng.choice(NOTES)
    session.finished_at = started_at + timedelta(seconds=session.relax_seconds + 300)
    session.step_started_at = session.finished_at
    return session


def _journal_entries(
    person: User, rng: random.Random, day: date, progress: float, per_day: list[int]
) -> list[JournalEntry]:
    entries = []
    for hour in sorted(rng.sample(range(8, 22), rng.choice(per_day))):
        at = timezone.make_aware(datetime.combine(day, time(hour, rng.randint(0, 59))), person.zone)
        tags = rng.sample(BUILT_IN_TAGS[:6], rng.choice([0, 1, 1, 2]))
        entries.append(
            JournalEntry(
                person=person,
                recorded_at=at,
                pain=_clamp(6.5 - 2.5 * progress + rng.gauss(0, 1.2), 0, 10),
                tags=tags,
                note=rng.choice(NOTES) if rng.random() < 0.1 else "",
            )
        )
    return entries


def _check_in(person: User, rng: random.Random, monday: date, progress: float) -> WeeklyCheckIn:
    def item(level: float) -> int:
        return _clamp(level - 2.5 * progress + rng.gauss(0, 0.8), 0, 10)

    return WeeklyCheckIn(
        person=person,
        week_start=monday,
        pain_average=item(6.5),
        enjoyment_interference=item(6),
        activity_interference=item(5.5),
    )


def fill(
    person: User,
    days: int,
    today: date,
    *,
    rng: random.Random,
    session_days: float = 0.8,
    entries_a_day: tuple[int, ...] = (0, 1, 1, 2),
    kinds: set[str] | None = None,
) -> None:
    """`days` days of history up to yesterday: sessions on a share of days, journal entries
    (`entries_a_day` picks how many each day), a check-in every week. `kinds` limits which."""
    kinds = kinds or {"sessions", "journal", "check_ins"}
    first_day = today - timedelta(days=days - 1)
    dated = [(first_day + timedelta(days=n), n / days) for n in range(days - 1)]
    if "sessions" in kinds:
        ReleaseSession.objects.bulk_create(
            [_session(person, rng, day, p) for day, p in dated if rng.random() < session_days],
            batch_size=2000,
        )
    if "journal" in kinds:
        JournalEntry.objects.bulk_create(
            [e for day, p in dated for e in _journal_entries(person, rng, day, p, entries_a_day)],
            batch_size=2000,
        )
    if "check_ins" in kinds:
        mondays = sorted({week_start(day) for day, _ in dated if week_start(day) >= first_day})
        WeeklyCheckIn.objects.bulk_create(
            [_check_in(person, rng, m, (m - first_day).days / days) for m in mondays]
        )


@transaction.atomic
def seed(password: str, today: date | None = None) -> tuple[User, bool]:
    """Creates the demo person and their history once; a second run changes nothing."""
    person, created = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"display_name": "Demo", "time_zone": DEMO_TIME_ZONE}
    )
    # Set when the person is made, or when the printed login would not work: never changed under
    # a signed-in demo session (which a new password would end).
    if created or not person.check_password(password):
        person.set_password(password)
        person.save(update_fields=["password"])
    today = today or timezone.localdate(timezone=person.zone)
    # Each kind is filled once, so a demo made before the journal existed gains one.
    missing = missing_kinds(person)
    if missing:
        fill(person, DEMO_DAYS, today, rng=random.Random(DEMO_SEED), kinds=missing)
    return person, bool(missing)


def missing_kinds(person: User) -> set[str]:
    """The kinds of history (`fill`'s `kinds`) the person has no row of."""
    found = {
        "sessions": ReleaseSession.objects.of(person).exists(),
        "journal": JournalEntry.objects.of(person).exists(),
        "check_ins": WeeklyCheckIn.objects.filter(person=person).exists(),
    }
    return {kind for kind, exists in found.items() if not exists}


THREE_YEARS = "bench-three-year-person"
DEMO_SIZED = "bench-demo-sized-person"


def bench_person(username: str, days: int, *, seed: int, time_zone: str, **options) -> User:
    """A person of the bench's own, made once with `days` of history (`fill` and its `options`)
    up to the day before they were made: whatever of theirs is dated from then on is what the
    bench wrote (`bench_written`). A kind of history found missing is filled again, up to the
    same day."""
    person, _ = User.objects.get_or_create(username=username, defaults={"time_zone": time_zone})
    missing = missing_kinds(person)
    if missing:
        made = timezone.localdate(person.date_joined, timezone=person.zone)
        fill(person, days, made, rng=random.Random(seed), kinds=missing, **options)
    return person


def bench_written(person: User) -> dict[str, QuerySet]:
    """The rows of a bench person dated from the moment they were made: the bench's own writing,
    which its clean-up deletes. Their history (`bench_person`) ends the day before, and never holds
    a trial plan: every plan of theirs (with its ratings) is the bench's."""
    since = person.date_joined
    return {
        "sessions": ReleaseSession.objects.of(person).filter(started_at__gte=since),
        "journal": JournalEntry.objects.of(person).filter(recorded_at__gte=since),
        "trial plans": TrialPlan.objects.of(person),
    }


def long_history_person(years: int, username: str | None = None) -> User:
    """`years` of near-daily sessions and 2–4 journal entries a day (made once): the histories
    the bench and the restore test measure against."""
    return bench_person(
        username or f"bench-{years}-year-person",
        years * 365,
        seed=years,
        time_zone="Australia/Sydney",
        session_days=0.9,
        entries_a_day=(2, 3, 4),
    )


def three_year_person() -> User:
    return long_history_person(3, THREE_YEARS)


def demo_sized_person() -> User:
    """The bench's own person with a history like the demo person's: the bench never signs in as
    the demo, whom a developer may be using."""
    return bench_person(DEMO_SIZED, DEMO_DAYS, seed=DEMO_SEED, time_zone=DEMO_TIME_ZONE)


TRIAL_PERSON = "bench-trial-person"
# Six pairs of 14-day blocks, and a fortnight before them: the longest plan the trial offers, inside
# the history.
TRIAL_DAYS = 6 * 2 * 14 + 14


def trial_person() -> User:
    """The bench's own person for the trial's result page: a plan changes their home page and
    report, so it is nobody else's the bench compares."""
    return bench_person(TRIAL_PERSON, TRIAL_DAYS, seed=37, time_zone=DEMO_TIME_ZONE)


CLINICIAN = "bench-clinician"
CLINIC_PATIENT_DAYS = 84
# Patients of a practice live in many zones: each has their own weeks.
CLINIC_ZONES = ["Europe/London", "Europe/Berlin", "Europe/Madrid", "America/New_York"]


def clinic_patient(number: int) -> User:
    """One of the bench's patients for the clinic's list: twelve weeks of sessions, journal
    entries and check-ins, each patient their own."""
    return bench_person(
        f"bench-clinic-patient-{number:03}",
        CLINIC_PATIENT_DAYS,
        seed=3800 + number,
        time_zone=CLINIC_ZONES[number % len(CLINIC_ZONES)],
        session_days=0.6,
        entries_a_day=(1, 2, 2, 3),
    )
