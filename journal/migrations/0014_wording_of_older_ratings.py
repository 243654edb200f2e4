"""Every journal rating and check-in given before 0013 was given in the app's English, en-gb
version 1: recorded in batches, then the foreign keys of 0013 validated."""

from django.db import migrations

from backrelease.common.schema_changes import RunInBatches, validate_foreign_key

CHECK_IN_ITEMS = {
    "pain_average": "peg_pain",
    "enjoyment_interference": "peg_enjoyment",
    "activity_interference": "peg_activity",
}


def first_english(rows, instrument: str) -> int:
    wordings = rows.model._meta.apps.get_model("release_sessions", "RatingWording")
    return wordings.objects.get(instrument=instrument, language="en-gb", version=1).pk


def entries_in_english(rows) -> None:
    rows.filter(pain_wording__isnull=True).update(pain_wording=first_english(rows, "pain"))


def check_ins_in_english(rows) -> None:
    for item, instrument in CHECK_IN_ITEMS.items():
        rows.filter(**{f"{item}_wording__isnull": True}).update(
            **{f"{item}_wording": first_english(rows, instrument)}
        )


def left_as_they_are(rows) -> None:
    """Going back, 0013 drops the columns this filled in."""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("journal", "0013_rating_wording")]

    operations = [
        RunInBatches("journal.JournalEntry", entries_in_english, left_as_they_are),
        RunInBatches("journal.WeeklyCheckIn", check_ins_in_english, left_as_they_are),
        validate_foreign_key("journal_journalentry", "pain_wording_id"),
        *[
            validate_foreign_key("journal_weeklycheckin", f"{item}_wording_id")
            for item in CHECK_IN_ITEMS
        ],
    ]
