"""The workspace list's Reviewed mark, cleared by any new data a practice can see, and its trial
column, which gives a plan's result once the plan is over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.clinic import workspace
from journal.models import WeeklyCheckIn
from journal.trial import analysis, plans
from journal.trial.models import Status
from tests.clinic.factories import GrantFactory
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    TrialPlanFactory,
    TrialRatingFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def row_of(practice, grant) -> workspace.Row:
    return next(row for row in workspace.rows(practice) if row.grant_id == grant.pk)


def reviewed(practice, member, member_client):
    grant = GrantFactory(practice=practice, shown_name="Ann")
    JournalEntryFactory(person=grant.person, pain=5, recorded_at=NOW - timedelta(days=1))
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    assert row_of(practice, grant).reviewed_by == member.person.name
    return grant


def test_a_check_in_after_the_review_clears_it(practice, member, member_client):
    grant = reviewed(practice, member, member_client)
    WeeklyCheckInFactory(person=grant.person)
    assert row_of(practice, grant).reviewed_by is None


def test_a_corrected_check_in_clears_it_and_the_same_answers_again_do_not(
    practice, member, member_client
):
    grant = reviewed(practice, member, member_client)
    check_in = WeeklyCheckInFactory(person=grant.person)
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    # The same answers sent twice (the check-in's upsert) change nothing but `updated_at`.
    WeeklyCheckIn.objects.record(
        grant.person,
        check_in.week_start,
        pain_average=check_in.pain_average,
        enjoyment_interference=check_in.enjoyment_interference,
        activity_interference=check_in.activity_interference,
    )
    assert row_of(practice, grant).reviewed_by == member.person.name
    WeeklyCheckIn.objects.record(
        grant.person,
        check_in.week_start,
        pain_average=2,
        enjoyment_interference=check_in.enjoyment_interference,
        activity_interference=check_in.activity_interference,
    )
    assert row_of(practice, grant).reviewed_by is None


def test_a_trial_rating_after_the_review_clears_it(practice, member, member_client):
    grant = reviewed(practice, member, member_client)
    plan = TrialPlanFactory(person=grant.person, starts_on=NOW.date())
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    assert row_of(practice, grant).reviewed_by == member.person.name
    rating = TrialRatingFactory(plan=plan, day=NOW.date(), usual_pain=4)
    assert row_of(practice, grant).reviewed_by is None
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    rating.usual_pain = 6
    rating.save()  # a correction
    assert row_of(practice, grant).reviewed_by is None


def test_a_session_and_a_deletion_after_the_review_clear_it(practice, member, member_client):
    grant = reviewed(practice, member, member_client)
    session = ReleaseSessionFactory(person=grant.person, started_at=NOW - timedelta(hours=1))
    assert row_of(practice, grant).reviewed_by is None
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    session.delete()
    assert row_of(practice, grant).reviewed_by is None


def test_a_review_after_the_data_keeps_it(practice, member, member_client, frozen):
    grant = GrantFactory(practice=practice, shown_name="Ann")
    plan = TrialPlanFactory(person=grant.person, starts_on=NOW.date())
    WeeklyCheckInFactory(person=grant.person)
    TrialRatingFactory(plan=plan, day=NOW.date(), usual_pain=4)
    ReleaseSessionFactory(person=grant.person, started_at=NOW - timedelta(hours=1))
    JournalEntryFactory(person=grant.person, pain=5, recorded_at=NOW - timedelta(hours=2))
    frozen.shift(timedelta(minutes=5))
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    row = row_of(practice, grant)
    assert row.reviewed_by == member.person.name
    assert row.reviewed_at == NOW + timedelta(minutes=5)
    # Another patient's data leaves it alone.
    other = GrantFactory(practice=practice)
    WeeklyCheckInFactory(person=other.person)
    assert row_of(practice, grant).reviewed_by == member.person.name


def helped_plan(person, status=Status.FINISHED):
    """3 pairs of 7-day blocks, no ball first, over by today: pain 4.4 to 5.4 points lower with
    the ball in each pair."""
    starts_on = NOW.date() - timedelta(days=50)
    plan = TrialPlanFactory(
        person=person, pairs=3, block_days=7, starts_on=starts_on, status=Status.RUNNING
    )
    # Without the ball 7 and 8 in turn; with it 3, 2 and 2 in the three pairs.
    lows = {1: 3, 2: 2, 3: 2}
    for pair in (1, 2, 3):
        first = starts_on + timedelta(days=(pair - 1) * 14)
        for offset in range(14):
            pain = lows[pair] if offset >= 7 else 7 + offset % 2
            TrialRatingFactory(plan=plan, day=first + timedelta(days=offset), usual_pain=pain)
    plan.status = status
    plan.save()
    return plan


def test_the_finished_plans_verdict_shows_in_the_list(practice, member_client):
    grant = GrantFactory(practice=practice, shown_name="Ann")
    plan = helped_plan(grant.person)
    plan.person = grant.person
    expected = plans.outcome(plan, NOW.date()).result.verdict
    assert expected == analysis.HELPED
    row = row_of(practice, grant)
    assert (row.trial_status, row.trial_verdict) == ("finished", analysis.HELPED)
    assert "trial" in row.flags
    english = member_client.get(reverse("clinic:patients")).text
    assert "finished: helped" in english
    member_client.cookies["django_language"] = "de"
    german = member_client.get(reverse("clinic:patients")).text
    assert "abgeschlossen: geholfen" in german and "finished: helped" not in german


def test_a_plan_whose_days_are_over_shows_its_result_before_anyone_opens_it(practice):
    grant = GrantFactory(practice=practice)
    helped_plan(grant.person, status=Status.RUNNING)
    row = row_of(practice, grant)
    assert (row.trial_status, row.trial_verdict) == ("finished", analysis.HELPED)
    assert "trial" in row.flags


def test_a_running_plan_shows_running_and_a_new_rating_changes_the_result(practice, member_client):
    grant = GrantFactory(practice=practice)
    TrialPlanFactory(person=grant.person, starts_on=NOW.date())
    row = row_of(practice, grant)
    assert (row.trial_status, row.trial_verdict) == ("running", None)
    assert ">running<" in member_client.get(reverse("clinic:patients")).text
    # A plan stopped with too few pairs over: not enough to tell, however it is cached.
    other = GrantFactory(practice=practice)
    plan = helped_plan(other.person)
    assert row_of(practice, other).trial_verdict == analysis.HELPED
    plan.ratings.filter(day__gte=plan.starts_on + timedelta(days=14)).delete()
    assert row_of(practice, other).trial_verdict == analysis.NOT_ENOUGH


def test_a_plan_ending_after_the_grants_dates_is_not_shown(practice):
    grant = GrantFactory(practice=practice, shows_until=NOW.date() - timedelta(days=30))
    helped_plan(grant.person)
    row = row_of(practice, grant)
    assert (row.trial_status, row.trial_verdict) == (None, None)


def test_the_verdicts_cost_no_query_of_their_own(practice, member_client):
    """Finished plans' verdicts come from the list's one query, for 1 patient as for 4."""

    def patients(count: int) -> None:
        for _ in range(count):
            helped_plan(GrantFactory(practice=practice).person)

    patients(1)
    member_client.get(reverse("clinic:patients"))  # the session's idle mark, written once
    with CaptureQueriesContext(connection) as one:
        member_client.get(reverse("clinic:patients"))
    patients(3)
    with CaptureQueriesContext(connection) as four:
        page = member_client.get(reverse("clinic:patients")).text
    assert len(four.captured_queries) == len(one.captured_queries) <= 5
    assert page.count("finished: helped") == 4
