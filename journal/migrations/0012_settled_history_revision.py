# A change to a rating more than seven weeks old is counted apart as well
# (`HistoryRevision.settled_number`): `journal.insights.kept` keeps the counts of a period's
# ratings before its last nine weeks under that number, and after the usual change (a rating of
# today's) reads only the weeks since. Nine weeks back from the period's last day lies more than
# seven weeks before any later change, so every change to the kept ratings is counted.
#
# The triggers are those of migration 0009, with the time column of each table to tell old from
# new: the first (any statement of rows) counts once per person and statement, as before.

from importlib import import_module

from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout

history_revision = import_module("journal.migrations.0009_history_revision")
SESSIONS, ENTRIES = history_revision.SESSIONS, history_revision.ENTRIES
SETTLED_AGE = "interval '7 weeks'"


def functions(table: str, time: str) -> str:
    return f"""
CREATE FUNCTION {table}_history_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_historyrevision AS r (person_id, number, settled_number)
    SELECT person_id, 1, (min({time}) < now() - {SETTLED_AGE})::int
    FROM changed_rows GROUP BY person_id
    ON CONFLICT (person_id) DO UPDATE
    SET number = r.number + 1, settled_number = r.settled_number + EXCLUDED.settled_number;
    RETURN NULL;
END $$;

CREATE FUNCTION {table}_history_row_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_historyrevision AS r (person_id, number, settled_number)
    SELECT DISTINCT person_id, 1, (least(OLD.{time}, NEW.{time}) < now() - {SETTLED_AGE})::int
    FROM unnest(ARRAY[NEW.person_id, OLD.person_id]) AS person_id
    ON CONFLICT (person_id) DO UPDATE
    SET number = r.number + 1, settled_number = r.settled_number + EXCLUDED.settled_number;
    RETURN NULL;
END $$;
"""


def triggers(table: str, time: str, columns: list[str]) -> str:
    """Migration 0009's triggers on `table`, calling its own functions."""
    return (
        history_revision.triggers(table, columns)
        .replace("journal_history_rows_changed()", f"{table}_history_rows_changed()")
        .replace("journal_history_row_updated()", f"{table}_history_row_updated()")
    )


def dropped_functions(table: str) -> str:
    return (
        f"DROP FUNCTION {table}_history_rows_changed(); "
        f"DROP FUNCTION {table}_history_row_updated();"
    )


TABLES = [
    (SESSIONS, "started_at", history_revision.SESSION_COLUMNS),
    (ENTRIES, "recorded_at", history_revision.ENTRY_COLUMNS),
]
OLD_FUNCTIONS_DROPPED = (
    "DROP FUNCTION journal_history_rows_changed(); DROP FUNCTION journal_history_row_updated();"
)

FORWARD = (
    "".join(history_revision.dropped(table) for table, _, _ in TABLES)
    + OLD_FUNCTIONS_DROPPED
    + "".join(
        functions(table, time) + triggers(table, time, columns) for table, time, columns in TABLES
    )
)
BACKWARD = (
    "".join(history_revision.dropped(table) + dropped_functions(table) for table, _, _ in TABLES)
    + history_revision.FUNCTIONS
    + "".join(history_revision.triggers(table, columns) for table, _, columns in TABLES)
)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0011_check_in_reminder_moves_in"),
    ]

    operations = [
        # The column and the triggers lock the history and its tables a moment: never longer.
        SetLockTimeout(),
        migrations.AddField(
            model_name="historyrevision",
            name="settled_number",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
