"""A journal entry's submission key is unique for its person through the index 0016 built, the key
first: the constraint on (person, submission_key) drops, so that every index of the table that
starts with the person has the time next (`journal_person_recorded`)."""

from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout

TABLE = "journal_journalentry"
OLD = "journal_one_entry_a_submission"
NEW = "journal_one_entry_per_submission"


class Migration(migrations.Migration):
    dependencies = [("journal", "0016_submission_key_first_index")]

    operations = [
        SetLockTimeout(),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="journalentry", name=OLD),
                migrations.AddConstraint(
                    model_name="journalentry",
                    constraint=models.UniqueConstraint(
                        fields=["submission_key", "person"], name=NEW
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD CONSTRAINT {NEW} UNIQUE USING INDEX {NEW}",
                    reverse_sql=f"ALTER TABLE {TABLE} DROP CONSTRAINT {NEW}",
                ),
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} DROP CONSTRAINT {OLD}",
                    reverse_sql=(
                        f"ALTER TABLE {TABLE} ADD CONSTRAINT {OLD} UNIQUE (person_id, submission_key)"
                    ),
                ),
            ],
        ),
    ]
