"""Change labels and the summary sentence: pure functions, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from journal import display, trends
from journal.templatetags.trend_tags import change_text


@pytest.mark.parametrize(
    ("current", "reference", "label"),
    [
        (7.1, 10, "no clear change"),  # -29%
        (7.0, 10, "moderately important improvement"),  # -30%
        (5.1, 10, "moderately important improvement"),  # -49%
        (5.0, 10, "substantial improvement"),  # -50%
        (0.0, 10, "substantial improvement"),
        (10, 10, "no clear change"),
        (12.9, 10, "no clear change"),  # +29%
        (13.0, 10, "worse"),  # +30%
        (3, 0, "worse"),
        (0, 0, "no clear change"),
    ],
)
def test_it_labels_changes_at_the_immpact_thresholds(current, reference, label):
    assert trends.change(current, 5, reference, 5).label == label


def test_it_gives_points_and_percent_exactly():
    result = trends.change(4.9, 5, 7.0, 5)
    assert result.points == Decimal("-2.1")
    assert result.percent == Decimal(-30)
    assert result.direction == "down"


@pytest.mark.parametrize(("current_n", "reference_n"), [(2, 9), (9, 1), (0, 5)])
def test_it_labels_nothing_from_fewer_than_3_ratings(current_n, reference_n):
    result = trends.change(4, current_n, 6, reference_n)
    assert result.label is None
    assert trends.verdict(result).startswith("too few ratings yet")
    assert "%" not in trends.size_of(result)


@pytest.mark.parametrize(
    ("current", "reference", "label", "shown"),
    [
        # -29.954%: no clear change, and never printed as the 30% it does not reach.
        (Decimal("7.0046"), 10, "no clear change", "3.0 points (just under 30%)"),
        (Decimal("5.0043"), 10, "moderately important improvement", "5.0 points (just under 50%)"),
        (Decimal("11.346"), 10, "no clear change", "1.3 points (13%)"),
        (Decimal("4.9"), 7, "moderately important improvement", "2.1 points (30%)"),
    ],
)
def test_it_never_prints_a_percent_across_a_threshold_from_its_label(
    current, reference, label, shown
):
    result = trends.change(current, 5, reference, 5)
    assert result.label == label
    assert trends.size_of(result) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.25, "2.3"),
        (-0.25, "-0.3"),
        (Decimal(121) / 20, "6.1"),
        (6.05, "6.1"),
        (0.04, "0.0"),
        (-0.04, "0.0"),
        (5, "5.0"),
        (Decimal("6.1666666666666667"), "6.2"),
        (Decimal("6.05"), "6.1"),
    ],
)
def test_it_rounds_half_up_once(value, shown):
    assert display.one_decimal(value) == shown


def week(day: date, usual: float | None, n: int) -> trends.Week:
    return trends.Week(
        day,
        0,
        usual,
        n,
        None,
        0,
        None,
        0,
        None,
        0,
        None,
        0,
        None,
        0,
        usual,
        n if usual else 0,
        None,
    )


def test_it_says_the_change_from_the_first_week_in_one_sentence():
    weeks = [
        week(date(2026, 11, 2), 7.0, 5),
        week(date(2026, 11, 9), None, 0),
        week(date(2026, 11, 16), 4.9, 4),
    ]
    text = trends.sentence(trends.summarize(weeks), date(2026, 11, 16))
    assert text == (
        "Usual pain this week is down 2.1 points (30%) from your first week, 4 ratings against "
        "5: a moderately important improvement (only 4 ratings: an early sign)."
    )


def test_it_names_the_week_when_this_week_has_no_ratings_yet():
    weeks = [
        week(date(2026, 10, 26), 9.0, 2),
        week(date(2026, 11, 2), 8.0, 3),
        week(date(2026, 11, 9), 8.0, 2),
        week(date(2026, 11, 16), None, 0),
    ]
    summary = trends.summarize(weeks)
    assert summary.baseline.week == date(2026, 11, 2)
    assert summary.against_last_week is None
    assert trends.sentence(summary, date(2026, 11, 16)) == (
        "Usual pain in the week of 9 Nov is the same as in your first week, 2 ratings against "
        "3: too few ratings yet to say (fewer than 3 in a week)."
    )


def test_it_takes_the_first_week_with_3_ratings_as_the_baseline_and_names_other_years():
    weeks = [
        week(date(2025, 12, 22), 2.0, 1),
        week(date(2025, 12, 29), 8.0, 4),
        week(date(2026, 1, 5), 4.0, 3),
    ]
    summary = trends.summarize(weeks)
    assert summary.baseline.week == date(2025, 12, 29)
    assert trends.sentence(summary, date(2026, 11, 16)) == (
        "Usual pain in the week of 5 Jan is down 4.0 points (50%) from your first week, 3 ratings "
        "against 4: a substantial improvement (only 3 ratings: an early sign)."
    )
    assert trends.week_name(date(2025, 12, 29), date(2026, 11, 16)) == "29 Dec 2025"


def test_it_invites_a_first_rating():
    assert trends.sentence(trends.summarize([]), date(2026, 11, 16)).startswith("Rate your pain")


@pytest.mark.parametrize(
    ("current_n", "reference_n", "said"),
    [
        (3, 12, "worse (only 3 ratings: an early sign)"),
        (12, 9, "worse (only 9 ratings: an early sign)"),
        (10, 10, "worse"),
    ],
)
def test_a_label_from_fewer_than_10_ratings_says_it_is_an_early_sign(current_n, reference_n, said):
    result = trends.change(Decimal("3.6"), current_n, Decimal("2.7"), reference_n)
    assert trends.verdict(result) == said
    assert change_text(result) == (
        f"up 0.9 points (33%), {current_n} ratings against {reference_n}: {said}"
    )


def test_no_clear_change_from_few_ratings_is_too_few_to_be_sure():
    result = trends.change(Decimal("5.2"), 4, Decimal("5.0"), 14)
    assert trends.verdict(result) == "no clear change (only 4 ratings: too few to be sure)"
    assert change_text(result) == (
        "up 0.2 points (4%), 4 ratings against 14: no clear change (only 4 ratings: too few to be "
        "sure)"
    )
