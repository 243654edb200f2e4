"""A decimal mark given to `journal.display` is the one printed (the trend table and the charts
look it up once and pass it to every figure); without one, the page's language's."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from journal import display


def test_a_decimal_mark_given_is_the_one_printed():
    with translation.override("en"):
        assert display.one_decimal(Decimal("2.25"), ",") == "2,3"
        assert display.number(Decimal("0.25"), ",") == "0,25"
        assert display.one_decimal(Decimal("2.25")) == "2.3"
    with translation.override("de"):
        assert display.one_decimal(Decimal("2.25"), ".") == "2.3"
        assert display.one_decimal(Decimal("2.25")) == "2,3"
        assert display.decimal_separator() == ","
