"""Every session rating given before 0009 was given in the app's English, en-gb version 1: that is
recorded, in batches, and the constraints of 0009 are then validated (their tables were not
locked by this migration)."""

from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations

from backrelease.common.schema_changes import RunInBatches, validate_foreign_key

RATINGS = {"pain_before": "pain", "arch_before": "arch", "arch_after": "arch", "pain_after": "pain"}
TABLE = "release_sessions_releasesession"


def first_english(rows, instrument: str) -> int:
    wordings = rows.model._meta.apps.get_model("release_sessions", "RatingWording")
    return wordings.objects.get(instrument=instrument, language="en-gb", version=1).pk


def given_in_english(rows) -> None:
    for rating, instrument in RATINGS.items():
        rows.filter(**{f"{rating}__isnull": False, f"{rating}_wording__isnull": True}).update(
            **{f"{rating}_wording": first_english(rows, instrument)}
        )


def left_as_they_are(rows) -> None:
    """Going back, 0009 drops the columns this filled in."""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("release_sessions", "0009_rating_wording")]

    operations = [
        RunInBatches("release_sessions.ReleaseSession", given_in_english, left_as_they_are),
        *[validate_foreign_key(TABLE, f"{rating}_wording_id") for rating in RATINGS],
        *[
            ValidateConstraint("releasesession", f"{rating}_wording_with_rating")
            for rating in RATINGS
        ],
    ]
