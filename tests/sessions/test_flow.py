from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions import flow
from sessions.models import RELAX_SECONDS, Step
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_numbers_the_five_steps():
    numbers = [flow.progress(ReleaseSessionFactory.build(step=s)) for s in Step]
    assert [p.number if p else None for p in numbers] == [None, 1, 2, 3, 4, 5, None, None]


def test_it_returns_the_open_session_instead_of_a_second(person):
    first, created = flow.start(person)
    again, created_again = flow.start(person)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_it_caps_relax_time_at_five_minutes(person):
    start = timezone.now() - timedelta(hours=2)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    session = flow.apply(session, Step.RELAX, "next", {})
    assert session.relax_seconds == RELAX_SECONDS
    assert session.step == Step.ROLL_OFF


def test_it_acts_only_on_the_current_step(person):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE)
    unchanged = flow.apply(session, Step.PAIN_BEFORE, "next", {"pain_before": 9})
    assert unchanged.pain_before is None
    assert unchanged.step == Step.ARCH_BEFORE


def test_it_changes_nothing_once_finished(person):
    session = ReleaseSessionFactory(person=person, finished=True)
    after = flow.apply(session, Step.DONE, "stop", {"stopped_early_reason": "other"})
    assert after.stopped_early_reason == ""


def test_it_keeps_relax_time_when_stopping_during_relax(person):
    start = timezone.now()
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    later = start + timedelta(seconds=45)
    stopped = flow.apply(
        session, Step.RELAX, "stop", {"stopped_early_reason": "sharp_pain"}, now=later
    )
    assert (stopped.relax_seconds, stopped.finished_at) == (45, later)


def test_it_notes_skipped_breathing(person):
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    session = flow.apply(session, Step.BREATHE, "skip", {})
    assert (session.step, session.breathing_skipped) == (Step.ARCH_BEFORE, True)
    other = ReleaseSessionFactory(person=UserFactory(), step=Step.BREATHE, pain_before=5)
    assert flow.apply(other, Step.BREATHE, "next", {}).breathing_skipped is False
