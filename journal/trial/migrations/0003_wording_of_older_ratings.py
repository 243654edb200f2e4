"""Every trial rating given before 0002 was given in the app's English, en-gb version 1: recorded
in batches, then the foreign key of 0002 validated."""

from django.db import migrations

from backrelease.common.schema_changes import RunInBatches, validate_foreign_key


def given_in_english(rows) -> None:
    wordings = rows.model._meta.apps.get_model("release_sessions", "RatingWording")
    first = wordings.objects.get(instrument="trial_daily", language="en-gb", version=1)
    rows.filter(usual_pain_wording__isnull=True).update(usual_pain_wording=first.pk)


def left_as_they_are(rows) -> None:
    """Going back, 0002 drops the columns this filled in."""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("trial", "0002_rating_wording")]

    operations = [
        RunInBatches("trial.TrialRating", given_in_english, left_as_they_are),
        validate_foreign_key("trial_trialrating", "usual_pain_wording_id"),
    ]
