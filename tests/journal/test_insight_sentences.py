"""What the insights say never claims more than their numbers (issue "Is it helping?")."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from backrelease.common.period import Period
from journal import insights, trends
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

ESTIMATE = re.compile(
    r"([+-]?\d+\.\d) points(?: a week)?(?:, | \()95% interval ([+-]?\d+\.\d) to ([+-]?\d+\.\d)"
)
DIRECTIONS = (
    "dropped",
    "rose",
    "goes down",
    "goes up",
    "more relief",
    "less relief",
    "higher",
    "lower",
)


def check(text: str) -> None:
    """The printed estimate lies in its printed interval; a direction only off zero."""
    found = ESTIMATE.search(text)
    if found is None:
        assert "cannot tell" not in text
        return
    value, low, high = (Decimal(figure) for figure in found.groups())
    assert low <= value <= high, text
    if low <= 0 <= high:
        assert "cannot tell yet" in text, text
        assert not any(word in text for word in DIRECTIONS), text
    else:
        assert "cannot tell" not in text and any(word in text for word in DIRECTIONS), text


ratings = st.integers(min_value=0, max_value=10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ratings, ratings), min_size=6, max_size=40))
def test_relief_sentences_stay_within_their_intervals(drops):
    check(insights._relief_text(insights.relief(drops), "All sessions"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=10, allow_nan=False)),
        min_size=5,
        max_size=30,
    )
)
def test_trend_sentences_stay_within_their_intervals(weekly):
    check(insights._trend_text(insights.trend(weekly, ratings=len(weekly) * 3), "Since the start"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(ratings.map(float), min_size=5, max_size=25),
    st.lists(ratings.map(float), min_size=5, max_size=25),
)
def test_difference_sentences_stay_within_their_intervals(first, second):
    result = insights.difference(first, second)
    for what, factor in [
        ("Relief", insights.FACTORS["balls"]),
        ("Journal pain", insights.SESSION_DAYS),
    ]:
        text = insights._difference_text(result, what, factor, "sessions")
        check(text)
        assert "0.0 to 0.0" not in text or result.difference is not None


@pytest.mark.parametrize("n", [5, 6, 7])
def test_the_trend_interval_covers_at_least_95_percent_from_five_weeks(n):
    """Every ordering of n weekly values is equally likely when the true slope is zero, so the
    share of orderings whose interval holds zero is the interval's exact coverage."""
    orderings = list(itertools.permutations(range(n)))
    covered = sum(
        result.low_slope <= 0 <= result.high_slope
        for result in (stats.theilslopes(y, range(n), alpha=0.95) for y in orderings)
    )
    assert covered / len(orderings) >= 0.95


def test_four_weeks_are_too_few_for_a_95_percent_trend():
    orderings = list(itertools.permutations(range(4)))
    results = [stats.theilslopes(y, range(4), alpha=0.95) for y in orderings]
    covered = sum(result.low_slope <= 0 <= result.high_slope for result in results)
    assert covered / len(orderings) < 0.95
    assert insights.trend([6.0, 5.0, 4.0, 3.0]).slope is None


def test_the_demo_persons_trend_says_the_data_cannot_tell():
    result = insights.Trend(8, insights.Estimate(-0.44, -1.04, 0.20), ratings=45)
    text = insights._trend_text(result, "Since the start")
    assert text == (
        "Since the start: the data cannot tell yet whether usual pain is going down or up: "
        "-0.4 points a week, 95% interval -1.0 to +0.2, over 8 weeks with 45 ratings."
    )


def test_it_never_says_relief_when_pain_rises():
    result = insights.relief([(3, 5), (4, 6), (2, 4), (5, 7), (3, 4), (4, 7), (2, 5)])
    text = insights._relief_text(result, "All sessions")
    assert "pain rose right after a session, by a median 2.0 points" in text
    assert "dropped" not in text


def test_it_writes_one_week_and_one_session():
    assert "1 session with both ratings" in insights._relief_text(
        insights.relief([(5, 3)]), "All sessions"
    )
    assert "(1 week with ratings" in insights._trend_text(insights.trend([4.0]), "Since")


def test_a_change_beside_two_means_is_their_difference_as_printed():
    result = trends.change(Decimal("4.76"), 5, Decimal("6.04"), 5)
    assert result.label == "no clear change"
    assert trends.size_of(result).startswith("1.2 points")


def test_the_clinician_reads_no_instruction_meant_for_the_person():
    empty = trends.summarize([])
    assert "Rate your pain" in trends.sentence(empty, date(2026, 11, 30))
    clinician = trends.sentence(empty, date(2026, 11, 30), whose="their")
    assert "Rate" not in clinician and "your" not in clinician


@pytest.mark.django_db
def test_a_session_late_on_the_25_hour_day_counts_for_that_local_day(person):
    person.time_zone = "Europe/London"
    person.save()
    # Clocks go back at 02:00 on 25 October 2026: that local day runs 25 hours, to 00:00 UTC on
    # the 26th. A 24-hour window from its midnight would end at 23:00 UTC and miss this session.
    ReleaseSessionFactory(person=person, started_at=datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    JournalEntryFactory(person=person, pain=4, recorded_at=datetime(2026, 10, 25, 9, tzinfo=UTC))
    period = Period.of(person, now=datetime(2026, 11, 1, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute(insights.DAYS_SQL, period.sql_params())
        ((day, pain, count, had_session),) = cursor.fetchall()
    assert (day, pain, count, had_session) == (date(2026, 10, 25), 4, 1, True)


@pytest.mark.django_db
def test_a_past_periods_last_four_weeks_are_those_before_its_end(person):
    end = date(2026, 6, 30)
    ReleaseSessionFactory.create_batch(
        7,
        person=person,
        finished=True,
        pain_before=7,
        pain_after=3,
        started_at=datetime(2026, 6, 20, 9, tzinfo=UTC),
    )
    now = datetime(2026, 11, 30, tzinfo=UTC)
    found = insights.compute(Period.of(person, since=date(2026, 5, 1), until=end, now=now))
    assert found.relief_recent.sessions == 7
    assert found.relief_all.sessions == 7
    whole = insights.compute(Period.of(person, now=now))
    assert whole.relief_recent.sessions == 0
    assert found.trend_recent.weeks == whole.trend_recent.weeks + 1 == 1
    assert timedelta(weeks=4) < now - datetime(2026, 6, 20, tzinfo=UTC)
