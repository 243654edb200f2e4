# The revision a person's insights are kept under (journal.insights.kept): counted in the
# database, by triggers, so no write path (a step saved, a correction, an import, an undo, a
# deletion) can change the ratings and leave a kept answer standing.
#
# Inserts and deletes are counted once a statement (an import of ten years is one bump per
# person, not one per row); updates once a row, and only when a column the insights read changed,
# so walking through a session's steps leaves the kept answer alone.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SESSIONS = "release_sessions_releasesession"
ENTRIES = "journal_journalentry"
SESSION_COLUMNS = [
    "pain_before",
    "pain_after",
    "ball_setup",
    "knees_lifted",
    "breathing_skipped",
    "started_at",
]
ENTRY_COLUMNS = ["pain", "recorded_at"]

FUNCTIONS = """
CREATE FUNCTION journal_history_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_historyrevision AS r (person_id, number)
    SELECT DISTINCT person_id, 1 FROM changed_rows
    ON CONFLICT (person_id) DO UPDATE SET number = r.number + 1;
    RETURN NULL;
END $$;

CREATE FUNCTION journal_history_row_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO journal_historyrevision AS r (person_id, number)
    SELECT DISTINCT person_id, 1 FROM unnest(ARRAY[NEW.person_id, OLD.person_id]) AS person_id
    ON CONFLICT (person_id) DO UPDATE SET number = r.number + 1;
    RETURN NULL;
END $$;
"""


def triggers(table: str, columns: list[str]) -> str:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return f"""
CREATE TRIGGER history_rows_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journal_history_rows_changed();
CREATE TRIGGER history_rows_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journal_history_rows_changed();
CREATE TRIGGER history_row_updated AFTER UPDATE OF {", ".join(columns)} ON {table}
    FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION journal_history_row_updated();
"""


def dropped(table: str) -> str:
    return "".join(
        f"DROP TRIGGER {name} ON {table};"
        for name in ("history_rows_inserted", "history_rows_deleted", "history_row_updated")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("backrelease", "0008_login_failures"),
        ("journal", "0008_token_misses_move_to_capability"),
        ("release_sessions", "0007_corrected_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoryRevision",
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
        migrations.RunSQL(
            FUNCTIONS + triggers(SESSIONS, SESSION_COLUMNS) + triggers(ENTRIES, ENTRY_COLUMNS),
            dropped(SESSIONS) + dropped(ENTRIES) + "DROP FUNCTION journal_history_rows_changed(); "
            "DROP FUNCTION journal_history_row_updated();",
        ),
    ]
