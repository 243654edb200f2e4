from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sessions import flow
from sessions.models import RELAX_SECONDS, REPOSITIONS_MAX, ReleaseSession, Step
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


def answer(session: ReleaseSession, action: str = "next", values: dict | None = None, **given):
    """Applies an answer as the session's page would post it: for the step it shows, begun when
    the page says; `given` overrides any of those (step, started_at, person, now)."""
    posted = {
        "person": session.person,
        "step": session.step,
        "started_at": session.step_started_at,
        "now": None,
        **given,
    }
    return flow.apply(
        posted["person"],
        session.pk,
        posted["step"],
        posted["started_at"],
        action,
        values or {},
        now=posted["now"],
    )


def test_it_caps_relax_time_at_five_minutes(person):
    start = timezone.now() - timedelta(hours=2)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    session = answer(session)
    assert session.relax_seconds == RELAX_SECONDS
    assert session.step == Step.ROLL_OFF


def test_it_acts_only_on_the_current_step(person):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE)
    assert answer(session, values={"pain_before": 9}, step=Step.PAIN_BEFORE) is None
    session.refresh_from_db()
    assert (session.step, session.pain_before) == (Step.ARCH_BEFORE, None)


def test_it_changes_nothing_once_finished(person):
    session = ReleaseSessionFactory(person=person, finished=True)
    assert answer(session, "stop", {"stopped_early_reason": "other"}) is None
    assert answer(session, "stop", {"stopped_early_reason": "other"}, step=Step.EXTRAS) is None
    session.refresh_from_db()
    assert session.stopped_early_reason == ""


def test_it_writes_nothing_to_another_persons_session(person):
    theirs = ReleaseSessionFactory(person=UserFactory(), step=Step.PAIN_BEFORE)
    assert answer(theirs, values={"pain_before": 3}, person=person) is None
    theirs.refresh_from_db()
    assert (theirs.step, theirs.pain_before) == (Step.PAIN_BEFORE, None)


def test_it_keeps_relax_time_when_stopping_during_relax(person):
    start = timezone.now()
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    later = start + timedelta(seconds=45)
    stopped = answer(session, "stop", {"stopped_early_reason": "sharp_pain"}, now=later)
    assert (stopped.relax_seconds, stopped.finished_at) == (45, later)


def test_it_notes_skipped_breathing(person):
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    session = answer(session, "skip")
    assert (session.step, session.breathing_skipped) == (Step.ARCH_BEFORE, True)
    other = ReleaseSessionFactory(person=UserFactory(), step=Step.BREATHE, pain_before=5)
    assert answer(other).breathing_skipped is False


def test_it_never_counts_past_the_most_repositions(person):
    start = timezone.now() - timedelta(seconds=30)
    session = ReleaseSessionFactory(
        person=person,
        step=Step.RELAX,
        started_at=start,
        step_started_at=start,
        repositions=REPOSITIONS_MAX,
    )
    moved = answer(session, "reposition")
    assert (moved.step, moved.repositions, moved.relax_seconds) == (Step.BALL, REPOSITIONS_MAX, 30)


def test_it_refuses_to_write_over_a_step_another_request_finished(person):
    """Two requests answer the same step as the page showed it; only the first write lands."""
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    assert answer(session, values={"pain_before": 6}).pain_before == 6
    assert answer(session, values={"pain_before": 2}) is None
    session.refresh_from_db()
    assert (session.step, session.pain_before) == (Step.BREATHE, 6)


def test_it_refuses_a_relax_answer_from_before_a_reposition(person):
    """The same step reached again (ball, relax, ball, relax) has a new start: a page shown during
    the first relax cannot write into the second."""
    start = timezone.now() - timedelta(seconds=90)
    session = ReleaseSessionFactory(
        person=person, step=Step.RELAX, started_at=start, step_started_at=start
    )
    moved = answer(session, "reposition")
    moved = answer(moved, values={"ball_setup": "one"})
    assert moved.step == Step.RELAX
    assert answer(session, "stop", {"stopped_early_reason": "sharp_pain"}) is None
    session.refresh_from_db()
    assert (session.step, session.repositions, session.finished_at) == (Step.RELAX, 1, None)


def test_it_refuses_an_answer_without_a_readable_step_start(person):
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    assert answer(session, values={"pain_before": 4}, started_at=None) is None
    assert flow.step_started_at({}) is None
    assert flow.step_started_at({"step_started_at": "yesterday"}) is None
    # Without its zone, a time could be any of 26 hours.
    assert flow.step_started_at({"step_started_at": "2026-11-28T10:00:00"}) is None
    assert flow.step_started_at({"step_started_at": "2026-11-28T10:00:00.123456+00:00"}) == (
        datetime(2026, 11, 28, 10, 0, 0, 123456, tzinfo=UTC)
    )


def test_it_writes_what_it_returns(person):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE, pain_before=4)
    returned = answer(session, values={"arch_before": 3})
    stored = ReleaseSession.objects.get(pk=session.pk)
    fields = [field.attname for field in ReleaseSession._meta.concrete_fields]
    assert [getattr(returned, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert (stored.step, stored.arch_before, stored.pain_before) == (Step.BALL, 3, 4)


def test_it_reads_the_session_as_the_orm_does_and_only_the_persons_own(person):
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=4, arch_before=2)
    read = flow.current(person, session.pk)
    stored = ReleaseSession.objects.get(pk=session.pk)
    fields = [field.attname for field in ReleaseSession._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert not read._state.adding
    assert flow.current(UserFactory(), session.pk) is None


@pytest.mark.django_db(transaction=True)
def test_parallel_taps_save_once(person):
    """Real concurrent requests on their own connections: exactly one answer is written."""
    session = ReleaseSessionFactory(person=person, step=Step.PAIN_BEFORE)
    barrier = threading.Barrier(6)
    written = []

    def tap(pain: int) -> None:
        try:
            barrier.wait()
            written.append(answer(session, values={"pain_before": pain}))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(pain,)) for pain in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in written) == 1
    session.refresh_from_db()
    assert session.step == Step.BREATHE
    assert session.pain_before in range(6)


def test_a_steps_forms_are_made_only_when_asked_for():
    forms = flow.forms_for(ReleaseSessionFactory.build(step=Step.BREATHE))
    assert forms.get("next") is None
    assert type(forms["next"]).__name__ == "BreatheForm"
    assert list(forms) == ["next"]
    with pytest.raises(KeyError):
        forms["knees"]


@pytest.mark.parametrize(
    ("step", "offered"),
    [(Step.PAIN_BEFORE, False), (Step.BREATHE, True), (Step.RELAX, True), (Step.EXTRAS, False)],
)
def test_the_blank_stop_early_form_is_shared_only_where_it_is_offered(step, offered):
    session = ReleaseSessionFactory.build(step=step)
    forms = flow.forms_for(session)
    assert flow.has_fixed_stop_early(session, forms) is offered
    if offered:
        forms["stop"] = flow.form_for(step, "stop", {"stop-stopped_early_reason": ""})
        assert flow.has_fixed_stop_early(session, forms) is False
