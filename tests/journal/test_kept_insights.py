"""Insights kept under the revision of the ratings they rest on: one lookup while nothing
changed, a fresh answer after any change, whichever way the change was written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backrelease.common.period import Period
from journal import insights
from journal.models import HistoryRevision, JournalEntry
from sessions.models import ReleaseSession, Step
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def revision(person) -> int:
    found = HistoryRevision.objects.filter(person=person).values_list("number", flat=True)
    return found.first() or 0


def rated_sessions(person, count: int, **fields) -> list[ReleaseSession]:
    return ReleaseSessionFactory.create_batch(
        count,
        person=person,
        finished=True,
        pain_before=7,
        pain_after=4,
        **{"started_at": NOW - timedelta(days=2), **fields},
    )


@pytest.mark.django_db
def test_every_write_the_insights_read_counts_once(person, other_person):
    ReleaseSession.objects.bulk_create(
        ReleaseSessionFactory.build_batch(3, person=person, finished=True)
    )
    assert revision(person) == 1, "three rows inserted in one statement count once"
    JournalEntryFactory(person=person)
    assert revision(person) == 2
    session = ReleaseSession.objects.of(person).first()
    ReleaseSession.objects.filter(pk=session.pk).update(pain_before=5)
    assert revision(person) == 3
    JournalEntry.objects.of(person).update(pain=1)
    assert revision(person) == 4
    ReleaseSession.objects.filter(pk=session.pk).delete()
    assert revision(person) == 5
    assert revision(other_person) == 0


@pytest.mark.django_db
def test_walking_through_the_steps_or_rewriting_the_same_value_counts_nothing(person):
    session = ReleaseSessionFactory(person=person, pain_before=6, step=Step.PAIN_BEFORE)
    before = revision(person)
    ReleaseSession.objects.filter(pk=session.pk).update(
        step=Step.ARCH_BEFORE, step_started_at=timezone.now(), pain_before=6
    )
    JournalEntry.objects.of(person).update(note="same pain")
    assert revision(person) == before


@pytest.mark.django_db
def test_a_kept_answer_costs_one_lookup_and_a_change_is_seen_at_once(person):
    rated_sessions(person, 6)
    period = Period.of(person, now=NOW)
    assert insights.kept(period).relief_all.sessions == 6
    with CaptureQueriesContext(connection) as lookups:
        assert insights.kept(period) == insights.compute(period)
    assert len(lookups) - 3 == 1, "compute's three queries, and one lookup for the kept answer"
    rated_sessions(person, 1)
    assert insights.kept(period).relief_all.sessions == 7
    ReleaseSession.objects.of(person).filter(pain_after=4).update(pain_after=None)
    assert insights.kept(period).relief_all.sessions == 0


@pytest.mark.django_db
def test_an_answer_kept_in_an_earlier_format_is_never_read(person, monkeypatch):
    rated_sessions(person, 6)
    period = Period.of(person, now=NOW)
    insights.kept(period)
    monkeypatch.setattr(insights, "KEPT_FORMAT", insights.KEPT_FORMAT + 1)
    with CaptureQueriesContext(connection) as lookups:
        insights.kept(period)
    assert len(lookups) == 1 + 3, "the revision, then compute's three queries"


@pytest.mark.django_db
def test_an_answer_is_kept_for_its_own_period_and_day(person):
    rated_sessions(person, 6)
    today = insights.kept(Period.of(person, now=NOW))
    a_month_on = insights.kept(Period.of(person, now=NOW + timedelta(days=30)))
    assert today.relief_recent.sessions == 6
    assert a_month_on.relief_recent.sessions == 0
    earlier = Period.of(person, until=date(2026, 11, 1), now=NOW)
    assert insights.kept(earlier).relief_all.sessions == 0


@pytest.mark.django_db
def test_the_last_four_weeks_are_the_iso_weeks_of_the_trends_page(person):
    person.time_zone = "Australia/Sydney"
    person.save(update_fields=["time_zone"])
    # The last day is Wednesday 25 November in Sydney; its four weeks start on Monday 2 November,
    # just after whose local midnight (13:30 UTC the day before) the first six sessions fall.
    first_day = datetime(2026, 11, 1, 13, 30, tzinfo=UTC)
    assert Period.of(person, now=NOW).last_weeks(4).shown_from == date(2026, 11, 2)
    rated_sessions(person, 6, started_at=first_day)
    rated_sessions(person, 6, started_at=first_day - timedelta(hours=1))
    found = insights.compute(Period.of(person, now=NOW))
    assert (found.relief_all.sessions, found.relief_recent.sessions) == (12, 6)


@pytest.mark.django_db
def test_a_person_with_history_can_still_be_deleted(person):
    rated_sessions(person, 2)
    JournalEntryFactory(person=person)
    assert revision(person) > 0
    person.delete()
    assert not HistoryRevision.objects.exists()
