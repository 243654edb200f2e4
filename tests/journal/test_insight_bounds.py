"""How an insight prints the ends of its interval (issue 34): a bound off zero keeps its sign and
two significant figures however close to zero it lies; a bound of exactly zero reads "0.0",
without a sign; a figure within the arithmetic's rounding of zero is zero, never
"+0.00000000000000044"; the minus is the hyphen-minus, as everywhere in the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from backrelease.common.period import Period
from journal import display, insights
from tests.factories import JournalEntryFactory

# A Sunday evening; each week's ratings lie Monday to Saturday before it.
NOW = datetime(2026, 6, 28, 20, tzinfo=UTC)


def rate_weeks(person, sums: list[int]) -> None:
    """Six journal ratings a week adding up to each week's sum (its usual pain is the sum / 6),
    the last week NOW's."""
    first_monday = datetime(2026, 6, 22, 9, tzinfo=UTC) - timedelta(weeks=len(sums) - 1)
    for week, total in enumerate(sums):
        whole, more = divmod(total, 6)
        for day in range(6):
            JournalEntryFactory(
                person=person,
                pain=whole + (day < more),
                recorded_at=first_monday + timedelta(weeks=week, days=day),
            )


def trends_said(person, language: str) -> list[str]:
    """The two trend sentences of `person`'s insights, in `language`."""
    found = insights.compute(Period.of(person, now=NOW))
    with translation.override(language):
        return insights.statements(found)[gettext("Does it last")]


SINCE_THE_START = {
    "en-gb": "The trend through every week since the start: ",
    "de": "Der Verlauf über alle Wochen seit Beginn: ",
}
FALLING = [
    # The upper end just above zero: signed, with its plus.
    (
        [47, 45, 47, 46, 44, 44, 43, 46],
        "the data cannot tell yet whether usual pain is going down or up: -0.27 points a month, "
        "95% interval -0.72 to +0.12, over 8 weeks with 48 ratings.",
        "die Daten zeigen noch nicht, ob der übliche Schmerz sinkt oder steigt: -0,27 Punkte pro "
        "Monat, 95-%-Intervall -0,72 bis +0,12, über 8 Wochen mit 48 Angaben.",
    ),
    # Two weeks alike make the upper end exactly zero: "0.0", without a sign.
    (
        [33, 32, 33, 30, 30, 32, 27, 30],
        "the data cannot tell yet whether usual pain is going down or up: -0.46 points a month, "
        "95% interval -0.72 to 0.0, over 8 weeks with 48 ratings.",
        "die Daten zeigen noch nicht, ob der übliche Schmerz sinkt oder steigt: -0,46 Punkte pro "
        "Monat, 95-%-Intervall -0,72 bis 0,0, über 8 Wochen mit 48 Angaben.",
    ),
    # The upper end just below zero: a direction, and sizes.
    (
        [44, 38, 41, 38, 36, 35, 34, 37],
        "usual pain goes down 0.72 points a month (95% interval 0.12 to 1.4), over 8 weeks with "
        "48 ratings.",
        "der übliche Schmerz sinkt um 0,72 Punkte pro Monat (95-%-Intervall 0,12 bis 1,4), über 8 "
        "Wochen mit 48 Angaben.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("sums", "english", "german"), FALLING)
def test_it_prints_an_upper_end_near_zero_with_its_sign(person, sums, english, german):
    rate_weeks(person, sums)
    for language, sentence in [("en-gb", english), ("de", german)]:
        _recent, since_start = trends_said(person, language)
        assert since_start == SINCE_THE_START[language] + sentence
        assert "\u2212" not in since_start


@pytest.mark.django_db
def test_it_prints_a_median_of_opposite_slopes_as_zero(person):
    """Weeks of 1.5, 4.83, 5.0, 4.33 and 4.17: the two middle slopes, -1/6 and +1/6 a week, sum
    to 4.4e-16 in binary floating point, which two significant figures printed whole."""
    rate_weeks(person, [9, 29, 30, 26, 25])
    assert (
        insights.compute(Period.of(person, now=NOW)).trend_all.slope.value == 4.440892098500626e-16
    )
    english = trends_said(person, "en-gb")[1]
    assert english == (
        "The trend through every week since the start: the data cannot tell yet whether usual "
        "pain is going down or up: 0.0 points a week, 95% interval -0.67 to +3.3, over 5 weeks "
        "with 30 ratings."
    )
    assert "0,0 Punkte pro Woche, 95-%-Intervall -0,67 bis +3,3" in trends_said(person, "de")[1]


def test_it_prints_a_difference_of_equal_means_as_zero():
    """Day means in thirds, equal on both sides, summed in different orders: 8.9e-16 apart."""
    with_session = [7.666666666666667] * 2 + [8.0, 3.6666666666666665, 7.0, 2.0]
    with_session += [1.6666666666666667, 5.666666666666667, 6.666666666666667]
    without = [5.0, 5.0, 2.6666666666666665, 6.666666666666667, 8.0, 6.0]
    result = insights.difference(with_session, without, ratings=50)
    assert result.difference.value == 8.881784197001252e-16
    for language, said in [
        ("en-gb", "cannot tell yet whether it differs: 0.0 points, 95% interval -2.4 to +2.4,"),
        ("de", "0,0 Punkte, 95-%-Intervall -2,4 bis +2,4,"),
    ]:
        with translation.override(language):
            assert said in insights._difference_text(result, insights.SESSION_DAYS)


@pytest.mark.parametrize(
    ("high", "said"),
    [
        (-0.002, "usual pain goes down 1.0 points a month (95% interval 0.0087 to 2.9)"),
        (0.002, "-1.0 points a month, 95% interval -2.9 to +0.0087,"),
        (0.0, "-1.0 points a month, 95% interval -2.9 to 0.0,"),
        (1e-15, "-1.0 points a month, 95% interval -2.9 to 0.0,"),
        (-1e-15, "-1.0 points a month, 95% interval -2.9 to 0.0,"),
    ],
)
def test_a_bound_is_zero_only_when_it_is(high, said):
    """Eight weeks, in points a month: a bound of 0.002 a week keeps its side and two figures; one
    within the arithmetic's rounding of zero is zero, and names no direction."""
    slope = insights.Estimate(-0.24, -0.67, high)
    assert said in insights._trend_text(insights.Trend(8, slope, ratings=40, span=8), "Since")


def test_a_figure_within_the_arithmetics_rounding_of_zero_is_zero():
    assert display.settled(4.4e-16) == display.settled(-4.4e-16) == 0.0
    assert display.settled(-0.0) == 0.0
    assert display.settled(display.ROUNDING) == display.ROUNDING
    assert display.settled(-0.004) == -0.004
