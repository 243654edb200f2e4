"""Operations for migrations that run while the service does (docs/migrations.md): a bound on how
long a migration waits for a lock, and a data migration in batches."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import migrations, models, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import QuerySet

# How long a statement of a migration may wait for its lock. While it waits (behind a long
# transaction), every request that touches the table waits behind it; past this the migration
# fails with nothing changed, and `migrate` is run again.
LOCK_TIMEOUT = "2s"
TIMEOUT = re.compile(r"\d+(ms|s)")


class SetLockTimeout(Operation):
    """The first operation of an atomic migration that locks a table the app uses (any ALTER
    TABLE, a trigger, a foreign key to it): `SET LOCAL lock_timeout`, for this migration's
    transaction only, so it never outlives it on a pooled connection."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, timeout: str = LOCK_TIMEOUT) -> None:
        if not TIMEOUT.fullmatch(timeout):
            raise ValueError(f"A lock timeout is milliseconds or seconds ('2s'), not {timeout!r}")
        self.timeout = timeout

    def deconstruct(self):
        kwargs = {"timeout": self.timeout} if self.timeout != LOCK_TIMEOUT else {}
        return self.__class__.__name__, [], kwargs

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        schema_editor.execute(f"SET LOCAL lock_timeout = '{self.timeout}'", params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self.database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Wait at most {self.timeout} for each lock"

    @property
    def migration_name_fragment(self) -> str:
        return "lock_timeout"


class RunInBatches(migrations.RunPython):
    """A data migration over the rows of a table the app uses, `size` rows a transaction in
    primary-key order (each batch starting after the last one's key), so no statement runs long
    or holds many rows' locks. `change(rows)` gets a batch as a queryset of the historical model
    (`rows.update(…)`, or a loop that saves each row).

    Only in a migration with `atomic = False`, or the batches are one transaction after all. A
    migration stopped halfway is run again from the first row, so `change` must be safe to repeat
    (an update `WHERE` the new value is still missing, say)."""

    def __init__(
        self,
        model: str,
        change: Callable[[QuerySet], object],
        reverse_change: Callable[[QuerySet], object] | None = None,
        *,
        size: int = 1000,
        elidable: bool = False,
    ) -> None:
        self.model = model
        self.change = change
        self.reverse_change = reverse_change
        self.size = size
        super().__init__(
            self._forwards,
            self._backwards if reverse_change else None,
            atomic=False,
            elidable=elidable,
        )

    def deconstruct(self):
        kwargs = {"size": self.size, "elidable": self.elidable}
        if self.reverse_change:
            kwargs["reverse_change"] = self.reverse_change
        return self.__class__.__name__, [self.model, self.change], kwargs

    def describe(self) -> str:
        return f"Change the rows of {self.model} in batches of {self.size}"

    def _forwards(self, apps, schema_editor) -> None:
        self._in_batches(apps, schema_editor, self.change)

    def _backwards(self, apps, schema_editor) -> None:
        self._in_batches(apps, schema_editor, self.reverse_change)

    def _in_batches(self, apps, schema_editor, change: Callable[[QuerySet], object]) -> None:
        alias = schema_editor.connection.alias
        rows = apps.get_model(self.model)._default_manager.using(alias)
        after = None
        while True:
            keys = rows.order_by("pk")
            if after is not None:
                keys = keys.filter(pk__gt=after)
            batch = list(keys.values_list("pk", flat=True)[: self.size])
            if not batch:
                return
            with transaction.atomic(using=alias):
                change(rows.filter(pk__gte=batch[0], pk__lte=batch[-1]))
            after = batch[-1]


def add_foreign_key(
    model_name: str, name: str, field: models.ForeignKey, *, table: str, target_table: str
) -> list[Operation]:
    """A nullable foreign key added to a table the app uses (docs/migrations.md): the column
    without its constraint (the model keeps the real field), then the constraint NOT VALID, so
    nothing reads the table under the lock. Validate it in a later migration
    (`validate_foreign_key`); `field` brings no index (`db_index=False`), or build one
    concurrently."""
    loose = field.clone()
    loose.db_constraint = False
    column = f"{name}_id"
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddField(model_name, name, field)],
            database_operations=[migrations.AddField(model_name, name, loose)],
        ),
        migrations.RunSQL(
            f"ALTER TABLE {table} ADD CONSTRAINT {foreign_key_name(table, column)}"
            f" FOREIGN KEY ({column}) REFERENCES {target_table} (id)"
            " DEFERRABLE INITIALLY DEFERRED NOT VALID",
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {foreign_key_name(table, column)}",
        ),
    ]


def foreign_key_name(table: str, column: str) -> str:
    return f"{table}_{column}_fk"[:63]


def validate_foreign_key(table: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {foreign_key_name(table, column)}",
        migrations.RunSQL.noop,
    )
