"""A session's person is found through `session_person_started` (person, started_at) alone: the
foreign key's own index on the person drops, concurrently. Beside it the planner read a long
history's every session to keep its last weeks (insights after a write, docs/computation.md),
whenever most of the table's rows are recent, as they are when most people are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "release_sessions_releasesession_person_id_fe358862"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("release_sessions", "0010_wording_of_older_ratings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="releasesession",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="release_sessions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
                    reverse_sql=(
                        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
                        "ON release_sessions_releasesession (person_id)"
                    ),
                ),
            ],
        ),
    ]
