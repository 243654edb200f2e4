"""The bounds every stored value keeps, whether it comes from a form, an htmx post or an import.

Model fields carry these validators, so ModelForms and the import (`full_clean`) run the same code;
check constraints in each model's `Meta` hold the same bounds in PostgreSQL for anything else.
Each message says what to change.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Now
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Nothing in a pain record predates the app's technique by decades; a year-1 date would also fall
# outside PostgreSQL's range once moved to UTC.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EARLIEST_DAY = date(2000, 1, 1)
# A phone clock a little ahead of the server's is not a record from the future.
CLOCK_SLACK = timedelta(minutes=5)
NOTE_MAX = 2000
TAG_MAX = 30
TAGS_MAX = 20
# Letters, digits, spaces and hyphens, starting with a letter or digit: the same in Python and SQL.
TAG_PATTERN = r"[\w][\w \-]{0,29}"
# Tab, line feed and carriage return are how notes keep their lines; every other control
# character is invisible at best and refused by PostgreSQL (NUL) at worst.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text: str, *, single_line: bool = False) -> bool:
    return bool((_CONTROL_SINGLE_LINE if single_line else _CONTROL).search(text))


def validate_text(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(
            _("Remove the hidden control characters from this text."), code="control_characters"
        )


def validate_single_line(value: str) -> None:
    if has_control_characters(value, single_line=True):
        raise ValidationError(
            _("Use letters, numbers and punctuation only, on one line."), code="control_characters"
        )


def validate_not_before_2000(value: datetime | date) -> None:
    earliest = EARLIEST if isinstance(value, datetime) else EARLIEST_DAY
    if value < earliest:
        raise ValidationError(_("Pick a date in 2000 or later."), code="too_early")


def validate_not_in_future(value: datetime) -> None:
    if value > timezone.now() + CLOCK_SLACK:
        raise ValidationError(
            _("That time is still to come: pick a time up to now."), code="in_the_future"
        )


def validate_tag(tag: str) -> None:
    if not isinstance(tag, str) or not re.fullmatch(TAG_PATTERN, tag):
        raise ValidationError(
            _("A tag is up to %(limit)d letters, numbers, spaces or hyphens."),
            code="tag_shape",
            params={"limit": TAG_MAX},
        )


def validate_tags(tags: list[str]) -> None:
    if len(tags) > TAGS_MAX:
        raise ValidationError(
            ngettext("Choose at most %(limit)d tag.", "Choose at most %(limit)d tags.", TAGS_MAX),
            code="too_many_tags",
            params={"limit": TAGS_MAX},
        )
    for tag in tags:
        validate_tag(tag)


def note_field() -> models.TextField:
    return models.TextField(
        max_length=NOTE_MAX,
        blank=True,
        validators=[MaxLengthValidator(NOTE_MAX), validate_text],
    )


def note_fits() -> LessThanOrEqual:
    return LessThanOrEqual(Length("note"), NOTE_MAX)


def recorded_time_field(**kwargs) -> models.DateTimeField:
    return models.DateTimeField(
        validators=[validate_not_before_2000, validate_not_in_future], **kwargs
    )


def updated_at_field() -> models.DateTimeField:
    """When the row was last written: the "now" that the database bounds every recorded time by."""
    return models.DateTimeField(auto_now=True, db_default=Now())


def not_after_update(field: str) -> Q:
    return Q(**{f"{field}__lte": F("updated_at") + CLOCK_SLACK})
