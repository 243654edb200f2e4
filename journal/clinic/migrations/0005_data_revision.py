# The revision a Reviewed mark is kept under (`clinic.DataRevision`): counted in the database, by
# triggers, so any new data a practice can see clears the mark, whatever writes it (a form, an
# import, an undo, a correction, a deletion): sessions, journal entries, weekly check-ins, trial
# plans and trial ratings.
#
# Inserts and deletes are counted once a statement and person (as journal migration 0009 counts
# the insights' revision); updates once a row, and only when something besides `updated_at`
# changed, so a form sent twice with the same answers leaves the mark standing. A trial rating
# has no person of its own: its plan's is counted.
#
# The insights' revision (`journal.HistoryRevision`) is left alone: it counts only what the
# insights read, and a weekly check-in must not throw their kept answers away. Each person's
# number starts at their insights' revision (migration 0006), which every Reviewed mark so far
# was kept under, so the marks standing today stand after it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout

# Table and the SQL that finds each changed row's person from `changed_rows`.
TABLES = {
    "release_sessions_releasesession": "SELECT DISTINCT person_id FROM changed_rows",
    "journal_journalentry": "SELECT DISTINCT person_id FROM changed_rows",
    "journal_weeklycheckin": "SELECT DISTINCT person_id FROM changed_rows",
    "trial_trialplan": "SELECT DISTINCT person_id FROM changed_rows",
    "trial_trialrating": (
        "SELECT DISTINCT p.person_id FROM changed_rows c JOIN trial_trialplan p ON p.id = c.plan_id"
    ),
}
# A row's person for the row trigger of an update: both sides, when a row changes hands.
ROW_PEOPLE = {
    "trial_trialrating": (
        "SELECT DISTINCT person_id FROM trial_trialplan WHERE id IN (OLD.plan_id, NEW.plan_id)"
    ),
}
DEFAULT_ROW_PEOPLE = (
    "SELECT DISTINCT person_id FROM unnest(ARRAY[NEW.person_id, OLD.person_id]) AS person_id"
)


def functions(table: str, people: str) -> str:
    row_people = ROW_PEOPLE.get(table, DEFAULT_ROW_PEOPLE)
    return f"""
CREATE FUNCTION {table}_data_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO clinic_datarevision AS r (person_id, number)
    SELECT person_id, 1 FROM ({people}) AS changed
    ON CONFLICT (person_id) DO UPDATE SET number = r.number + 1;
    RETURN NULL;
END $$;

CREATE FUNCTION {table}_data_row_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO clinic_datarevision AS r (person_id, number)
    SELECT person_id, 1 FROM ({row_people}) AS changed
    ON CONFLICT (person_id) DO UPDATE SET number = r.number + 1;
    RETURN NULL;
END $$;
"""


def triggers(table: str) -> str:
    changed = "(to_jsonb(OLD) - 'updated_at') IS DISTINCT FROM (to_jsonb(NEW) - 'updated_at')"
    return f"""
CREATE TRIGGER data_rows_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_data_rows_changed();
CREATE TRIGGER data_rows_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_data_rows_changed();
CREATE TRIGGER data_row_updated AFTER UPDATE ON {table}
    FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_data_row_updated();
"""


def dropped(table: str) -> str:
    return "".join(
        f"DROP TRIGGER {name} ON {table};"
        for name in ("data_rows_inserted", "data_rows_deleted", "data_row_updated")
    ) + (f"DROP FUNCTION {table}_data_rows_changed(); DROP FUNCTION {table}_data_row_updated();")


FORWARD = "".join(functions(table, people) + triggers(table) for table, people in TABLES.items())
BACKWARD = "".join(dropped(table) for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("clinic", "0004_access_requests"),
        ("journal", "0017_submission_key_first"),
        ("release_sessions", "0011_person_index_with_its_time"),
        ("trial", "0003_wording_of_older_ratings"),
    ]

    operations = [
        # The triggers lock each table a moment: never longer.
        SetLockTimeout(),
        migrations.CreateModel(
            name="DataRevision",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
