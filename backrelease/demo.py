"""Six weeks of believable history for the demo person, so a newcomer sees a real record at once."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from backrelease.models import User
from journal.models import BUILT_IN_TAGS, JournalEntry, WeeklyCheckIn, week_start
from sessions.models import RELAX_SECONDS, BallSetup, ReleaseSession, Step, StopReason

DEMO_USERNAME = "demo"
DEMO_TIME_ZONE = "Europe/London"
DEMO_DAYS = 42
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
    person: User, rng: random.Random, day: date, progress: float
) -> list[JournalEntry]:
    entries = []
    for hour in sorted(rng.sample(range(8, 22), rng.choice([0, 1, 1, 2]))):
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


@transaction.atomic
def seed(password: str, today: date | None = None) -> tuple[User, bool]:
    """Creates the demo person and their history once; a second run changes nothing."""
    person, _ = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"display_name": "Demo", "time_zone": DEMO_TIME_ZONE}
    )
    # Set every time, so the printed login always works.
    person.set_password(password)
    person.save(update_fields=["password"])
    rng = random.Random(20261125)
    today = today or timezone.localdate(timezone=person.zone)
    first_day = today - timedelta(days=DEMO_DAYS - 1)
    days = [(first_day + timedelta(days=n), n / DEMO_DAYS) for n in range(DEMO_DAYS - 1)]
    created = False
    # Each kind is filled once, so a demo made before the journal existed gains one.
    if not ReleaseSession.objects.of(person).exists():
        sessions = [_session(person, rng, day, p) for day, p in days if rng.random() < 0.8]
        ReleaseSession.objects.bulk_create(sessions)
        created = True
    if not JournalEntry.objects.of(person).exists():
        entries = [e for day, p in days for e in _journal_entries(person, rng, day, p)]
        JournalEntry.objects.bulk_create(entries)
        created = True
    if not WeeklyCheckIn.objects.filter(person=person).exists():
        mondays = sorted({week_start(day) for day, _ in days if week_start(day) >= first_day})
        check_ins = [_check_in(person, rng, m, (m - first_day).days / DEMO_DAYS) for m in mondays]
        WeeklyCheckIn.objects.bulk_create(check_ins)
        created = True
    return person, created
