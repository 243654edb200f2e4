"""What the insights say never claims more than their numbers (issue "Is it helping?")."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation
from django.utils.formats import get_format
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from backrelease.common.period import Period
from journal import insights, trends
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

# The oracle's checks run in English and German: the words are read from the English sentence, and
# every figure of the German one, read back through its decimal comma, must be the English one's.
LANGUAGES = ["en-gb", "de"]

ESTIMATE = re.compile(
    r"([+-]?\d+\.\d+) points(?: a (?:week|month|year))?(?:, | \()"
    r"95% interval ([+-]?\d+\.\d+) to ([+-]?\d+\.\d+)"
)
ALONE = re.compile(r"([+-]?\d+\.\d+) points(?: a (?:week|month|year))?[,;].* that figure alone")
DIRECTIONS = (
    "dropped",
    "rose",
    "goes down",
    "goes up",
    ": more ",
    ": less ",
    ": higher ",
    ": lower ",
)


def decimals(text: str, language: str) -> list[Decimal]:
    """Every figure with decimals in a text of `language`, read back as a number."""
    separator = get_format("DECIMAL_SEPARATOR", lang=language)
    other = "," if separator == "." else "."
    # A figure never shows the other language's separator ("2.3" in a German sentence).
    assert not re.search(rf"\d{re.escape(other)}\d", text), text
    found = re.findall(rf"[+-]?\d+{re.escape(separator)}\d+", text)
    return [Decimal(figure.replace(separator, ".")) for figure in found]


def said(make, language: str) -> str:
    """The sentence `make` writes in English, checked; and in `language`, whose figures must read
    back as the English ones."""
    with translation.override("en-gb"):
        text = make()
    check(text)
    if language != "en-gb":
        with translation.override(language):
            localized = make()
        assert decimals(localized, language) == decimals(text, "en-gb"), (localized, text)
    return text


def check(text: str) -> None:
    """The printed estimate lies in its printed interval, whose ends differ; a direction only off
    zero."""
    found = ESTIMATE.search(text)
    if found is None:
        assert "cannot tell" not in text or ALONE.search(text), text
        return
    value, low, high = (Decimal(figure) for figure in found.groups())
    assert low <= value <= high, text
    assert low < high, text
    if low <= 0 <= high:
        assert "cannot tell yet" in text, text
        assert not any(word in text for word in DIRECTIONS), text
    else:
        assert "cannot tell" not in text and any(word in text for word in DIRECTIONS), text


ratings = st.integers(min_value=0, max_value=10)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ratings, ratings), min_size=6, max_size=40))
def test_relief_sentences_stay_within_their_intervals(language, drops):
    result = insights.relief(drops)
    said(lambda: insights._relief_text(result, "All sessions"), language)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=10, allow_nan=False)),
        min_size=5,
        max_size=30,
    )
)
def test_trend_sentences_stay_within_their_intervals(language, weekly):
    result = insights.trend(weekly, ratings=len(weekly) * 3)
    said(lambda: insights._trend_text(result, "Since the start"), language)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=150, deadline=None)
@given(
    st.lists(ratings.map(float), min_size=5, max_size=25),
    st.lists(ratings.map(float), min_size=5, max_size=25),
)
def test_difference_sentences_stay_within_their_intervals(language, first, second):
    result = insights.difference(first, second)
    for factor in [insights.FACTORS["balls"], insights.SESSION_DAYS]:
        said(lambda factor=factor: insights._difference_text(result, factor), language)


figures = st.one_of(
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.just(0.0),
)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(st.lists(figures, min_size=3, max_size=3), st.integers(min_value=5, max_value=600))
def test_a_direction_rests_on_the_exact_interval_and_no_printed_bound_contradicts_it(
    language, three, span
):
    """A slope (in points a week) whose exact interval lies off zero is named as going down or
    up, whatever its size; each printed bound has the sign of its exact value. A figure within
    the arithmetic's rounding of zero (`display.ROUNDING`) is zero."""
    low, value, high = sorted(three)
    if low == high:
        return
    result = insights.Trend(span, insights.Estimate(value, low, high), ratings=span * 3, span=span)
    text = said(lambda: insights._trend_text(result, "Since the start"), language)
    low, value, high = (insights.display.settled(figure) for figure in (low, value, high))
    if low == high:
        assert "cannot tell yet" in text and "0.0 points a week" in text, text
        assert "that figure alone" in text, text
        return
    found = ESTIMATE.search(text)
    printed = [Decimal(figure) for figure in found.groups()]
    if low > 0 or high < 0:
        assert ("goes down" in text) == (high < 0) and ("goes up" in text) == (low > 0), text
        # Sizes without signs: none is printed as zero.
        assert all(figure > 0 for figure in printed), text
    else:
        assert "cannot tell yet" in text, text
        for exact, shown in zip((value, low, high), printed, strict=True):
            assert (exact > 0) == (shown > 0) and (exact < 0) == (shown < 0), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("value", "low", "high", "shown"),
    [
        (-0.04, -0.3, -0.04, ("-0.04", "-0.3", "-0.04")),
        (0.0094, -0.1034, 0.1222, ("+0.0094", "-0.1", "+0.12")),
        (-0.257, -0.264, -0.2504, ("-0.26", "-0.26", "-0.25")),
        (2.0, 1.0, 2.0, ("+2.0", "+1.0", "+2.0")),
        (0.5, 0.0, 12.04, ("+0.5", "0.0", "+12.0")),
        # Ends that would print alike get more decimals, and the estimate with them.
        (2.312, 2.311, 2.314, ("+2.312", "+2.311", "+2.314")),
    ],
)
def test_each_figure_keeps_two_significant_figures_and_its_sign(language, value, low, high, shown):
    printed = insights.display.figures(value, low, high)
    with translation.override(language):
        text = " ".join(insights.display.signed(figure) for figure in printed)
    assert decimals(text, language) == [Decimal(figure) for figure in shown]
    assert tuple(text.split(" ")) == tuple(
        figure.replace(".", get_format("DECIMAL_SEPARATOR", lang=language)) for figure in shown
    )


def test_a_slow_trend_is_given_a_year_and_named_by_its_exact_interval():
    """The bench's ten years: 0.3 points a year is 0.006 a week, which one decimal a week showed
    as "0.0 points a week, 95% interval 0.0 to 0.0"."""
    year = 365.25 / 7
    result = insights.Trend(
        522, insights.Estimate(-0.3 / year, -0.32 / year, -0.28 / year), ratings=4912, span=522
    )
    assert insights._trend_text(result, "Since the start") == (
        "Since the start: usual pain goes down 0.3 points a year (95% interval 0.28 to 0.32), "
        "over 522 weeks with 4912 ratings."
    )
    slope = insights.Estimate(0.05, 0.01, 0.09)
    over_a_year = insights.Trend(60, slope, ratings=200, span=60)
    assert "goes up 2.6 points a year (95% interval 0.52 to 4.7)" in insights._trend_text(
        over_a_year, "Since the start"
    )
    under_a_year = insights.Trend(40, slope, ratings=200, span=40)
    assert "goes up 0.22 points a month (95% interval 0.043 to 0.39)" in insights._trend_text(
        under_a_year, "Since the start"
    )


def test_a_trend_is_never_given_in_a_unit_longer_than_its_weeks():
    eight_weeks = insights.Trend(8, insights.Estimate(-0.004, -0.3, 0.2), ratings=40, span=8)
    text = insights._trend_text(eight_weeks, "The last eight weeks")
    assert "-0.017 points a month, 95% interval -1.3 to +0.87" in text
    assert "year" not in text


def test_an_interval_of_one_value_is_said_in_words_never_printed_with_equal_ends():
    """Most sessions dropped by 2 (or 0), so the median's interval is 2 (or 0) alone, though the
    drops were not all the same."""
    mostly_two = insights.relief([(6, 4)] * 20 + [(6, 5), (6, 1), (5, 6)])
    assert (mostly_two.median.low, mostly_two.median.high) == (2, 2)
    text = insights._relief_text(mostly_two, "All sessions")
    assert "to 2.0" not in text and "95% interval (" not in text
    assert (
        "pain dropped right after a session, by a median 2.0 points, from 23 sessions rated "
        "before and after; 20 of them dropped by exactly that, so many that its 95% interval is "
        "that figure alone;"
    ) in text
    mostly_none = insights._relief_text(insights.relief([(5, 5)] * 20 + [(6, 4)]), "All")
    assert "cannot tell yet" in mostly_none and "0.0 to 0.0" not in mostly_none
    assert "20 of them were the same before and after" in mostly_none
    on_a_line = insights._trend_text(insights.trend([5, 5, 5, 5, 6, 5, 5], 21), "Since the start")
    assert (
        "cannot tell yet whether usual pain is going down or up: 0.0 points a week, over 7 weeks "
        "with 21 ratings; so many weeks lie on one line that its 95% interval is that figure alone"
    ) in on_a_line


def test_a_factor_line_names_the_group_once_and_gives_its_ratings():
    more = insights.difference([3.0, 4, 3, 4, 3], [1.0, 2, 1, 2, 1, 2], ratings=22)
    text = insights._difference_text(more, insights.FACTORS["balls"])
    assert text.startswith(
        "Relief with two balls against one: more with two balls, by 1.9 points (95% interval "
    )
    assert "from 5 and 6 sessions (22 ratings)." in text
    assert "more relief" not in text


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
    result = insights.Trend(8, insights.Estimate(-0.44, -1.04, 0.20), ratings=45, span=8)
    text = insights._trend_text(result, "Since the start")
    assert text == (
        "Since the start: the data cannot tell yet whether usual pain is going down or up: "
        "-0.44 points a week, 95% interval -1.0 to +0.2, over 8 weeks with 45 ratings."
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
