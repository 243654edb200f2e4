"""The wording each trial rating was given in (docs/rating-wording.md): a nullable column without
an index, its foreign key NOT VALID; 0003 fills and validates it."""

import django.db.models.deletion
from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout, add_foreign_key


class Migration(migrations.Migration):
    dependencies = [
        ("release_sessions", "0009_rating_wording"),
        ("trial", "0001_initial"),
    ]

    operations = [
        SetLockTimeout(),
        *add_foreign_key(
            "trialrating",
            "usual_pain_wording",
            models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The wording the usual pain was given in.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="release_sessions.ratingwording",
            ),
            table="trial_trialrating",
            target_table="release_sessions_ratingwording",
        ),
    ]
