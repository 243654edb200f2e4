"""The wording each journal rating and PEG item was given in (docs/rating-wording.md): nullable
columns without an index, their foreign keys NOT VALID; 0014 fills and validates them."""

import django.db.models.deletion
from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout, add_foreign_key

TARGET = "release_sessions_ratingwording"


def wording(what: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_index=False,
        help_text=f"The wording the {what} was given in.",
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="release_sessions.ratingwording",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0012_settled_history_revision"),
        ("release_sessions", "0009_rating_wording"),
    ]

    operations = [
        SetLockTimeout(),
        *add_foreign_key(
            "journalentry",
            "pain_wording",
            wording("pain"),
            table="journal_journalentry",
            target_table=TARGET,
        ),
        *[
            operation
            for name, what in [
                ("pain_average_wording", "average pain"),
                ("enjoyment_interference_wording", "enjoyment interference"),
                ("activity_interference_wording", "activity interference"),
            ]
            for operation in add_foreign_key(
                "weeklycheckin",
                name,
                wording(what),
                table="journal_weeklycheckin",
                target_table=TARGET,
            )
        ],
    ]
