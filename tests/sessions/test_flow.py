from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sessions import flow
from sessions.models import RELAX_SECONDS, ReleaseSession, Step
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


def test_it_refuses_to_write_over_a_step_another_request_finished(person):
    """Two requests read the session at the same step; only the first write lands."""
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    first_read = ReleaseSession.objects.get(pk=session.pk)
    second_read = ReleaseSession.objects.get(pk=session.pk)
    flow.apply(first_read, Step.PAIN_BEFORE, "next", {"pain_before": 6})
    shown = flow.apply(second_read, Step.PAIN_BEFORE, "next", {"pain_before": 2})
    assert (shown.step, shown.pain_before) == (Step.BREATHE, 6)
    session.refresh_from_db()
    assert (session.step, session.pain_before) == (Step.BREATHE, 6)


def test_it_refuses_a_relax_answer_read_before_a_reposition(person):
    """The same step reached again (ball, relax, ball, relax) has a new start: a copy read during
    the first relax cannot write into the second."""
    start = timezone.now() - timedelta(seconds=90)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    stale = ReleaseSession.objects.get(pk=session.pk)
    moved = flow.apply(session, Step.RELAX, "reposition", {})
    moved = flow.apply(moved, Step.BALL, "next", {"ball_setup": "one"})
    assert moved.step == Step.RELAX
    shown = flow.apply(stale, Step.RELAX, "stop", {"stopped_early_reason": "sharp_pain"})
    assert (shown.step, shown.repositions) == (Step.RELAX, 1)
    session.refresh_from_db()
    assert (session.finished_at, session.stopped_early_reason) == (None, "")


def test_it_writes_what_it_returns(person):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE, pain_before=4)
    returned = flow.apply(session, Step.ARCH_BEFORE, "next", {"arch_before": 3})
    stored = ReleaseSession.objects.get(pk=session.pk)
    fields = ["step", "step_started_at", "arch_before", "pain_before", "updated_at"]
    assert [getattr(returned, f) for f in fields] == [getattr(stored, f) for f in fields]


@pytest.mark.django_db(transaction=True)
def test_parallel_taps_save_once(person):
    """Real concurrent requests on their own connections: exactly one answer is written."""
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    barrier = threading.Barrier(6)

    def tap(pain: int) -> None:
        try:
            read = ReleaseSession.objects.get(pk=session.pk)
            barrier.wait()
            flow.apply(read, Step.PAIN_BEFORE, "next", {"pain_before": pain})
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(pain,)) for pain in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.refresh_from_db()
    assert session.step == Step.BREATHE
    assert session.pain_before in range(6)
