"""The workspace list: one row a patient, its figures and flags, sorting and filtering, the
Reviewed mark, and its query count whatever the history."""

from __future__ import annotations

import random
import warnings
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import stats

from journal import display
from journal.clinic import workspace
from journal.models import JournalEntry
from journal.trial.models import Status
from tests.clinic.factories import GrantFactory
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    TrialPlanFactory,
    UserFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db
# A Wednesday; its week began on Monday 16 November (London).
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
BASELINE_DAY = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def patient(practice, baseline: list[int], this_week: list[int], name: str = "Ann"):
    grant = GrantFactory(practice=practice, shown_name=name)
    for n, pain in enumerate(baseline):
        JournalEntryFactory(
            person=grant.person, pain=pain, recorded_at=BASELINE_DAY + timedelta(hours=n)
        )
    for n, pain in enumerate(this_week):
        JournalEntryFactory(
            person=grant.person, pain=pain, recorded_at=NOW - timedelta(days=1, hours=n)
        )
    return grant


def row_of(practice, grant) -> workspace.Row:
    return next(row for row in workspace.rows(practice) if row.grant_id == grant.pk)


@pytest.mark.parametrize(
    ("baseline", "this_week", "worse"),
    [
        ([4, 4, 4], [6, 6, 7], True),  # +2.3 points, +58%
        ([8, 8, 8], [10, 10, 10], True),  # +2 points, only 25%
        ([3, 3, 3], [4, 4, 4], True),  # +1 point, +33%
        ([5, 5, 6], [7, 7, 7], True),  # +1.67 points, +31.25% on exact values
        ([5, 5, 5], [6, 6, 7], False),  # +1.33 points, +26.7%
        ([5, 5, 5], [6, 6, 6], False),  # +1 point, +20%
        ([2, 2, 2], [8, 8], False),  # too few ratings this week to label
    ],
)
def test_it_flags_worse_on_exact_values_with_enough_ratings(practice, baseline, this_week, worse):
    grant = patient(practice, baseline, this_week)
    assert ("worse" in row_of(practice, grant).flags) is worse


def test_it_gives_the_figures_of_a_row(practice):
    grant = patient(practice, [4, 4, 5], [6, 6, 7, 6, 5])
    ReleaseSessionFactory(person=grant.person, finished=True, started_at=NOW - timedelta(days=2))
    WeeklyCheckInFactory(person=grant.person)
    row = row_of(practice, grant)
    assert row.sessions_7d == 1
    assert row.ratings_7d == 5 + 2  # five journal ratings, a session's before and after
    assert row.this_week_n == 5 + 1
    assert row.baseline_week.isoformat() == "2026-10-05"
    assert float(row.peg) == pytest.approx(5.0)
    assert row.this_week.label == "worse"


def test_it_flags_no_rating_for_seven_days(practice):
    grant = GrantFactory(practice=practice)
    JournalEntryFactory(person=grant.person, recorded_at=NOW - timedelta(days=8))
    recent = patient(practice, [], [5])
    assert "quiet" in row_of(practice, grant).flags
    assert "quiet" not in row_of(practice, recent).flags


def test_it_flags_a_rating_of_nine_or_ten_in_the_last_seven_days(practice):
    severe = patient(practice, [], [9])
    old = GrantFactory(practice=practice)
    JournalEntryFactory(person=old.person, pain=10, recorded_at=NOW - timedelta(days=8))
    assert "severe" in row_of(practice, severe).flags
    assert "severe" not in row_of(practice, old).flags


def test_it_flags_a_trial_result_ready(practice):
    grant = patient(practice, [], [5])
    TrialPlanFactory(
        person=grant.person, status=Status.FINISHED, starts_on=NOW.date() - timedelta(days=60)
    )
    assert "trial" in row_of(practice, grant).flags
    assert row_of(practice, grant).trial_status == "finished"


def test_it_keeps_to_the_grants_dates(practice):
    grant = patient(practice, [4, 4, 4], [9])
    grant.shows_until = NOW.date() - timedelta(days=10)
    grant.save()
    row = row_of(practice, grant)
    assert "severe" not in row.flags and row.this_week_n == 0


def test_it_puts_flagged_patients_first_and_filters_by_flag(practice, member_client):
    patient(practice, [], [5], name="Aaron Calm")
    patient(practice, [], [9], name="Zoe Severe")
    page = member_client.get(reverse("clinic:patients")).text
    assert page.index("Zoe Severe") < page.index("Aaron Calm")
    filtered = member_client.get(reverse("clinic:patients"), {"flag": "severe"}).text
    assert "Zoe Severe" in filtered and "Aaron Calm" not in filtered


def test_it_answers_htmx_with_the_rows(member_client, htmx_headers):
    response = member_client.get(reverse("clinic:patients"), {"flag": "quiet"}, **htmx_headers)
    assert response.text.lstrip().startswith('<div id="patient-rows"')


def test_it_clears_reviewed_when_new_data_arrives(practice, member, member_client):
    grant = patient(practice, [], [5])
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    row = row_of(practice, grant)
    assert row.reviewed_by == member.person.name and row.reviewed_at == NOW
    assert member.person.name in member_client.get(reverse("clinic:patients")).text
    JournalEntryFactory(person=grant.person, pain=4)
    assert row_of(practice, grant).reviewed_by is None


def test_it_keeps_another_practices_review_apart(practice, member_client):
    grant = patient(practice, [], [5])
    elsewhere = GrantFactory(person=grant.person)
    member_client.post(reverse("clinic:reviewed", args=[grant.pk]))
    assert row_of(elsewhere.practice, elsewhere).reviewed_by is None


def test_it_lists_200_patients_in_at_most_5_queries(
    practice, member_client, django_assert_max_num_queries
):
    people = UserFactory.create_batch(200)
    entries = []
    for n, person in enumerate(people):
        GrantFactory(person=person, practice=practice, shown_name=f"Patient {n}")
        entries += [
            JournalEntry(person=person, pain=(n + d) % 11, recorded_at=NOW - timedelta(days=d))
            for d in range(0, 60, 3)
        ]
    JournalEntry.objects.bulk_create(entries)
    member_client.get(reverse("clinic:patients"))  # the session's idle mark, written once
    with django_assert_max_num_queries(5):
        response = member_client.get(reverse("clinic:patients"))
    assert response.text.count('<th scope="row">') == 200


def test_it_steps_past_weeks_with_too_few_ratings_to_the_baseline(practice):
    grant = GrantFactory(practice=practice)
    week = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)  # a Monday
    for day, pain in [(0, 3), (1, 3), (14, 4), (21, 6), (22, 6), (23, 7)]:
        JournalEntryFactory(person=grant.person, pain=pain, recorded_at=week + timedelta(days=day))
    row = row_of(practice, grant)
    assert row.baseline_week.isoformat() == "2026-09-28"
    assert float(row.baseline_mean) == pytest.approx(19 / 3)


def test_it_takes_the_baseline_from_within_the_grants_dates(practice):
    grant = patient(practice, [4, 4, 4], [5])
    JournalEntryFactory(person=grant.person, pain=8, recorded_at=BASELINE_DAY + timedelta(days=7))
    for hours in (1, 2):
        JournalEntryFactory(
            person=grant.person, pain=8, recorded_at=BASELINE_DAY + timedelta(days=7, hours=hours)
        )
    grant.shows_from = (BASELINE_DAY + timedelta(days=7)).date()
    grant.save()
    row = row_of(practice, grant)
    assert row.baseline_week.isoformat() == "2026-10-12" and row.baseline_mean == 8


def test_it_gives_each_patient_scipys_interval(practice):
    """The intervals of the whole list, computed at once, are SciPy's for each patient alone (to
    the last bits, which follow the order the database hands the ratings in) and print alike."""
    rng = random.Random(38)
    expected = {}
    for n in range(20):
        baseline = [rng.randint(0, 10) for _ in range(rng.randint(5, 9))]
        this_week = [rng.randint(0, 10) for _ in range(rng.randint(5, 9))]
        grant = patient(practice, baseline, this_week, name=f"Patient {n}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            found = stats.ttest_ind(this_week, baseline, equal_var=False)
        interval = found.confidence_interval(0.95)
        value = sum(this_week) / len(this_week) - sum(baseline) / len(baseline)
        expected[grant.pk] = (value, float(interval.low), float(interval.high))
    rows = workspace.rows(practice)
    assert len(rows) == 20
    for row in rows:
        estimate = row.interval.difference
        shown = (estimate.value, estimate.low, estimate.high)
        assert shown == pytest.approx(expected[row.grant_id], rel=1e-12)
        assert display.figures(*shown) == display.figures(*expected[row.grant_id])
        assert "95% interval" in row.interval_text


def test_the_lists_queries_are_the_same_for_2_patients_as_for_20(
    practice, member, member_client, django_assert_num_queries
):
    """The list's query count does not follow its patients: each row's words and links come
    from the one query's rows, whatever they show (a reviewed mark, a trial plan, a PEG)."""

    def patients(count: int) -> None:
        for n in range(count):
            grant = patient(practice, [4, 4, 5, 5, 6], [6, 6, 7, 6, 5], name=f"Patient {n:02}")
            WeeklyCheckInFactory(person=grant.person)
            if n % 2:
                TrialPlanFactory(person=grant.person)
            if n % 3 == 0:
                workspace.mark_reviewed(member, grant.person)

    patients(2)
    member_client.get(reverse("clinic:patients"))  # the session's idle mark, written once
    with CaptureQueriesContext(connection) as two:
        page = member_client.get(reverse("clinic:patients")).text
    assert page.count('<th scope="row">') == 2
    patients(18)
    with django_assert_num_queries(len(two.captured_queries)):
        page = member_client.get(reverse("clinic:patients")).text
    assert page.count('<th scope="row">') == 20
    # Reviewed: the first batch's patient 0, the second's 0, 3, 6, 9, 12 and 15.
    assert page.count("Mark reviewed") == 20 - 7
