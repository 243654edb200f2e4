"""Change labels and the summary sentence: pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from journal import trends


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


def test_it_gives_points_and_percent():
    result = trends.change(4.9, 5, 7.0, 5)
    assert result.points == pytest.approx(-2.1)
    assert result.percent == pytest.approx(-30)
    assert result.direction == "down"


@pytest.mark.parametrize(
    ("current_n", "reference_n", "uncertain"), [(3, 3, False), (2, 9, True), (9, 1, True)]
)
def test_it_marks_a_mean_from_fewer_than_3_ratings_as_uncertain(current_n, reference_n, uncertain):
    assert trends.change(4, current_n, 6, reference_n).uncertain is uncertain


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
        "Usual pain this week is down 2.1 points (30%) from your first week: "
        "a moderately important improvement."
    )


def test_it_names_the_week_when_this_week_has_no_ratings_yet():
    weeks = [
        week(date(2026, 11, 2), 8.0, 2),
        week(date(2026, 11, 9), 8.0, 3),
        week(date(2026, 11, 16), None, 0),
    ]
    summary = trends.summarize(weeks)
    assert summary.against_last_week is None
    assert trends.sentence(summary, date(2026, 11, 16)) == (
        "Usual pain in the week of 9 Nov is the same as in your first week: no clear change "
        "(uncertain: fewer than 3 ratings behind a mean)."
    )


def test_it_invites_a_first_rating():
    assert trends.sentence(trends.summarize([]), date(2026, 11, 16)).startswith("Rate your pain")
