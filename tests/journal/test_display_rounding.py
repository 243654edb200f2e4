"""Printed figures of the insights (journal/display.py): cases `make mutation` found untested."""

from __future__ import annotations

from decimal import Decimal

from journal import display


def printed(value: float, low: float, high: float) -> list[str]:
    return [str(figure) for figure in display.figures(value, low, high)]


def test_a_percent_rounds_half_up():
    assert display.percent(Decimal("12.5")) == "13%"
    assert display.percent(Decimal("-12.5")) == "13%"


def test_a_zero_estimate_prints_one_decimal():
    assert printed(0.0, -0.5, 0.5) == ["0.0", "-0.5", "0.5"]


def test_ends_that_would_print_alike_get_one_more_decimal_at_a_time():
    assert printed(0.245, 0.2401, 0.2409) == ["0.245", "0.24", "0.241"]
    assert printed(0.24005, 0.24001, 0.24009) == ["0.2401", "0.24", "0.2401"]


def test_a_rate_is_given_in_the_first_unit_where_its_furthest_figure_reaches_1():
    # Weeks, months, years (in weeks): the upper end, not the estimate, reaches 1 a week.
    assert display.unit(0.1, 0.0, 2.0, [1.0, 4.35, 52.0]) == 0
    # 0.06 a week is 0.26 a month, 3.1 a year.
    assert display.unit(0.05, 0.04, 0.06, [1.0, 4.35, 52.0]) == 2
    # 0.3 a week is 1.3 a month.
    assert display.unit(0.25, 0.2, 0.3, [1.0, 4.35, 52.0]) == 1


def test_a_figure_rounds_half_away_from_zero():
    assert printed(0.125, 0.1, 0.2)[0] == "0.13"
    assert printed(-0.125, -0.2, -0.1)[0] == "-0.13"
