"""How every figure is shown: rounded half-up, once, here, from its exact value.

Means and changes are computed exactly (PostgreSQL `numeric`, Python `Decimal`) and labelled on the
exact value; the table, the sentences, the chart hovers and the clinician's report all print through
these functions, so no two places can round one figure differently.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.formats import date_format, get_format
from django.utils.translation import get_language, pgettext

# The IMMPACT thresholds a printed percent must not appear to cross.
THRESHOLDS = (Decimal(30), Decimal(50))
TENTH = Decimal("0.1")


def exact(value: float | int | Decimal) -> Decimal:
    """A value as the decimal it was written as (2.25 stays 2.25, never 2.2499…)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def one_decimal(value: float | int | Decimal | None, separator: str | None = None) -> str:
    """A mean as a person reads it, to one decimal in the page's language ("2.3", "2,3").
    `separator`: the language's decimal mark (`decimal_separator`), given by a caller that prints
    hundreds of figures at once, for whom looking it up for each would cost more than printing."""
    if value is None:
        return "–"
    return number(rounded(value), separator)


def rounded(value: float | int | Decimal) -> Decimal:
    """The value as it is printed, as a number."""
    shown = exact(value).quantize(TENTH, rounding=ROUND_HALF_UP)
    return shown if shown else Decimal("0.0")


def number(value: Decimal | int, separator: str | None = None) -> str:
    """A figure in the page's language, every digit kept: a decimal comma in German and Spanish.
    Only what a person reads goes through here; files and data for machines keep the dot.
    Written out whole, as `number_format` would not: it writes a figure of hundreds of decimal
    places (a slope of 1e-300) in scientific notation."""
    return format(value, "f").replace(".", separator or decimal_separator())


def decimal_separator() -> str:
    """The decimal mark of the page's language."""
    return get_format("DECIMAL_SEPARATOR")


# Ratings are whole numbers, so a figure computed from them that is zero is exactly zero; binary
# floating point leaves it a few times 10^-16 either side (a median of two slopes of one size and
# opposite signs, two equal means summed in different orders), which two significant figures
# would print in full: "+0.00000000000000044 points a week". No figure a person reads is this
# close to zero and not zero.
ROUNDING = 1e-12


def settled(value: float) -> float:
    """A computed figure with the arithmetic's rounding about zero taken off: zero within
    `ROUNDING` of it, else the figure itself. Applied before a figure is judged or printed, so
    both read the same zero."""
    return 0.0 if abs(value) < ROUNDING else value


def figures(value: float, low: float, high: float) -> tuple[Decimal, Decimal, Decimal]:
    """An estimate and its interval as printed: each to two significant figures with at least one
    decimal ("0.26", "0.025", "1.2", "12.0"), half away from zero, so a figure that is not zero
    keeps its sign ("-0.04", never "0.0") and a slow change is never shown as none. Two ends that
    differ but would print alike get more decimals, the estimate with them.

    The decimals follow each figure's size, which keeps order: between two figures of one sign the
    smaller gets at least as many decimals, and a power of ten lies between them on both grids.
    So a printed estimate stays inside its printed interval, and a bound printed off zero has the
    side of zero its exact value has."""
    exact_figures = [exact(figure) for figure in (value, low, high)]
    places = [_two_figures(figure) for figure in exact_figures]
    extra = 0
    while True:
        shown = [
            _places(figure, n + extra) for figure, n in zip(exact_figures, places, strict=True)
        ]
        # Two floats that differ print differently within 17 significant figures.
        if low == high or shown[1] != shown[2] or extra > 17:
            return shown[0], shown[1], shown[2]
        extra += 1


def _two_figures(value: Decimal) -> int:
    """The decimals that give a figure two significant figures, and at least one."""
    return 1 if value == 0 else max(1, 1 - value.adjusted())


def _places(value: Decimal, decimals: int) -> Decimal:
    shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if not shown:
        return Decimal("0.0")
    # A zero after the first decimal says nothing: "0.3", not "0.30".
    trimmed = shown.normalize()
    return trimmed if trimmed.as_tuple().exponent < -1 else trimmed.quantize(TENTH)


def figure(value: Decimal) -> str:
    """A printed figure without its sign, in the page's language."""
    return number(abs(value))


def signed(value: Decimal) -> str:
    """A printed figure with its sign: "+0.2", "-0.04", "0.0"."""
    return f"+{figure(value)}" if value > 0 else f"-{figure(value)}" if value < 0 else figure(value)


def difference(current: float | int | Decimal, reference: float | int | Decimal) -> Decimal:
    """The difference of two figures as printed, so a change shown beside two means is always
    their difference as the reader sees them."""
    return rounded(current) - rounded(reference)


def percent(value: Decimal) -> str:
    """A size of change in percent (no sign), whole, and never across a threshold from its label:
    29.95% would round to 30%, the threshold it does not reach, so it reads "just under 30%"."""
    size = abs(exact(value))
    shown = size.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    for threshold in THRESHOLDS:
        if size < threshold <= shown:
            # Translators: a percent just below a threshold, e.g. "just under 30%".
            return pgettext("percent", "just under %(percent)s%%") % {"percent": threshold}
    # Translators: a whole percent, e.g. "13%" ("13 %" in German and Spanish).
    return pgettext("percent", "%(percent)s%%") % {"percent": shown}


def unit(value: float, low: float, high: float, lengths: list[float]) -> int:
    """Which of the units of `lengths` (shortest first, in any common measure) a rate is given in:
    the first in which the figure furthest from zero reaches 1 once printed, so one decimal shows it
    with two significant figures, else the longest. A rate of 0.005 points a week reads "0.26 a
    year", never "0.0 a week"."""
    furthest = max(abs(value), abs(low), abs(high))
    if not furthest:
        return 0
    for index, length in enumerate(lengths):
        if rounded(furthest * length) >= 1:
            return index
    return len(lengths) - 1


def day(value: date, *, with_year: bool = True) -> str:
    """A day as the table and the charts label it ("7 Dec 2026"), in the language of the page."""
    return _day(value, with_year, get_language())


@lru_cache(maxsize=4096)
def _day(value: date, with_year: bool, language: str) -> str:
    """Kept for each day and language: Django's date formatting took a trend table of a year of
    weeks about as long as its query."""
    if with_year:
        # Translators: how the trend table and charts name a week's Monday, as a Django date
        # format (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date):
        # "7 Dec 2026"; German might write "j. M Y".
        return date_format(value, pgettext("week date format", "j M Y"))
    # Translators: the same without the year, "7 Dec".
    return date_format(value, pgettext("week date format", "j M"))
