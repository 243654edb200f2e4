"""Six weeks of believable history for the demo person, so a newcomer sees a real record at once."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from backrelease.models import User
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


@transaction.atomic
def seed(password: str, today: date | None = None) -> tuple[User, bool]:
    """Creates the demo person and their history once; a second run changes nothing."""
    person, _ = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"display_name": "Demo", "time_zone": DEMO_TIME_ZONE}
    )
    # Set every time, so the printed login always works.
    person.set_password(password)
    person.save(update_fields=["password"])
    if ReleaseSession.objects.of(person).exists():
        return person, False
    rng = random.Random(20261125)
    today = today or timezone.localdate(timezone=person.zone)
    first_day = today - timedelta(days=DEMO_DAYS - 1)
    sessions = [
        _session(person, rng, first_day + timedelta(days=offset), offset / DEMO_DAYS)
        for offset in range(DEMO_DAYS - 1)
        if rng.random() < 0.8
    ]
    ReleaseSession.objects.bulk_create(sessions)
    return person, True
