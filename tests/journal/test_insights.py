"""Is it helping? Each figure against a worked example computed here by another route."""

from __future__ import annotations

import math
import random
import re
import statistics
from datetime import UTC, datetime, timedelta
from html import unescape
from itertools import combinations

import pytest
import time_machine
from django.test import Client
from scipy import stats

from backrelease.common.period import Period
from backrelease.devtools import demo
from journal import insights
from journal.models import JournalEntry
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, ShareLinkFactory, every

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def median_interval(values: list[float]) -> tuple[float, float]:
    """The distribution-free 95% interval for a median from order statistics: the widest pair
    (k-th smallest, k-th largest) whose binomial coverage is still at least 95%."""
    ordered = sorted(values)
    n = len(ordered)
    best = None
    for k in range(1, n // 2 + 1):
        coverage = 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2**n
        if coverage >= 0.95:
            best = (ordered[k - 1], ordered[n - k])
    return best


def test_it_gives_the_median_drop_with_its_interval_and_the_important_ones():
    drops = [(7, 4), (6, 6), (8, 5), (5, 4), (7, 3), (6, 5), (9, 6), (4, 4), (7, 5), (6, 2)]
    result = insights.relief(drops)
    changes = [b - a for b, a in drops]
    assert result.sessions == 10
    assert result.median.value == statistics.median(changes)
    assert (result.median.low, result.median.high) == median_interval(changes)
    # 2 points or 30%: 7→4, 8→5, 7→3, 9→6, 7→5, 6→2 by points; 5→4 is 20%, 6→5 17%.
    assert result.important == 6


def test_it_says_not_enough_for_a_median_from_five_sessions():
    result = insights.relief([(7, 4)] * 5)
    assert result.median is None
    text = insights.statements(
        insights.Insights(
            result,
            result,
            insights.Trend(0, None),
            insights.Trend(0, None),
            insights.Difference(0, 0, None),
            {},
        )
    )
    assert (
        "not enough data yet (5 sessions with both ratings, 6 needed)"
        in text["Right after a session"][0]
    )


def test_it_gives_the_theil_sen_trend_a_week():
    usual = [6.0, 5.5, None, 5.0, 4.0, 4.5]
    result = insights.trend(usual)
    points = [(i, y) for i, y in enumerate(usual) if y is not None]
    slopes = [(y2 - y1) / (x2 - x1) for (x1, y1), (x2, y2) in combinations(points, 2)]
    assert result.weeks == 5
    assert result.slope.value == pytest.approx(statistics.median(slopes))
    assert result.slope.low <= result.slope.value <= result.slope.high


def test_it_keeps_ties_in_the_trend():
    result = insights.trend([5.0, 5.0, 5.0, 5.0, 5.0], ratings=15)
    assert result.slope.value == 0
    text = insights._trend_text(result, "Since the start")
    assert text.startswith("Since the start: usual pain is flat, 5.0 every week")
    assert "0.0 to 0.0" not in text and "no spread to give an interval" in text


def test_it_gives_welchs_difference_and_interval():
    first, second = [3.0, 4, 5, 4, 3, 2], [5.0, 6, 5, 7, 6]
    result = insights.difference(first, second)
    diff = statistics.mean(first) - statistics.mean(second)
    v1, v2 = statistics.variance(first) / 6, statistics.variance(second) / 5
    se = math.sqrt(v1 + v2)
    dof = (v1 + v2) ** 2 / (v1**2 / 5 + v2**2 / 4)
    half = stats.t.ppf(0.975, dof) * se
    assert result.difference.value == pytest.approx(diff)
    assert result.difference.low == pytest.approx(diff - half)
    assert result.difference.high == pytest.approx(diff + half)


@pytest.mark.parametrize(("first", "second"), [([], [1.0] * 9), ([1.0] * 4, [2.0] * 9)])
def test_it_compares_nothing_when_a_group_is_small_or_empty(first, second):
    result = insights.difference(first, second)
    assert result.difference is None
    text = insights._difference_text(result, insights.FACTORS["balls"])
    assert "not enough data yet" in text


def test_it_answers_every_question_from_the_database_in_three_queries(
    person, django_assert_num_queries
):
    person.time_zone = "America/Los_Angeles"
    person.save()
    start = NOW - timedelta(weeks=10)
    ReleaseSessionFactory.create_batch(
        12,
        person=person,
        finished=True,
        pain_before=7,
        pain_after=4,
        started_at=every(start, timedelta(days=5), 12),
    )
    JournalEntryFactory.create_batch(
        30, person=person, pain=5, recorded_at=every(start, timedelta(days=2), 30)
    )
    with django_assert_num_queries(3):
        found = insights.compute(Period.of(person, now=NOW))
    assert found.relief_all.sessions == 12
    assert found.relief_all.median.value == 3
    assert found.relief_all.important == 12
    assert found.trend_all.weeks >= 4
    text = insights.statements(found)
    assert all(
        "causes" not in line or "not proof" in line for lines in text.values() for line in lines
    )


def test_it_keeps_a_share_links_insights_to_its_dates(person):
    old = NOW - timedelta(weeks=40)
    ReleaseSessionFactory.create_batch(
        8,
        person=person,
        finished=True,
        pain_before=9,
        pain_after=1,
        started_at=every(old, timedelta(days=1), 8),
    )
    link = ShareLinkFactory(
        person=person, token="insights-token", shows_from=(NOW - timedelta(weeks=4)).date()
    )
    assert (
        insights.compute(Period.of(person, now=NOW, since=link.shows_from)).relief_all.sessions == 0
    )
    report = Client().get("/shared/insights-token/").text
    assert 'hx-get="insights/"' in report
    page = Client().get("/shared/insights-token/insights/").text
    assert "<html" in page and "Back to the report" in page
    assert "0 sessions with both ratings" in page
    partial = Client().get("/shared/insights-token/insights/", HTTP_HX_REQUEST="true").text
    assert partial.startswith('  <section id="insights"') or partial.lstrip().startswith(
        '<section id="insights"'
    )
    assert "0 sessions with both ratings" in partial and "<html" not in partial


def test_it_gives_no_interval_when_neither_group_varies():
    result = insights.difference([3.0] * 5, [1.0] * 6)
    assert result.difference is None
    assert result.means == (3, 1)
    text = insights._difference_text(result, insights.FACTORS["balls"])
    assert "every figure was the same within each group, 3.0 against 1.0" in text
    assert "interval" not in text.replace("no spread to give an interval", "")


def test_it_serves_the_answers_as_a_page_and_as_the_partial_the_trends_load(person, person_client):
    ReleaseSessionFactory.create_batch(6, person=person, finished=True, pain_before=6, pain_after=3)
    trends_page = person_client.get("/trends/").text
    assert 'hx-get="/trends/insights/"' in trends_page
    page = person_client.get("/trends/insights/").text
    assert "<h1>" in page and "Is it helping?" in page
    partial = person_client.get("/trends/insights/", HTTP_HX_REQUEST="true").text
    assert partial.lstrip().startswith('<section id="insights"')
    assert "pain dropped by the same 3.0 points after every session" in partial
    assert "from 6 sessions rated before and after" in partial
    assert "6 of them reached a drop that matters" in partial


def test_it_keeps_the_answers_to_the_persons_own_sessions(person, person_client, other_person):
    ReleaseSessionFactory.create_batch(
        6, person=other_person, finished=True, pain_before=9, pain_after=1
    )
    partial = person_client.get("/trends/insights/", HTTP_HX_REQUEST="true").text
    assert "0 sessions with both ratings" in partial


def slow_steady_improvement(person, years: int = 10) -> None:
    """One journal rating a day for `years`, from about 6 down by 0.3 points a year, with the
    day-to-day spread of a real record."""
    rng = random.Random(34)
    days = years * 365
    start = NOW - timedelta(days=days)
    JournalEntry.objects.bulk_create(
        JournalEntry(
            person=person,
            recorded_at=start + timedelta(days=day, hours=rng.randint(-4, 8)),
            pain=max(0, min(10, round(6 - 0.3 * day / 365.25 + rng.gauss(0, 1)))),
        )
        for day in range(days)
    )


def headline_and_trend(client: Client) -> tuple[str, str]:
    """The trends page's sentence (the latest week against the first) and the insight's trend
    through every week since the start."""
    page = unescape(client.get("/trends/").text)
    (headline,) = re.findall(r'class="summary-sentence">([^<]*)<', page)
    answers = unescape(client.get("/trends/insights/", HTTP_HX_REQUEST="true").text)
    (trend,) = [
        line for line in re.findall(r"<li>([^<]*)</li>", answers) if "since the start" in line
    ]
    return headline, trend


def direction(sentence: str) -> int | None:
    """-1 or +1 for the direction a sentence names, None when it names none."""
    for words, side in (("is down", -1), ("goes down", -1), ("is up", 1), ("goes up", 1)):
        if words in sentence:
            return side
    return None


@time_machine.travel(NOW)
@pytest.mark.parametrize("history", ["the bench's ten years", "a slow steady improvement"])
def test_the_trends_and_the_insights_agree_on_a_slow_change(history, person, person_client):
    """Ten years of pain easing by about 0.3 points a year: the insight once said "cannot tell
    yet … 0.0 points a week, 95% interval 0.0 to 0.0" beside a headline of a moderately
    important improvement. Each now says which question it answers, and where both name a
    direction it is the same one."""
    if history == "the bench's ten years":
        client = Client()
        client.force_login(demo.long_history_person(10))
    else:
        slow_steady_improvement(person)
        client = person_client
    headline, trend = headline_and_trend(client)
    assert "from your first week" in headline
    assert trend.startswith("The trend through every week since the start: usual pain goes down")
    assert direction(headline) == direction(trend) == -1
    size, low, high = (
        float(figure)
        for figure in re.search(
            r"goes down (\d\.\d+) points a year \(95% interval (\d\.\d+) to (\d\.\d+)\)", trend
        ).groups()
    )
    assert 0.2 < low <= size <= high < 0.4 and low < high
    answers = unescape(client.get("/trends/insights/", HTTP_HX_REQUEST="true").text)
    for low, high in re.findall(r"interval ([+-]?[\d.]+) to ([+-]?[\d.]+)", answers):
        assert low != high, answers
