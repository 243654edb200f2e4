"""Migrations that do not stop the service or break the release still running beside them
(docs/migrations.md), read by `backrelease/devtools/migration_lint.py` as the SQL they send: a
fixture migration for each case it must refuse, and for each safe way of doing the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    RemoveIndexConcurrently,
    ValidateConstraint,
)
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models.functions import Cast, Now, Random

from backrelease.common.schema_changes import RunInBatches, SetLockTimeout
from backrelease.devtools.migration_lint import problems

# Applied while the service held little data, before this check existed: history, not a pattern.
BEFORE_THE_RULES = (
    {
        ("backrelease", n)
        for n in (
            "0001_initial",
            "0002_voice_guidance",
            "0003_profile_validators",
            "0004_username_unique_in_any_case",
            "0005_email_confirmed_at",
            "0006_deleted_rows",
        )
    }
    | {
        ("journal", n)
        for n in (
            "0001_initial",
            "0002_share_links",
            "0003_entry_key_and_updated_at",
            "0004_out_of_bounds_rows",
            "0005_bounds",
            "0006_share_token_misses",
            "0007_share_range_ends_by_expiry",
        )
    }
    | {
        ("release_sessions", n)
        for n in (
            "0001_initial",
            "0002_updated_at",
            "0003_out_of_bounds_rows",
            "0004_bounds",
            "0005_breathing_skipped",
            "0006_reminders",
            "0007_corrected_at",
        )
    }
)
# Written before the rules on locks, removals and data (issue 36): each takes a lock with no
# lock_timeout (a new table's foreign key locks the table it points at), journal.0008 drops a
# table in one step, journal.0010 fills a table from the whole journal while its triggers lock the
# journal's writes. History too.
BEFORE_THE_LOCK_RULES = {
    ("backrelease", "0007_mail_queue_and_email_version"),
    ("journal", "0008_token_misses_move_to_capability"),
    ("journal", "0009_history_revision"),
    ("journal", "0010_own_tags"),
}
# The steps of expand and contract that leave Django's state only: nothing reaches the database.
STATE_ONLY = [
    ("capability", "0002_token_misses_counted_by_limits"),
    ("backrelease", "0009_mail_counted_by_limits"),
    ("release_sessions", "0008_reminders_move_out"),
    ("reminders", "0001_initial"),
    ("journal", "0011_check_in_reminder_moves_in"),
]


@pytest.fixture(scope="module")
def loader(django_db_setup, django_db_blocker):
    """The project's migrations, the database open outside any test transaction: a migration
    with atomic = False is read as it runs (CONCURRENTLY refuses a transaction)."""
    with django_db_blocker.unblock():
        yield MigrationLoader(connection, ignore_no_migrations=True)


@pytest.fixture(scope="module")
def now(loader) -> ProjectState:
    return loader.project_state()


def migration(*operations, atomic: bool = True) -> migrations.Migration:
    """A fixture migration of the journal app, after every migration there is."""
    fixture = migrations.Migration("0099_fixture", "journal")
    fixture.operations = list(operations)
    fixture.atomic = atomic
    return fixture


def field(**options) -> models.Field:
    return models.IntegerField(null=True, **options)


def index(name: str = "fixture_pain") -> models.Index:
    return models.Index(fields=["pain"], name=name)


def check(name: str = "fixture_pain_check") -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(pain__gte=0), name=name)


def changed(apps, schema_editor) -> None:
    """A data migration's code: what it does is not read."""


def blank_notes(rows) -> None:
    rows.update(note="")


REFUSED = {
    "an index": (
        migration(SetLockTimeout(), migrations.AddIndex("journalentry", index())),
        "builds an index on journal_journalentry",
    ),
    "a check constraint": (
        migration(SetLockTimeout(), migrations.AddConstraint("journalentry", check())),
        "a check constraint reads all of journal_journalentry",
    ),
    "NOT NULL without a default": (
        migration(
            SetLockTimeout(), migrations.AddField("journalentry", "mood", models.IntegerField())
        ),
        "journal_journalentry.mood is NOT NULL without a default",
    ),
    "a volatile default": (
        migration(
            SetLockTimeout(),
            migrations.AddField(
                "journalentry",
                "mood",
                models.FloatField(
                    db_default=models.Func(function="random", output_field=models.FloatField())
                ),
            ),
        ),
        "journal_journalentry.mood has a volatile default",
    ),
    "a type change": (
        migration(
            SetLockTimeout(),
            migrations.AlterField("journalentry", "pain", models.BigIntegerField()),
        ),
        "changes the type of journal_journalentry.pain",
    ),
    "CONCURRENTLY in a transaction": (
        migration(AddIndexConcurrently("journalentry", index())),
        "cannot be executed inside a transaction",
    ),
    "an index from db_index": (
        migration(
            SetLockTimeout(), migrations.AddField("journalentry", "mood", field(db_index=True))
        ),
        "builds an index on journal_journalentry",
    ),
    "a foreign key": (
        migration(
            SetLockTimeout(),
            migrations.AddField(
                "journalentry",
                "carer",
                models.ForeignKey(
                    settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
                ),
            ),
        ),
        "journal_journalentry.carer_id is a foreign key whose check reads the whole table",
    ),
    "a unique column": (
        migration(
            SetLockTimeout(),
            migrations.AddField(
                "journalentry", "code", models.CharField(max_length=8, null=True, unique=True)
            ),
        ),
        "journal_journalentry.code is unique",
    ),
    "a raw-SQL index": (
        migration(
            SetLockTimeout(),
            migrations.RunSQL("CREATE INDEX fixture ON journal_journalentry (pain)"),
        ),
        "builds an index on journal_journalentry",
    ),
    "a raw-SQL constraint": (
        migration(
            SetLockTimeout(),
            migrations.RunSQL(
                'ALTER TABLE "journal_journalentry" ADD CONSTRAINT x CHECK (pain >= 0)'
            ),
        ),
        "a check constraint reads all of journal_journalentry",
    ),
    "a raw-SQL unique constraint": (
        migration(
            SetLockTimeout(),
            migrations.RunSQL("ALTER TABLE journal_journalentry ADD CONSTRAINT x UNIQUE (note)"),
        ),
        "a unique constraint builds its index on journal_journalentry",
    ),
    "a raw-SQL rewriting default": (
        migration(
            SetLockTimeout(),
            migrations.RunSQL(
                "ALTER TABLE journal_journalentry ADD COLUMN token uuid DEFAULT gen_random_uuid()"
            ),
        ),
        "journal_journalentry.token has a volatile default",
    ),
    "a dropped index": (
        migration(SetLockTimeout(), migrations.RemoveIndex("journalentry", "journal_tags")),
        "drops an index under a lock",
    ),
    "a renamed column": (
        migration(SetLockTimeout(), migrations.RenameField("journalentry", "note", "text")),
        "renames journal_journalentry or a column of it",
    ),
    "a renamed table": (
        migration(SetLockTimeout(), migrations.AlterModelTable("owntag", "journal_tag_count")),
        "renames journal_owntag or a column of it",
    ),
    "a removed column": (
        migration(SetLockTimeout(), migrations.RemoveField("journalentry", "note")),
        "drops journal_journalentry.note, which the previous release still uses",
    ),
    "a removed table": (
        migration(SetLockTimeout(), migrations.DeleteModel("OwnTag")),
        "drops journal_owntag, which the previous release still uses",
    ),
    "a data migration in Python": (
        migration(migrations.RunPython(changed, migrations.RunPython.noop)),
        "a data migration runs as one long transaction",
    ),
    "a whole-table UPDATE": (
        migration(migrations.RunSQL("UPDATE journal_journalentry SET note = ''")),
        "goes through the rows of journal_journalentry in one transaction",
    ),
    "a whole-table copy": (
        migration(
            migrations.RunSQL(
                "INSERT INTO journal_owntag (person_id, tag, entries)"
                " SELECT person_id, 'x', 1 FROM journal_journalentry"
            )
        ),
        "goes through the rows of journal_journalentry in one transaction",
    ),
    "an index inside SeparateDatabaseAndState": (
        migration(
            SetLockTimeout(),
            migrations.SeparateDatabaseAndState(
                state_operations=[migrations.AddIndex("journalentry", index())],
                database_operations=[migrations.AddIndex("journalentry", index())],
            ),
        ),
        "builds an index on journal_journalentry",
    ),
    "a volatile default inside Cast": (
        migration(
            SetLockTimeout(),
            migrations.AddField(
                "journalentry",
                "mood",
                models.IntegerField(db_default=Cast(Random(), models.IntegerField())),
            ),
        ),
        "journal_journalentry.mood has a volatile default",
    ),
    "RandomUUID() as a default": (
        migration(
            SetLockTimeout(),
            migrations.AddField("journalentry", "token", models.UUIDField(db_default=RandomUUID())),
        ),
        "journal_journalentry.token has a volatile default",
    ),
    "a lock without lock_timeout": (
        migration(migrations.AddField("journalentry", "mood", field())),
        "locks journal_journalentry with no lock_timeout",
    ),
    "a new table's foreign key to a busy one, without lock_timeout": (
        migration(
            migrations.CreateModel(
                "Fixture",
                [
                    ("id", models.BigAutoField(primary_key=True)),
                    (
                        "person",
                        models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE),
                    ),
                ],
            )
        ),
        "locks backrelease_user with no lock_timeout",
    ),
    "a lock in a migration without a transaction": (
        migration(
            SetLockTimeout(), migrations.AddField("journalentry", "mood", field()), atomic=False
        ),
        "locks journal_journalentry outside a transaction (atomic = False)",
    ),
    "a session-level SET": (
        migration(migrations.RunSQL("SET lock_timeout = '5s'")),
        "a session-level SET outlives the migration",
    ),
    "batches in one transaction": (
        migration(RunInBatches("journal.JournalEntry", blank_notes)),
        "its batches are one transaction",
    ),
    "validated under its own lock": (
        migration(
            SetLockTimeout(),
            AddConstraintNotValid("journalentry", check()),
            ValidateConstraint("journalentry", "fixture_pain_check"),
        ),
        "validates under the lock this migration took on journal_journalentry",
    ),
    "SET NOT NULL": (
        migration(
            SetLockTimeout(),
            migrations.RunSQL(
                "ALTER TABLE journal_journalentry ALTER COLUMN submission_key SET NOT NULL"
            ),
        ),
        "SET NOT NULL reads all of journal_journalentry",
    ),
}

KEPT_UP = {
    "an index built concurrently": migration(
        AddIndexConcurrently("journalentry", index()), atomic=False
    ),
    "an index dropped concurrently": migration(
        RemoveIndexConcurrently("journalentry", "journal_tags"), atomic=False
    ),
    "a constraint NOT VALID": migration(
        SetLockTimeout(), AddConstraintNotValid("journalentry", check())
    ),
    "a constraint validated later": migration(
        ValidateConstraint("journalentry", "journal_pain_0_10")
    ),
    "a nullable column": migration(
        SetLockTimeout(), migrations.AddField("journalentry", "mood", field())
    ),
    "a column with a constant default": migration(
        SetLockTimeout(),
        migrations.AddField("journalentry", "mood", models.IntegerField(default=3)),
    ),
    "a column defaulting to now": migration(
        SetLockTimeout(),
        migrations.AddField("journalentry", "seen_at", models.DateTimeField(db_default=Now())),
    ),
    "lock_timeout in raw SQL": migration(
        migrations.RunSQL("SET LOCAL lock_timeout = '5s'"),
        migrations.AddField("journalentry", "mood", field()),
    ),
    "a longer text": migration(
        SetLockTimeout(), migrations.AlterField("owntag", "tag", models.CharField(max_length=60))
    ),
    "a new help text": migration(
        migrations.AlterField(
            "journalentry", "pain", models.PositiveSmallIntegerField(help_text="0 to 10")
        )
    ),
    "a new table": migration(
        migrations.CreateModel(
            "Fixture",
            [("id", models.BigAutoField(primary_key=True)), ("pain", models.IntegerField())],
        )
    ),
    "a new table pointing at a busy one, with lock_timeout": migration(
        SetLockTimeout(),
        migrations.CreateModel(
            "Fixture",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("person", models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)),
            ],
        ),
    ),
    "a bounded lock in a transaction of its own, beside a concurrent index": migration(
        migrations.RunSQL(
            "BEGIN; SET LOCAL lock_timeout = '2s';"
            " ALTER TABLE journal_journalentry ADD COLUMN mood integer NULL; COMMIT;"
        ),
        AddIndexConcurrently("journalentry", index()),
        atomic=False,
    ),
    "a data migration in batches": migration(
        RunInBatches("journal.JournalEntry", blank_notes), atomic=False
    ),
    "a column out of Django's state": migration(
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField("journalentry", "note")]
        )
    ),
    "a table dropped a release after it left Django's state": migration(
        SetLockTimeout(),
        migrations.RunSQL("DROP TABLE capability_tokenmiss", migrations.RunSQL.noop),
    ),
    "a column dropped a release after it left Django's state": migration(
        SetLockTimeout(),
        migrations.RunSQL("ALTER TABLE journal_journalentry DROP COLUMN IF EXISTS old_note"),
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_it_refuses(case, now):
    fixture, why = REFUSED[case]
    found = problems(fixture, now)
    assert any(why in problem for problem in found), found


@pytest.mark.parametrize("case", KEPT_UP)
def test_it_lets_through(case, now):
    assert problems(KEPT_UP[case], now) == []


def state_before(loader, key: tuple[str, str]) -> ProjectState:
    return loader.project_state(key, at_end=False)


@pytest.mark.parametrize("key", STATE_ONLY, ids=".".join)
def test_it_lets_through_the_state_only_steps_of_expand_and_contract(key, loader):
    assert problems(loader.get_migration(*key), state_before(loader, key)) == []


def test_it_finds_what_the_own_tags_migration_did(loader):
    """journal.0010, applied before these rules: triggers on the journal with no lock_timeout,
    and a pass over every entry while they hold the journal's writes."""
    key = ("journal", "0010_own_tags")
    found = problems(loader.get_migration(*key), state_before(loader, key))
    assert any("locks journal_journalentry with no lock_timeout" in p for p in found), found
    assert any("goes through the rows of journal_journalentry" in p for p in found), found


def ours() -> set[str]:
    """Every app of this repository, whatever its label (not the packages in its .venv)."""
    root = Path(settings.BASE_DIR)
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(root)
        and not Path(config.path).is_relative_to(root / ".venv")
    }


def test_every_migration_since_the_rules_keeps_the_service_up(loader):
    plan = MigrationExecutor(connection).migration_plan(loader.graph.leaf_nodes(), clean_start=True)
    state = ProjectState(real_apps=loader.unmigrated_apps)
    history = BEFORE_THE_RULES | BEFORE_THE_LOCK_RULES
    found = {}
    for migration_, _ in plan:
        key = (migration_.app_label, migration_.name)
        checked = migration_.app_label in ours() and key not in history
        if checked and (issues := problems(migration_, state)):
            found[".".join(key)] = issues
        state = migration_.mutate_state(state, preserve=False)
    assert found == {}
