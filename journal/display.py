"""How every figure is shown: rounded half-up, once, here, from its exact value.

Means and changes are computed exactly (PostgreSQL `numeric`, Python `Decimal`) and labelled on the
exact value; the table, the sentences, the chart hovers and the clinician's report all print through
these functions, so no two places can round one figure differently.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

# The IMMPACT thresholds a printed percent must not appear to cross.
THRESHOLDS = (Decimal(30), Decimal(50))
TENTH = Decimal("0.1")
# Month names as `%b` writes them, looked up: a long trend table or chart labels hundreds of weeks,
# and strftime was a third of the table's time.
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def exact(value: float | int | Decimal) -> Decimal:
    """A value as the decimal it was written as (2.25 stays 2.25, never 2.2499…)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def one_decimal(value: float | int | Decimal | None) -> str:
    return "–" if value is None else _one_decimal_of(str(value))


# A trend page prints a few thousand means, most of them values seen before (5.0, 4.5, 6.3...).
# Kept by the value's text: every request reads its means as new Decimals, and hashing a new
# Decimal costs more than rounding it, while its text is cheap to write and to hash.
@lru_cache(maxsize=4096)
def _one_decimal_of(text: str) -> str:
    # The text of a float, an int or a Decimal is the decimal it was written as (see `exact`).
    shown = str(Decimal(text).quantize(TENTH, rounding=ROUND_HALF_UP))
    return "0.0" if shown == "-0.0" else shown


def rounded(value: float | int | Decimal) -> Decimal:
    """The value as it is printed, as a number."""
    return Decimal(one_decimal(value))


def signed(value: float | int | Decimal) -> str:
    """One decimal with its sign: "+0.2", "-1.0", "0.0"."""
    shown = rounded(value)
    return f"+{shown}" if shown > 0 else str(shown) if shown < 0 else "0.0"


def difference(current: float | int | Decimal, reference: float | int | Decimal) -> Decimal:
    """The difference of two figures as printed, so a change shown beside two means is always
    their difference as the reader sees them."""
    return rounded(current) - rounded(reference)


def plural(count: int, word: str) -> str:
    """ "1 week", "2 weeks"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def percent(value: Decimal) -> str:
    """A size of change in percent (no sign), whole, and never across a threshold from its label:
    29.95% would round to 30%, the threshold it does not reach, so it reads "just under 30%"."""
    size = abs(exact(value))
    shown = size.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    for threshold in THRESHOLDS:
        if size < threshold <= shown:
            return f"just under {threshold}%"
    return f"{shown}%"
