"""Rows outside the bounds that the next migration's constraints hold, from before they existed.

An impossible date (before 2000, or later than the moment the row was written) cannot be moved to a
true one, so that row is removed; text is trimmed to its bounds. Every change is printed.
"""

import re
from datetime import UTC, date, datetime, timedelta

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Length

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EARLIEST_DAY = date(2000, 1, 1)
CLOCK_SLACK = timedelta(minutes=5)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TAG = re.compile(r"[\w][\w \-]{0,29}")


def say(what, count):
    if count:
        print(f"\n  {what}: {count}", end="")


def clean(apps, schema_editor):
    JournalEntry = apps.get_model("journal", "JournalEntry")
    WeeklyCheckIn = apps.get_model("journal", "WeeklyCheckIn")
    ShareLink = apps.get_model("journal", "ShareLink")
    deleted, _ = JournalEntry.objects.filter(
        Q(recorded_at__lt=EARLIEST) | Q(recorded_at__gt=F("updated_at") + CLOCK_SLACK)
    ).delete()
    say("Journal entries removed, dated before 2000 or in the future", deleted)
    trimmed = 0
    for entry in JournalEntry.objects.annotate(note_length=Length("note")).filter(
        Q(note__regex=CONTROL.pattern) | Q(note_length__gt=2000) | Q(tags__len__gt=0)
    ).iterator():
        note = CONTROL.sub("", entry.note)[:2000]
        tags = [t for t in entry.tags if TAG.fullmatch(t)][:20]
        if (note, tags) != (entry.note, entry.tags):
            JournalEntry.objects.filter(pk=entry.pk).update(note=note, tags=tags)
            trimmed += 1
    say("Journal entries whose note or tags were trimmed to their limits", trimmed)
    deleted, _ = WeeklyCheckIn.objects.filter(
        Q(week_start__lt=EARLIEST_DAY) | Q(week_start__gt=F("updated_at") + timedelta(days=1))
    ).delete()
    say("Weekly check-ins removed, dated before 2000 or in the future", deleted)
    # A range that starts before 2000 starts at the beginning of the record anyway.
    say(
        "Share links whose range started before 2000, now from the start",
        ShareLink.objects.filter(shows_from__lt=EARLIEST_DAY).update(shows_from=None),
    )
    say(
        "Share links whose range ended before 2000, now ending on 2000-01-01 (still showing nothing)",
        ShareLink.objects.filter(shows_until__lt=EARLIEST_DAY).update(shows_until=EARLIEST_DAY),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0003_entry_key_and_updated_at"),
    ]

    operations = [
        migrations.RunPython(clean, migrations.RunPython.noop, elidable=True),
    ]
