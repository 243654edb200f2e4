"""Which wording of a rating scale a person is shown, and which one a posted rating was given in.

The wording is data (`RatingWording`, seeded by migrations): each instrument's question and end
labels per language and version, with its source and whether it is a validated translation. A
page shows the newest version in the active language, or in English when the instrument has none
in that language (the PEG in German and Spanish: docs/rating-wording.md). The form carries the
shown wording's language and version beside the rating, so what is stored is what was on the
screen, even when the answer comes from a page kept offline or the person switched language since.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django import forms
from django.db import connections
from django.db.models import Count, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext_lazy

from sessions.models import Instrument, RatingWording, WordingStatus

# What every rating was given in before wording was recorded, and the wording shown when the
# active language has none of its own.
FALLBACK_LANGUAGE = "en-gb"
FIRST_VERSION = 1


def active_language() -> str:
    """The active language as one of settings.LANGUAGES; English when it is none of them."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return FALLBACK_LANGUAGE


@dataclass(frozen=True)
class _Table:
    by_key: dict[tuple[str, str, int], RatingWording]
    newest: dict[tuple[str, str], RatingWording]
    by_pk: dict[int, RatingWording]


@functools.cache
def _table() -> _Table:
    """Every wording, read once a process: rows are added by migrations only, never changed."""
    by_key, newest, by_pk = {}, {}, {}
    for wording in RatingWording.objects.order_by("version"):
        by_key[wording.instrument, wording.language, wording.version] = wording
        newest[wording.instrument, wording.language] = wording
        by_pk[wording.pk] = wording
    return _Table(by_key, newest, by_pk)


def forget(**kwargs) -> None:
    """Reads the table again at the next look-up (a row added or removed, as tests do)."""
    _table.cache_clear()


post_save.connect(forget, sender=RatingWording, dispatch_uid="rating_wording_saved")
# The migrations that write wording rows, each with its `INSERT` and `ROWS`.
SEEDED_BY = ["sessions.migrations.0009_rating_wording"]


def reseed(using: str = "default", **kwargs) -> None:
    """Writes back any seeded wording missing from the table: after `flush`, which empties every
    table without running migrations again. Nothing to do after a `migrate`."""
    connection = connections[using]
    if RatingWording._meta.db_table not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for name in SEEDED_BY:
            seed = import_module(name)
            for row in seed.ROWS:
                cursor.execute(f"{seed.INSERT} ON CONFLICT DO NOTHING", row)
    forget()


post_delete.connect(forget, sender=RatingWording, dispatch_uid="rating_wording_deleted")


def shown(instrument: str, language: str | None = None) -> RatingWording:
    """The wording of `instrument` a person reading `language` (the active one) is shown."""
    table = _table()
    for code in (language or active_language(), FALLBACK_LANGUAGE):
        wording = table.newest.get((instrument, code))
        if wording is not None:
            return wording
    raise LookupError(f"No wording of {instrument} in {FALLBACK_LANGUAGE}: run the migrations.")


def find(instrument: str, key: str) -> RatingWording | None:
    """The wording named by its key ("de:1"), as a form posted it; None if there is none."""
    language, _, version = key.partition(":")
    # ASCII digits only: "²" is a digit to `isdigit` but not to `int`.
    if not (version.isascii() and version.isdigit()) or len(version) > 5:
        return None
    return _table().by_key.get((instrument, language, int(version)))


def first_english(instrument: str) -> RatingWording:
    """What every rating was given in before the wording was recorded: en-gb, version 1."""
    return _table().by_key[instrument, FALLBACK_LANGUAGE, FIRST_VERSION]


def in_other_language(wording: RatingWording, language: str | None = None) -> bool:
    """Whether the wording is in another language than the page's: then it carries its own
    `lang`, and a person reading it is told why."""
    page = (language or translation.get_language() or FALLBACK_LANGUAGE).split("-")[0]
    return wording.language.split("-")[0] != page


def html_lang(wording: RatingWording) -> str:
    """The wording's language for HTML's `lang`, as the page's own is written ("en-gb")."""
    return wording.language


class WordingField(forms.CharField):
    """The hidden field beside a rating: the language and version of the wording shown with it.
    Missing (a page from before the field existed) means the active language's wording; a value
    naming no wording of the instrument is refused, and nothing is saved."""

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid": gettext_lazy("This form is out of date: reload the page and answer again."),
    }

    def __init__(self, instrument: str, **kwargs) -> None:
        self.instrument = instrument
        super().__init__(required=False, max_length=30, **kwargs)

    def clean(self, value) -> RatingWording:
        value = super().clean(value)
        if not value:
            return shown(self.instrument)
        wording = find(self.instrument, value)
        if wording is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return wording

    def has_changed(self, initial, data) -> bool:
        # Which wording was shown is no change the person made.
        return False


class WordingMixin:
    """For a form with a `WordingField` named `<rating>_wording` beside each of its ratings: a
    rating left empty keeps no wording, and a refused wording is said at its rating's scale (the
    field itself is hidden)."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, WordingField):
                continue
            rating = name.removesuffix("_wording")
            if name in self.errors and rating not in self.errors:
                self.add_error(rating, self.errors[name].as_data())
            if cleaned.get(rating) is None:
                cleaned[name] = None
        return cleaned


@dataclass(frozen=True)
class Used:
    """One wording a person's ratings were given in, and how many."""

    wording: RatingWording
    count: int


def used(tables: Iterable[tuple[QuerySet, Sequence[tuple[str, str]]]]) -> list[Used]:
    """The wordings the ratings were given in, with their counts, in the instruments' order:
    `tables` holds each table's rows with the ratings they hold, each with its instrument. A query
    a table, which reads its rows once for all of their ratings, grouped by the wordings (a few
    groups, however long the history). A rating kept from before wording was recorded counts as
    en-gb v1, what it was given in."""
    counts: Counter[RatingWording] = Counter()
    for rows, ratings in tables:
        grouped = (
            rows.order_by()
            .values(*(f"{rating}_wording" for rating, _ in ratings))
            .annotate(**{f"{rating}_given": Count(rating) for rating, _ in ratings})
        )
        for group in grouped:
            for rating, instrument in ratings:
                if given := group[f"{rating}_given"]:
                    pk = group[f"{rating}_wording"]
                    counts[by_pk(pk) if pk is not None else first_english(instrument)] += given
    order = {value: n for n, value in enumerate(Instrument.values)}
    found = [Used(wording, n) for wording, n in counts.items()]
    return sorted(found, key=lambda u: (order[u.wording.instrument], u.wording.language))


def by_pk(pk: int | None) -> RatingWording | None:
    """The wording whose key is `pk`, from the process's table (None for None)."""
    if pk is None:
        return None
    found = _table().by_pk.get(pk)
    if found is None:
        # A row added since the table was read: read it again.
        forget()
        found = _table().by_pk.get(pk)
    return found


def key_of(pk: int | None) -> str | None:
    """The key ("de:1") of the wording whose primary key is `pk`, as the exports write it; None for
    a rating with no wording recorded. From the process's table: no query a row."""
    found = by_pk(pk)
    return found.key if found is not None else None


def not_validated(found: Iterable[Used]) -> int:
    """How many of the ratings were given in wording that is not a validated one."""
    return sum(u.count for u in found if u.wording.status == WordingStatus.TEAM)
