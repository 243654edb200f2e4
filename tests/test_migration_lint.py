"""Migrations that do not stop the service: no operation that rewrites a busy table or holds its
lock for long. Indexes on existing tables are built concurrently, constraints added NOT VALID and
validated in a later step, new columns are nullable or take a constant default (PostgreSQL 11+
adds those without a rewrite), as PostgreSQL's and Django's documentation advise."""

from __future__ import annotations

import pytest
from django.contrib.postgres.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    ValidateConstraint,
)
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.models.expressions import Func

# Applied while the service held little data, before this check existed: history, not a pattern.
# Every migration after these is held to the rules.
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
# PostgreSQL functions whose default makes ADD COLUMN rewrite the table.
VOLATILE = {"random", "gen_random_uuid", "uuid_generate_v4", "clock_timestamp"}


def problems(migration) -> list[str]:
    """What in `migration` would rewrite or lock a table that already holds rows."""
    found = []
    created = {
        op.name.lower() for op in migration.operations if isinstance(op, migrations.CreateModel)
    }
    for op in migration.operations:
        model = getattr(op, "model_name", "") or getattr(op, "name", "")
        existing = model.lower() not in created
        if isinstance(op, migrations.AddField) and existing:
            field = op.field
            default = getattr(field, "db_default", models.NOT_PROVIDED)
            if isinstance(default, Func) and getattr(default, "function", "").lower() in VOLATILE:
                found.append(f"{op.describe()}: a volatile default rewrites the table")
            if (
                not field.null
                and field.default is models.NOT_PROVIDED
                and default is models.NOT_PROVIDED
            ):
                found.append(f"{op.describe()}: NOT NULL without a default fails or rewrites")
        elif (
            isinstance(op, migrations.AddIndex)
            and not isinstance(op, AddIndexConcurrently)
            and existing
        ):
            found.append(f"{op.describe()}: build it with AddIndexConcurrently")
        elif (
            isinstance(op, migrations.AddConstraint)
            and not isinstance(op, AddConstraintNotValid)
            and existing
        ):
            found.append(f"{op.describe()}: add it NOT VALID, then ValidateConstraint")
        elif isinstance(op, migrations.AlterField) and existing:
            found.append(f"{op.describe()}: a type or constraint change may rewrite the table")
    if (
        any(isinstance(op, AddIndexConcurrently) for op in migration.operations)
        and migration.atomic
    ):
        found.append("AddIndexConcurrently needs `atomic = False`")
    return found


def test_it_finds_what_would_stop_the_service():
    class Bad(migrations.Migration):
        operations = [
            migrations.AddIndex("journalentry", models.Index(fields=["pain"], name="x_pain")),
            migrations.AddConstraint(
                "journalentry", models.CheckConstraint(condition=models.Q(pain__gte=0), name="x")
            ),
            migrations.AddField("journalentry", "mood", models.IntegerField()),
        ]

    assert len(problems(Bad("0099_bad", "journal"))) == 3

    class Good(migrations.Migration):
        atomic = False
        operations = [
            AddIndexConcurrently("journalentry", models.Index(fields=["pain"], name="x_pain")),
            AddConstraintNotValid(
                "journalentry", models.CheckConstraint(condition=models.Q(pain__gte=0), name="x")
            ),
            ValidateConstraint("journalentry", "x"),
            migrations.AddField("journalentry", "mood", models.IntegerField(null=True)),
        ]

    assert problems(Good("0099_good", "journal")) == []


@pytest.mark.django_db
def test_every_migration_since_the_rules_keeps_the_service_up():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {"backrelease", "capability", "journal", "limits", "release_sessions", "reminders"}
    found = {}
    for key in loader.graph.leaf_nodes():
        for app_label, name in loader.graph.forwards_plan(key):
            if app_label not in ours or (app_label, name) in BEFORE_THE_RULES:
                continue
            migration = loader.get_migration(app_label, name)
            if issues := problems(migration):
                found[f"{app_label}.{name}"] = issues
    assert found == {}
