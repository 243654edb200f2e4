"""A day is printed in the page's language, every time: days are kept as printed per language."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from journal import display


def test_a_day_follows_the_language_of_the_page_after_another_printed_it():
    day = date(2026, 3, 7)
    with translation.override("en"):
        assert display.day(day) == "7 Mar 2026"
    with translation.override("de"):
        assert "Mär" in display.day(day) and "2026" in display.day(day)
        assert "Mär" in display.day(day, with_year=False)
        assert "2026" not in display.day(day, with_year=False)
    with translation.override("en"):
        assert display.day(day, with_year=False) == "7 Mar"
