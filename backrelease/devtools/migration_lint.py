"""What a migration would do to a database that serves while it runs (docs/migrations.md): the
rules `tests/test_migration_lint.py` holds every migration to.

A migration is read as the SQL it sends, as `sqlmigrate` prints it (the schema editor collects it
instead of running it), so an index is found however it comes (`db_index`, a foreign key, a
`unique`, raw SQL, an operation inside SeparateDatabaseAndState) and an operation that sends
nothing (a state-only step, a new `help_text`) is nothing. Python code (RunPython) is read as what
it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.state import ProjectState

from backrelease.common.schema_changes import RunInBatches

DOCS = "docs/migrations.md"
TIMEOUT_HOW = "SetLockTimeout() first (backrelease/common/schema_changes.py)"
BATCHES_HOW = "RunInBatches in a migration with atomic = False"

NAME = r"([\w.$]+)"
CREATE_TABLE = re.compile(rf"create (?:unlogged )?table (?:if not exists )?{NAME}")
CREATE_INDEX = re.compile(
    rf"create (?:unique )?index (concurrently )?(?:if not exists )?(?:{NAME} )?on (?:only )?{NAME}"
)
DROP_INDEX = re.compile(r"drop index (concurrently )?")
ALTER_TABLE = re.compile(rf"alter table (?:if exists )?(?:only )?{NAME} (.*)")
DROP_TABLE = re.compile(r"drop table (?:if exists )?(.*?)(?: cascade| restrict)?$")
TRIGGER = re.compile(rf"(?:create (?:or replace )?|drop )(?:constraint )?trigger .*? on {NAME}")
LOCK = re.compile(rf"lock (?:table )?(?:only )?{NAME}")
WRITE = re.compile(rf"(?:update (?:only )?|delete from (?:only )?|insert into ){NAME}")
REFERENCES = re.compile(rf"references {NAME}")
FROM = re.compile(rf"\bfrom (?:only )?{NAME}")
ADD_COLUMN = re.compile(
    r"add (?:column )?(?:if not exists )?(?!constraint |primary key|unique|check|foreign key"
    r"|exclude)(\w+) (.*?)(?=, add |, alter |, drop |$)"
)
ADD_CONSTRAINT = re.compile(
    r"add (?:constraint \w+ )?(foreign key|check|unique|primary key|exclude)"
)
ALTER_TYPE = re.compile(
    r"alter (?:column )?(\w+) (?:set data )?type ([\w ]+?(?:\(\d+\))?)(?: |,|$)"
)
DROP_COLUMN = re.compile(r"drop (?:column )?(?:if exists )?(?!constraint )(\w+)")
FUNCTION_CALL = re.compile(r"(\w+)\s*\(")
VARCHAR = re.compile(r"(?:varchar|character varying)\((\d+)\)")
# The transaction's own settings: they end with it.
TRANSACTION_SET = re.compile(r"set (?:local|transaction|constraints) ")
DOLLAR_QUOTED = re.compile(r"\$(\w*)\$(.*?)\$\1\$", re.S)
# What a semicolon inside does not end: quoted text, names, comments, function bodies.
ENCLOSED = re.compile(r"\$(\w*)\$.*?\$\1\$|'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|;", re.S)


@dataclass
class Statement:
    operation: str
    sql: str


@dataclass
class Reading:
    """What one migration does, statement by statement, as the rules see it."""

    atomic: bool
    tables: set[str]
    columns: dict[tuple[str, str], object]
    volatile: set[str]
    problems: list[str] = field(default_factory=list)
    created: set[str] = field(default_factory=set)
    locked: set[str] = field(default_factory=set)
    bounded: bool = False
    # Inside a BEGIN … COMMIT of its own, in a migration with atomic = False.
    explicit: bool = False

    @property
    def in_transaction(self) -> bool:
        return self.atomic or self.explicit

    def committed(self) -> None:
        """The end of an explicit transaction: its locks and its lock_timeout end with it."""
        self.explicit = self.bounded = False
        self.locked.clear()

    def refuse(self, statement: Statement, why: str) -> None:
        self.problems.append(f"{statement.operation}: {why}")

    def lock(self, statement: Statement, table: str) -> None:
        """`statement` takes a lock on `table` that stops its reads or writes until it commits."""
        if table in self.created or table in self.locked:
            return
        self.locked.add(table)
        if not self.in_transaction:
            self.refuse(
                statement,
                f"locks {table} outside a transaction (atomic = False), where no lock_timeout "
                "can bound its wait: an atomic migration, or BEGIN; SET LOCAL lock_timeout …",
            )
        elif not self.bounded:
            self.refuse(statement, f"locks {table} with no lock_timeout: {TIMEOUT_HOW}")


def split(sql: str) -> list[str]:
    """The statements of a script, as PostgreSQL reads them (sqlparse, which Django uses, takes
    a function and the statements after it for one)."""
    parts, start = [], 0
    for found in ENCLOSED.finditer(sql):
        if found[0] == ";":
            parts.append(sql[start : found.start()])
            start = found.end()
    parts.append(sql[start:])
    return [part for part in parts if part.strip()]


def normalized(sql: str) -> str:
    """Lower case, one space between words, without comments, string constants and function
    bodies emptied (`''`, `$$`) and names unquoted, so the patterns above read every way of
    writing a statement."""

    def plain(enclosed: re.Match) -> str:
        text = enclosed[0]
        if text[0] in "$';":
            return {"$": "$$", "'": "''", ";": ";"}[text[0]]
        return text[1:-1] if text[0] == '"' else " "

    sql = re.sub(r"\s+", " ", ENCLOSED.sub(plain, sql)).strip().rstrip(";").strip().lower()
    return re.sub(r"\bpublic\.", "", sql)


def _volatile(connection: BaseDatabaseWrapper) -> set[str]:
    """PostgreSQL's volatile functions, which a column default runs once a row: a rewrite."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT proname FROM pg_proc WHERE provolatile = 'v'")
        return {name for (name,) in cursor.fetchall()}


def _apply(operation, app_label: str, state: ProjectState, editor) -> ProjectState:
    """The state after `operation`, its SQL collected by `editor` (Python code is not run)."""
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        database = state
        for inner in operation.database_operations:
            database = _apply(inner, app_label, database, editor)
    after = state.clone()
    operation.state_forwards(app_label, after)
    if not isinstance(operation, migrations.RunPython | migrations.SeparateDatabaseAndState):
        operation.database_forwards(app_label, editor, state, after)
    return after


def statements(migration, state: ProjectState, connection: BaseDatabaseWrapper) -> list[Statement]:
    """Every statement `migration` sends from `state`, in order, with the operation it is for;
    a statement "could not be worked out" when the schema editor refuses to write one."""
    found: list[Statement] = []
    deferred_by: list[str] = []
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        for operation in migration.operations:
            before = len(editor.collected_sql)
            try:
                state = _apply(operation, migration.app_label, state, editor)
            except Exception as error:
                found.append(Statement(operation.describe(), f"-- not worked out: {error}"))
                continue
            found += [Statement(operation.describe(), sql) for sql in editor.collected_sql[before:]]
            # Statements sent when the editor closes (indexes and foreign keys of new tables),
            # noted with the operation that asked for them; one that drops a table takes back
            # those of that table.
            deferred = len(editor.deferred_sql)
            deferred_by = deferred_by[:deferred]
            deferred_by += [operation.describe()] * (deferred - len(deferred_by))
        collected = len(editor.collected_sql)
    found += [
        Statement(by, sql)
        for by, sql in zip(deferred_by, editor.collected_sql[collected:], strict=True)
    ]
    return found


def _existing(state: ProjectState) -> tuple[set[str], dict[tuple[str, str], object]]:
    """The tables and columns of Django's state: what the release before still uses."""
    tables, columns = set(), {}
    for model in state.apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
            for field_ in model._meta.local_concrete_fields:
                columns[(model._meta.db_table, field_.column)] = field_
    return tables, columns


def problems(
    migration, state: ProjectState, connection: BaseDatabaseWrapper = default_connection
) -> list[str]:
    """What in `migration`, run from `state`, would stop the service or break the release that
    still runs beside it; nothing for a migration that keeps both up."""
    tables, columns = _existing(state)
    reading = Reading(migration.atomic, tables, columns, _volatile(connection))
    for statement in statements(migration, state, connection):
        _read(reading, statement, connection)
    for operation in migration.operations:
        _read_python(reading, operation)
    return reading.problems


def _read_python(reading: Reading, operation) -> None:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        for inner in operation.database_operations:
            _read_python(reading, inner)
        return
    if not isinstance(operation, migrations.RunPython):
        return
    statement = Statement(operation.describe(), "")
    if isinstance(operation, RunInBatches):
        if reading.atomic:
            reading.refuse(statement, "its batches are one transaction: set atomic = False")
    elif operation.code is not migrations.RunPython.noop:
        reading.refuse(statement, f"a data migration runs as one long transaction: {BATCHES_HOW}")


def _read(reading: Reading, statement: Statement, connection: BaseDatabaseWrapper) -> None:
    if statement.sql.startswith("-- not worked out"):
        reading.refuse(statement, statement.sql.removeprefix("-- "))
        return
    for raw in split(statement.sql):
        _read_one(reading, Statement(statement.operation, raw), connection)


def _read_one(reading: Reading, statement: Statement, connection: BaseDatabaseWrapper) -> None:
    raw = statement.sql
    sql = normalized(raw)
    if sql.startswith("do "):
        # A DO block's body runs as the migration does (a function's body does not).
        for _, body in DOLLAR_QUOTED.findall(raw):
            body = re.sub(r"\b(begin|end)\b", ";", body, flags=re.I)
            _read(reading, Statement(statement.operation, body), connection)
        return
    if sql.startswith(("create function", "create or replace function", "create extension")):
        return
    if re.fullmatch(r"(begin|start transaction)( work| transaction)?", sql):
        reading.explicit = not reading.atomic
        return
    if re.fullmatch(r"(commit|end|rollback)( work| transaction)?", sql):
        if reading.explicit:
            reading.committed()
        return
    if sql.startswith(("set ", "reset ")):
        _read_set(reading, statement, sql)
    elif match := CREATE_TABLE.match(sql):
        reading.created.add(match[1])
        for target in REFERENCES.findall(sql):
            reading.lock(statement, target)
    elif match := CREATE_INDEX.match(sql):
        _read_index(reading, statement, match[1], match[3])
    elif match := DROP_INDEX.match(sql):
        _read_dropped_index(reading, statement, concurrently=bool(match[1]))
    elif match := ALTER_TABLE.match(sql):
        _read_alter(reading, statement, match[1], match[2], connection)
    elif match := DROP_TABLE.match(sql):
        for table in (name.strip() for name in match[1].split(",")):
            if table in reading.tables and table not in reading.created:
                reading.refuse(
                    statement,
                    f"drops {table}, which the previous release still uses: take it out of "
                    f"Django's state first and drop it a release later (expand and contract, "
                    f"{DOCS})",
                )
            reading.lock(statement, table)
    elif (match := TRIGGER.match(sql)) or (match := LOCK.match(sql)):
        reading.lock(statement, match[1])
    elif sql.startswith("truncate"):
        reading.refuse(statement, "empties a table under an exclusive lock")
    elif match := WRITE.match(sql):
        if sql.startswith("insert"):
            # Rows written from a table that holds data: a whole-table pass.
            read = set(FROM.findall(sql)) & reading.tables - reading.created
            if " select " not in f" {sql} " or not read:
                return
            what = ", ".join(sorted(read))
        elif match[1] in reading.created:
            return
        else:
            what = match[1]
        reading.refuse(
            statement, f"goes through the rows of {what} in one transaction: {BATCHES_HOW}"
        )


def _read_set(reading: Reading, statement: Statement, sql: str) -> None:
    if not TRANSACTION_SET.match(sql):
        reading.refuse(
            statement,
            "a session-level SET outlives the migration (behind PgBouncer, on a shared server "
            "connection): SET LOCAL",
        )
    elif sql.startswith("set local lock_timeout"):
        if reading.in_transaction:
            reading.bounded = True
        else:
            reading.refuse(statement, "SET LOCAL lasts a transaction, and this migration has none")


def _read_index(reading: Reading, statement: Statement, concurrently: str, table: str) -> None:
    if concurrently:
        if reading.in_transaction:
            reading.refuse(statement, "CONCURRENTLY cannot run in a transaction: atomic = False")
    elif table not in reading.created:
        reading.refuse(
            statement,
            f"builds an index on {table} under a lock that stops its writes: "
            "AddIndexConcurrently, in a migration with atomic = False",
        )
        reading.lock(statement, table)


def _read_dropped_index(reading: Reading, statement: Statement, concurrently: bool) -> None:
    if concurrently:
        if reading.in_transaction:
            reading.refuse(statement, "CONCURRENTLY cannot run in a transaction: atomic = False")
        return
    reading.refuse(
        statement,
        "drops an index under a lock that stops every read and write of its table: "
        "RemoveIndexConcurrently, in a migration with atomic = False",
    )


def _read_alter(
    reading: Reading, statement: Statement, table: str, actions: str, connection
) -> None:
    if table in reading.created:
        for target in REFERENCES.findall(actions):
            reading.lock(statement, target)
        return
    if re.search(r"\brename (?!constraint )", actions):
        reading.refuse(
            statement,
            f"renames {table} or a column of it, which the previous release still uses: add the "
            f"new one, copy, and drop the old one releases later (expand and contract, {DOCS})",
        )
    for column in DROP_COLUMN.findall(actions):
        if (table, column) in reading.columns:
            reading.refuse(
                statement,
                f"drops {table}.{column}, which the previous release still uses: take it out of "
                f"Django's state first and drop it a release later (expand and contract, {DOCS})",
            )
    for column, definition in ADD_COLUMN.findall(actions):
        _read_added_column(reading, statement, table, column, definition)
    for kind in ADD_CONSTRAINT.findall(actions):
        _read_constraint(reading, statement, table, kind, actions)
    for column, new_type in ALTER_TYPE.findall(actions):
        if not _widens(reading.columns.get((table, column)), new_type, connection):
            reading.refuse(
                statement,
                f"changes the type of {table}.{column}, which may rewrite the table under an "
                "exclusive lock",
            )
    if re.search(r"alter (?:column )?\w+ set not null", actions):
        reading.refuse(
            statement,
            f"SET NOT NULL reads all of {table} under an exclusive lock: a CHECK (… IS NOT NULL) "
            "NOT VALID instead, validated in a later migration",
        )
    if re.fullmatch(r"validate constraint \w+", actions):
        if table in reading.locked:
            reading.refuse(
                statement,
                f"validates under the lock this migration took on {table}: validate it in a "
                "later migration",
            )
        return
    for target in REFERENCES.findall(actions):
        reading.lock(statement, target)
    reading.lock(statement, table)


def _read_added_column(
    reading: Reading, statement: Statement, table: str, column: str, definition: str
) -> None:
    what = f"{table}.{column}"
    has_default = " default " in f" {definition} "
    if "not null" in definition and not has_default and "generated" not in definition:
        reading.refuse(statement, f"{what} is NOT NULL without a default: it fails on rows")
    if has_default and reading.volatile & set(
        FUNCTION_CALL.findall(definition.split("default", 1)[1])
    ):
        reading.refuse(statement, f"{what} has a volatile default, which rewrites the table")
    if "generated" in definition or re.match(r"(big|small)?serial\b", definition):
        reading.refuse(statement, f"{what} is filled for every row, which rewrites the table")
    if " references " in f" {definition} ":
        reading.refuse(
            statement,
            f"{what} is a foreign key whose check reads the whole table under the lock: add the "
            f"column with db_constraint=False, then the constraint NOT VALID ({DOCS})",
        )
    if re.search(r"\b(unique|primary key)\b", definition):
        reading.refuse(
            statement,
            f"{what} is unique, whose index is built under the lock: AddIndexConcurrently first",
        )


def _read_constraint(
    reading: Reading, statement: Statement, table: str, kind: str, actions: str
) -> None:
    if " using index " in f" {actions} " or "not valid" in actions:
        return
    if kind in ("foreign key", "check"):
        reading.refuse(
            statement,
            f"a {kind} constraint reads all of {table} under the lock: AddConstraintNotValid (or "
            "NOT VALID), then ValidateConstraint in a later migration",
        )
    else:
        reading.refuse(
            statement,
            f"a {kind} constraint builds its index on {table} under the lock: build a unique "
            "index concurrently first, then ADD CONSTRAINT … USING INDEX",
        )


def _widens(field_, new_type: str, connection: BaseDatabaseWrapper) -> bool:
    """Whether changing `field_`'s column to `new_type` only lets it hold longer text, which
    PostgreSQL does without reading the table."""
    if field_ is None:
        return False
    old = VARCHAR.fullmatch(field_.db_type(connection) or "")
    new = VARCHAR.fullmatch(new_type.strip())
    if old is None:
        return False
    return new_type.strip() == "text" or (new is not None and int(new[1]) >= int(old[1]))
