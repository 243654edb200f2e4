"""The unique index a journal entry's submission key needs, built concurrently with the key first:
0017 makes it the constraint in place of `journal_one_entry_a_submission`, whose index on
(person, submission_key) the planner took for a person's rows of the last weeks, reading every row
of a long history (as the foreign key's own index did, 0015)."""

from django.db import migrations

INDEX = "journal_one_entry_per_submission"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("journal", "0015_person_index_with_its_time")]

    operations = [
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON journal_journalentry (submission_key, person_id)",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}",
        ),
    ]
