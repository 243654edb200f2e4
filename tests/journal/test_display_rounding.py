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
