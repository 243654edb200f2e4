"""Printed figures of the insights (journal/display.py): cases `make mutation` found untested."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from journal import display
from tests.deadline import within


@pytest.fixture(autouse=True)
def comes_back_at_once():
    """In English unless a test says otherwise; a test that has not come back after 3 seconds
    fails (`tests.deadline`)."""
    with within(3, "a display function"), translation.override("en"):
        yield


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


def test_a_figure_keeps_two_significant_figures_and_a_decimal_at_least():
    # 1.25 has two significant figures at one decimal: "1.3", not "1.25".
    assert printed(1.25, 1.0, 1.5) == ["1.3", "1.0", "1.5"]
    # Whole figures keep their decimal: "3.0", "10.0", never "3" or "1E+1".
    assert printed(3.0, 2.0, 10.0) == ["3.0", "2.0", "10.0"]


def test_a_difference_is_that_of_the_two_figures_as_printed():
    # 2.3 and 1.1 are printed: the change reads 1.2, not the exact 1.11.
    assert display.difference(Decimal("2.25"), Decimal("1.14")) == Decimal("1.2")
    assert display.difference(1.14, 2.25) == Decimal("-1.2")


def test_a_mean_is_printed_to_one_decimal_rounded_half_up():
    assert display.one_decimal(None) == "–"
    assert display.one_decimal(2.25) == "2.3"
    assert display.one_decimal(Decimal("-2.25")) == "-2.3"
    assert str(display.rounded(Decimal("2.25"))) == "2.3"


def test_a_mean_that_rounds_to_zero_is_printed_without_a_sign():
    assert str(display.rounded(-0.04)) == "0.0"
    assert display.one_decimal(-0.04) == "0.0"
    assert str(display.rounded(0)) == "0.0"
    assert str(display.rounded(0.01)) == "0.0"


def test_a_figure_is_written_in_the_pages_language_every_digit_kept():
    with translation.override("en"):
        assert display.number(Decimal("2.5")) == "2.5"
        assert display.one_decimal(2.25) == "2.3"
        assert display.number(Decimal("1E-12")) == "0.000000000001"
    with translation.override("de"):
        assert display.number(Decimal("2.5")) == "2,5"
        assert display.one_decimal(2.25) == "2,3"
        assert display.signed(Decimal("-0.04")) == "-0,04"
    with translation.override("es"):
        assert display.number(Decimal("12.0")) == "12,0"


def test_a_signed_figure_shows_its_side_of_zero():
    assert display.figure(Decimal("-0.04")) == "0.04"
    assert display.signed(Decimal("0.2")) == "+0.2"
    assert display.signed(Decimal("1.5")) == "+1.5"
    assert display.signed(Decimal("-0.04")) == "-0.04"
    assert display.signed(Decimal("0.5")) == "+0.5"
    assert display.signed(Decimal("-1.5")) == "-1.5"
    assert display.signed(Decimal("0.0")) == "0.0"


def test_a_percent_never_appears_to_reach_a_threshold_it_does_not_reach():
    with translation.override("en"):
        assert display.percent(Decimal("29.5")) == "just under 30%"
        assert display.percent(Decimal("-49.6")) == "just under 50%"
        # At the threshold itself, or above it, the percent is printed as it is.
        assert display.percent(Decimal(30)) == "30%"
        assert display.percent(Decimal("50.4")) == "50%"
        assert display.percent(Decimal("29.4")) == "29%"


def test_a_percent_is_written_in_the_pages_language():
    # A no-break space before the sign, as German and Spanish write it.
    with translation.override("de"):
        assert display.percent(Decimal("12.5")) == "13\N{NO-BREAK SPACE}%"
        assert display.percent(Decimal("29.5")) == "knapp unter 30\N{NO-BREAK SPACE}%"
    with translation.override("es"):
        assert display.percent(Decimal("29.5")) == "algo menos del 30\N{NO-BREAK SPACE}%"


def test_a_rate_reaching_1_only_once_printed_stays_in_the_shorter_unit():
    # 0.95 a week prints as 1.0: a week is the unit.
    assert display.unit(0.5, 0.0, 0.95, [1.0, 4.35, 52.0]) == 0


def test_a_rate_given_in_its_lower_end_when_that_is_the_furthest():
    # The lower end, -2.0 a week, reaches 1 a week; the estimate and the upper end do not.
    assert display.unit(-0.1, -2.0, 0.0, [1.0, 4.35, 52.0]) == 0


def test_a_rate_that_reaches_1_in_no_unit_is_given_in_the_longest():
    # 0.002 a week is 0.1 a year.
    assert display.unit(0.001, 0.0, 0.002, [1.0, 4.35, 52.0]) == 2
    # No change at all: the first unit.
    assert display.unit(0.0, 0.0, 0.0, [1.0, 4.35, 52.0]) == 0


def test_ends_that_print_alike_are_told_apart_one_decimal_further_each_time():
    assert printed(1.00005, 1.00001, 1.00009) == ["1.0001", "1.0", "1.0001"]
