# Each person's tags, counted by triggers on the journal, so the journal form reads the few tags a
# person has rather than unnesting every entry they ever wrote.
#
# One change set a statement (an import of ten years is one upsert); an update that leaves every
# tag as it was counts nothing. A tag whose count reaches 0 is removed. Writers of one person's
# tags take turns (a transaction-long advisory lock a person, taken in person order), so two of
# them never lock the same counts in opposite orders.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ENTRIES = "journal_journalentry"
# Entries without tags change no count, and their writers need not wait for one another.
TAGGED = "cardinality(tags) > 0"


def uses(rows: str, sign: str) -> str:
    return f"SELECT person_id, tag, {sign}1 AS n FROM {rows}, unnest(tags) AS tag"


def applied(change: str, people: str) -> str:
    """SQL that adds the (person_id, tag, n) rows of `change` to the counts of the people of the
    rows `people` (a FROM clause, with its WHERE)."""
    summed = f"SELECT person_id, tag, sum(n) AS n FROM ({change}) AS c GROUP BY person_id, tag"
    return f"""
        PERFORM pg_advisory_xact_lock('journal_owntag'::regclass::oid::int, hashint8(person_id))
        FROM (SELECT DISTINCT person_id FROM {people} ORDER BY person_id) AS people;
        INSERT INTO journal_owntag AS own (person_id, tag, entries)
        SELECT person_id, tag, n FROM ({summed}) AS change WHERE n > 0
        ON CONFLICT (person_id, tag) DO UPDATE SET entries = own.entries + EXCLUDED.entries;
        UPDATE journal_owntag AS own SET entries = own.entries + change.n
        FROM ({summed}) AS change
        WHERE change.n < 0 AND own.person_id = change.person_id AND own.tag = change.tag;
        DELETE FROM journal_owntag
        WHERE entries = 0 AND person_id IN (SELECT person_id FROM {people});"""


FUNCTION = f"""
CREATE FUNCTION journal_own_tags_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {applied(uses("new_rows", ""), f"new_rows WHERE {TAGGED}")}
    ELSIF TG_OP = 'DELETE' THEN {applied(uses("old_rows", "-"), f"old_rows WHERE {TAGGED}")}
    ELSIF EXISTS (SELECT FROM new_rows JOIN old_rows USING (id)
                  WHERE new_rows.tags IS DISTINCT FROM old_rows.tags) THEN
        {applied(f"{uses('new_rows', '')} UNION ALL {uses('old_rows', '-')}", "old_rows")}
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = f"""
CREATE TRIGGER own_tags_inserted AFTER INSERT ON {ENTRIES} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journal_own_tags_counted();
CREATE TRIGGER own_tags_deleted AFTER DELETE ON {ENTRIES} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journal_own_tags_counted();
CREATE TRIGGER own_tags_updated AFTER UPDATE ON {ENTRIES}
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION journal_own_tags_counted();
"""

# After the triggers: creating them locks the journal against writes until this migration
# commits, so no entry written meanwhile is counted twice or not at all.
COUNTED_SO_FAR = f"""
INSERT INTO journal_owntag (person_id, tag, entries)
SELECT person_id, tag, count(*) FROM {ENTRIES}, unnest(tags) AS tag GROUP BY person_id, tag;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0009_history_revision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OwnTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tag", models.CharField(max_length=30)),
                ("entries", models.PositiveIntegerField()),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DB_CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "tag"), name="own_tag_once_a_person"
                    )
                ],
            },
        ),
        migrations.RunSQL(
            FUNCTION + TRIGGERS + COUNTED_SO_FAR,
            "".join(
                f"DROP TRIGGER {name} ON {ENTRIES};"
                for name in ("own_tags_inserted", "own_tags_deleted", "own_tags_updated")
            )
            + "DROP FUNCTION journal_own_tags_counted();",
        ),
    ]
