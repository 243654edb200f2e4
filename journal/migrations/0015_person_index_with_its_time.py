"""A journal entry's person is found through `journal_person_recorded` (person, recorded_at) alone:
the foreign key's own index on the person drops, concurrently. Beside it the planner read a long
history's every row to keep its last weeks (insights after a write, docs/computation.md), whenever
most of the table's rows are recent, as they are when most people are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "journal_journalentry_person_id_3d2464ec"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("journal", "0014_wording_of_older_ratings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="journal_entries",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
                    reverse_sql=(
                        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                        "ON journal_journalentry (person_id)"
                    ),
                ),
            ],
        ),
    ]
