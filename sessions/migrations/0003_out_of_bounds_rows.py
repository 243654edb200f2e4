"""Sessions outside the bounds that the next migration's constraints hold, from before they existed.

A session with impossible times (before 2000, later than the moment the row was written, or ending
before it started) is removed; numbers and notes beyond their bounds are trimmed. Every change is
printed.
"""

import re
from datetime import UTC, datetime, timedelta

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Length

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SLACK = timedelta(minutes=5)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def say(what, count):
    if count:
        print(f"\n  {what}: {count}", end="")


def clean(apps, schema_editor):
    ReleaseSession = apps.get_model("release_sessions", "ReleaseSession")
    deleted, _ = ReleaseSession.objects.filter(
        Q(started_at__lt=EARLIEST)
        | Q(started_at__gt=F("updated_at") + CLOCK_SLACK)
        | Q(finished_at__lt=F("started_at"))
        | Q(finished_at__gt=F("updated_at") + CLOCK_SLACK)
    ).delete()
    say("Sessions removed, dated before 2000, in the future or ending before they start", deleted)
    say(
        "Sessions whose current step seemed to start before the session, now from its start",
        ReleaseSession.objects.filter(step_started_at__lt=F("started_at")).update(
            step_started_at=F("started_at")
        ),
    )
    say(
        "Sessions whose current step seemed to start in the future, now from the last change",
        ReleaseSession.objects.filter(
            step_started_at__gt=F("updated_at") + CLOCK_SLACK
        ).update(step_started_at=F("updated_at")),
    )
    say(
        "Sessions with more than 5 minutes on the ball, now 5 minutes",
        ReleaseSession.objects.filter(relax_seconds__gt=300).update(relax_seconds=300),
    )
    say(
        "Sessions with more than 50 repositions, now 50",
        ReleaseSession.objects.filter(repositions__gt=50).update(repositions=50),
    )
    trimmed = 0
    for session in ReleaseSession.objects.annotate(note_length=Length("note")).filter(
        Q(note__regex=CONTROL.pattern) | Q(note_length__gt=2000)
    ).iterator():
        ReleaseSession.objects.filter(pk=session.pk).update(
            note=CONTROL.sub("", session.note)[:2000]
        )
        trimmed += 1
    say("Session notes trimmed to 2,000 characters without control characters", trimmed)


class Migration(migrations.Migration):

    dependencies = [
        ("release_sessions", "0002_updated_at"),
    ]

    operations = [
        migrations.RunPython(clean, migrations.RunPython.noop, elidable=True),
    ]
